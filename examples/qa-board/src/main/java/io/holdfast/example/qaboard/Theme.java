package io.holdfast.example.qaboard;

import java.util.Locale;
import java.util.Optional;

/**
 * The colour themes a host can give a room. The page maps each name to an accent colour that keeps
 * white text readable (WCAG AA), so the server only has to accept a known name.
 */
public enum Theme {
    INDIGO, TEAL, ROSE, AMBER, FOREST, OCEAN, VIOLET, SLATE;

    public static final Theme DEFAULT = INDIGO;

    /** The name the page uses ({@code "indigo"}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The theme with this page name, if any. */
    public static Optional<Theme> fromWireName(String name) {
        for (Theme t : values()) {
            if (t.wireName().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
