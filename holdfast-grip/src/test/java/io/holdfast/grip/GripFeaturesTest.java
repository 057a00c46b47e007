package io.holdfast.grip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GripFeaturesTest {

    @Test
    void v1_36_matches_pushpin_token_for_token() {
        assertThat(GripFeatures.V1_36).isEqualTo("status, session, link:next, filter:skip-self, filter:skip-users, "
                + "filter:require-sub, filter:build-id, filter:var-subst");
    }

    @Test
    void current_inserts_link_gone_after_link_next_as_v1_41_does() {
        assertThat(GripFeatures.CURRENT).isEqualTo("status, session, link:next, link:gone, filter:skip-self, "
                + "filter:skip-users, filter:require-sub, filter:build-id, filter:var-subst");
        assertThat(GripFeatures.CURRENT.replace("link:gone, ", "")).isEqualTo(GripFeatures.V1_36);
    }

    @Test
    void standard_phrases_follow_pushpin_and_unknown_codes_are_undefined() {
        assertThat(HttpReasons.phrase(200)).isEqualTo("OK");
        assertThat(HttpReasons.phrase(404)).isEqualTo("Not Found");
        assertThat(HttpReasons.phrase(413)).isEqualTo("Request Entity Too Large");
        assertThat(HttpReasons.phrase(599)).isEqualTo("Undefined Reason");
        assertThat(HttpReasons.phrase(0)).isEqualTo("Undefined Reason");
    }

    @Test
    void grip_header_detection_ignores_case() {
        assertThat(GripHeaders.isGripHeader("grip-hold")).isTrue();
        assertThat(GripHeaders.isGripHeader("GRIP-CHANNEL")).isTrue();
        assertThat(GripHeaders.isGripHeader("Gri")).isFalse();
        assertThat(GripHeaders.isGripHeader("X-Grip-Hold")).isFalse();
    }
}
