package io.holdfast.server.stats;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The dashboard's single page (plain HTML and JavaScript, no build step), read once from the jar. */
final class DashboardPage {
    private static final String RESOURCE = "dashboard.html";
    private static volatile byte[] page;

    private DashboardPage() {}

    static byte[] html() {
        byte[] p = page;
        if (p == null) {
            try (InputStream in = DashboardPage.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + RESOURCE);
                }
                p = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            page = p;
        }
        return p;
    }
}
