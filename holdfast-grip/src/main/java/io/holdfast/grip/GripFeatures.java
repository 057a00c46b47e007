package io.holdfast.grip;

/**
 * The capability tokens a GRIP proxy advertises to origins in the {@code Grip-Feature} request header.
 *
 * <p>Origins use this header for feature detection (spec 1.1 and 1.1.1): a library checks for a token
 * such as {@code link:gone} before relying on the behaviour behind it. The exact strings matter,
 * because origins compare them literally, so they are pinned here and by tests.
 */
public final class GripFeatures {

    /** What Pushpin v1.36 sends, token for token. */
    public static final String V1_36 = "status, session, link:next, filter:skip-self, filter:skip-users, "
            + "filter:require-sub, filter:build-id, filter:var-subst";

    /**
     * What Holdfast sends: the v1.36 list plus {@code link:gone}, placed after {@code link:next} as
     * Pushpin v1.41 does (Holdfast implements {@code Grip-Link rel=gone}).
     */
    public static final String CURRENT = "status, session, link:next, link:gone, filter:skip-self, "
            + "filter:skip-users, filter:require-sub, filter:build-id, filter:var-subst";

    private GripFeatures() {
    }
}
