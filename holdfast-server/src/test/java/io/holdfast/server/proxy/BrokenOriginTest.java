package io.holdfast.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.RawHttp;
import io.holdfast.server.testing.RawOrigin;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Origin responses that are not valid HTTP or not valid GRIP reach the client as a 502 naming the fault. */
class BrokenOriginTest {

    /** What a client sees, raw, when the origin answers its GET with these bytes. */
    private static String getThrough(String originAnswer) throws Exception {
        try (RawOrigin origin = new RawOrigin(originAnswer.getBytes(StandardCharsets.ISO_8859_1));
             Holdfast hf = Holdfast.start("* " + origin.target())) {
            return RawHttp.exchangeUntilClose(hf.port(), "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        }
    }

    @Test
    void nonHttpBytesFromTheOriginGive502() throws Exception {
        String r = getThrough("SSH-2.0-OpenSSH_9.2\r\nnot http at all\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 502 ");
        assertThat(r).contains("Error while proxying to origin").contains("status line");
    }

    @Test
    void aControlByteInGripKeepAliveGives502NamingTheHeader() throws Exception {
        String r = getThrough("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nGrip-Hold: stream\r\n"
                + "Grip-Channel: c\r\nGrip-Keep-Alive: a\u0001b\r\nContent-Length: 0\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 502 ");
        assertThat(r).contains("Error while proxying to origin").contains("invalid header").contains("Grip-Keep-Alive");
    }

    @Test
    void fiveThousandGripChannelHeadersGive502() throws Exception {
        StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\nGrip-Hold: stream\r\n");
        for (int i = 0; i < 5000; i++) {
            head.append("Grip-Channel: ch").append(i).append("\r\n");
        }
        String r = getThrough(head.append("Content-Length: 0\r\n\r\n").toString());
        assertThat(r).startsWith("HTTP/1.1 502 ");
        assertThat(r).contains("Error while proxying to origin").contains("response headers are over");
    }

    @Test
    void moreChannelsThanAnyoneSubscribesGive502NamingGripChannel() throws Exception {
        StringBuilder channels = new StringBuilder("c0");
        for (int i = 1; i < 1500; i++) {
            channels.append(", c").append(i);
        }
        String r = getThrough("HTTP/1.1 200 OK\r\nGrip-Hold: stream\r\nGrip-Channel: " + channels
                + "\r\nContent-Length: 0\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 502 ");
        assertThat(r).contains("Invalid GRIP instructions from origin: Grip-Channel: 1500 channels");
    }

    @Test
    void aJsonInstructHeaderWithALineBreakGives502() throws Exception {
        String json = "{\"response\":{\"code\":200,\"headers\":{\"X-A\":\"a\\r\\nSet-Cookie: x=1\"},"
                + "\"body\":\"hi\"}}";
        String r = getThrough("HTTP/1.1 200 OK\r\nContent-Type: application/grip-instruct\r\nContent-Length: "
                + json.length() + "\r\n\r\n" + json);
        assertThat(r).startsWith("HTTP/1.1 502 ");
        assertThat(r).contains("Invalid GRIP instructions from origin").doesNotContain("\r\nSet-Cookie");
    }

    @Test
    void aJsonInstructWhoseResponseIsNotValidHttpGives502() throws Exception {
        String json = "{\"hold\":{\"mode\":\"response\",\"channels\":[{\"name\":\"c\"}]},"
                + "\"response\":{\"code\":200,\"reason\":\"OK\\r\\nSet-Cookie: x=1\",\"body\":\"hi\"}}";
        String r = getThrough("HTTP/1.1 200 OK\r\nContent-Type: application/grip-instruct\r\nContent-Length: "
                + json.length() + "\r\n\r\n" + json);
        assertThat(r).startsWith("HTTP/1.1 502 ");
        assertThat(r).contains("Invalid GRIP instructions from origin").doesNotContain("\r\nSet-Cookie");
    }
}
