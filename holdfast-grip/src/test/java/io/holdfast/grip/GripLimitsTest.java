package io.holdfast.grip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GripLimitsTest {

    @Test
    void aChannelNameMayHave512BytesOfUtf8AndNoMore() {
        assertThat(GripLimits.channelProblem("x".repeat(512))).isNull();
        assertThat(GripLimits.channelProblem("x".repeat(513)))
                .isEqualTo("channel name is 513 bytes long (max 512 bytes of UTF-8)");
        assertThat(GripLimits.channelProblem("x".repeat(7000)))
                .isEqualTo("channel name is 7000 bytes long (max 512 bytes of UTF-8)");
        assertThat(GripLimits.channelProblem("")).isEqualTo("empty channel name");
        assertThat(GripLimits.channelProblem(null)).isEqualTo("empty channel name");
    }

    @Test
    void channelBytesAreCountedAsUtf8NotAsChars() {
        String euro171 = "€".repeat(171); // 3 bytes each: 513
        assertThat(euro171.length()).isEqualTo(171);
        assertThat(GripLimits.channelProblem(euro171)).contains("513 bytes");
        assertThat(GripLimits.channelProblem("€".repeat(170) + "xx")).isNull(); // 512
        String emoji128 = "\uD83D\uDE00".repeat(128); // 4 bytes each: 512
        assertThat(GripLimits.channelProblem(emoji128)).isNull();
        assertThat(GripLimits.channelProblem(emoji128 + "é")).contains("514 bytes");
        for (String s : new String[] {"abc", "é€\uD83D\uDE00", "\uD800x", "x\uDC00"}) {
            assertThat(GripLimits.utf8Length(s)).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void headerNamesAreRfc9110Tokens() {
        assertThat(GripLimits.headerNameProblem("X-Custom_1.a!#$%&'*+^`|~")).isNull();
        assertThat(GripLimits.headerNameProblem("X-A\r\nSet-Cookie"))
                .isEqualTo("header name \"X-A\\x0d\\x0aSet-Cookie\" has a CR (expected: an RFC 9110 token)");
        assertThat(GripLimits.headerNameProblem("X A")).contains("U+0020");
        assertThat(GripLimits.headerNameProblem("X:A")).contains("U+003A");
        assertThat(GripLimits.headerNameProblem("Ä")).contains("U+00C4");
        assertThat(GripLimits.headerNameProblem("")).isEqualTo("empty header name");
    }

    @Test
    void headerValuesHaveNoControlCharactersButTab() {
        assertThat(GripLimits.headerValueProblem("a\tb c ÿ €")).isNull();
        assertThat(GripLimits.headerValueProblem("a\r\nSet-Cookie: x=1"))
                .isEqualTo("header value has a CR (expected: no control characters, RFC 9110 §5.5)");
        assertThat(GripLimits.headerValueProblem("a\nb")).contains("an LF");
        assertThat(GripLimits.headerValueProblem("a\0b")).contains("a NUL");
        assertThat(GripLimits.headerValueProblem("a\u007fb")).contains("U+007F");
        assertThat(GripLimits.headerValueProblem("")).isNull();
    }

    @Test
    void hopByHopAndFramingHeadersAreRefusedOnResponsesInAnyCase() {
        for (String name : new String[] {"Connection", "keep-alive", "TRANSFER-ENCODING", "Content-Length", "Upgrade",
                "TE", "Trailer", "Proxy-Authenticate", "proxy-connection"}) {
            assertThat(GripLimits.responseHeaderProblem(name, "x")).as(name)
                    .isEqualTo("header " + name + " is hop-by-hop or framing; Holdfast sets it itself");
        }
        assertThat(GripLimits.responseHeaderProblem("Content-Type", "text/plain")).isNull();
        assertThat(GripLimits.responseHeaderProblem("Trailers-Not", "x")).isNull();
        assertThat(GripLimits.responseHeaderProblem("X-A", "a\r\nb")).contains("a CR");
        assertThat(GripLimits.responseHeaderProblem("X A", "b")).contains("RFC 9110 token");
    }

    @Test
    void reasonPhrasesHaveNoControlCharacters() {
        assertThat(GripLimits.reasonPhraseProblem("Not Found\tHere")).isNull();
        assertThat(GripLimits.reasonPhraseProblem(null)).isNull();
        assertThat(GripLimits.reasonPhraseProblem("OK\r\nSet-Cookie: x=1")).contains("a CR").contains("RFC 9112");
    }

    @Test
    void onlyCloseCodesAnEndpointMaySendAreAccepted() {
        for (int ok : new int[] {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000,
                4999}) {
            assertThat(GripLimits.closeCodeProblem(ok)).as("%d", ok).isNull();
        }
        for (int bad : new int[] {0, 1, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535, -1}) {
            assertThat(GripLimits.closeCodeProblem(bad)).as("%d", bad).isEqualTo("close code " + bad
                    + " may not be sent (expected: 1000-1003, 1007-1014 or 3000-4999, RFC 6455 §7.4)");
        }
    }

    @Test
    void aCloseReasonFitsInAControlFrame() {
        assertThat(GripLimits.closeReasonProblem("x".repeat(123))).isNull();
        assertThat(GripLimits.closeReasonProblem(null)).isNull();
        assertThat(GripLimits.closeReasonProblem("x".repeat(124)))
                .isEqualTo("close reason is 124 bytes long (max 123 bytes of UTF-8, RFC 6455 §5.5)");
        assertThat(GripLimits.closeReasonProblem("€".repeat(42))).contains("126 bytes");
    }

    @Test
    void printableKeepsHostileInputOnOneShortLine() {
        assertThat(GripLimits.printable("a\r\nb")).isEqualTo("a\\x0d\\x0ab");
        assertThat(GripLimits.printable("y".repeat(100))).isEqualTo("y".repeat(64) + "...");
    }
}
