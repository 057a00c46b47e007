package io.holdfast.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.RawHttp;
import io.holdfast.server.testing.TestOrigin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Requests whose framing or Host is ambiguous are answered 400, never forwarded (issue 10, defect 9). */
class RequestFramingTest {
    private TestOrigin origin;
    private Holdfast holdfast;

    @BeforeEach
    void start() throws Exception {
        origin = new TestOrigin();
        origin.handle("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(204, -1);
        });
        holdfast = Holdfast.start("* " + origin.target());
    }

    @AfterEach
    void stop() {
        holdfast.close();
        origin.close();
    }

    @Test
    void anInvalidChunkSizeIsAnswered400() throws Exception {
        String r = RawHttp.exchangeUntilClose(holdfast.port(), "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\nzz\r\nmore\r\n0\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 400 ").contains("Malformed HTTP request");
    }

    @Test
    void twoHostHeadersAreAnswered400AndNotForwarded() throws Exception {
        String r = RawHttp.exchangeUntilClose(holdfast.port(), "GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 400 ").contains("2 Host headers");
        assertThat(origin.requestCount()).isZero();
    }

    @Test
    void anHttp11RequestWithoutHostIsAnswered400() throws Exception {
        String r = RawHttp.exchangeUntilClose(holdfast.port(), "GET / HTTP/1.1\r\nX-A: 1\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 400 ").contains("no Host header");
        assertThat(origin.requestCount()).isZero();
    }

    @Test
    void anHttp10RequestWithoutHostIsForwarded() throws Exception {
        String r = RawHttp.exchangeUntilClose(holdfast.port(), "GET / HTTP/1.0\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 204 ");
    }

    @Test
    void anInvalidHostIsAnswered400() throws Exception {
        String r = RawHttp.exchangeUntilClose(holdfast.port(), "GET / HTTP/1.1\r\nHost: a b/c\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 400 ").contains("invalid Host");
    }
}
