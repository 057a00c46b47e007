package io.holdfast.server.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a buffer leak while it ran (or since the previous class:
 * a server thread may report after its class ended). Registered for every test class through
 * {@code META-INF/services} and {@code junit.jupiter.extensions.autodetection.enabled} in the
 * surefire {@code argLine}.
 */
public final class FailOnLeaks implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        check();
    }

    /** Collects pending reports and throws if there are any. */
    public static void check() {
        LeakReports.collect();
        List<String> leaks = LeakReports.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty LEAK report(s); the first:\n" + leaks.get(0));
        }
    }
}
