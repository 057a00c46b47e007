package io.holdfast.server.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.StreamClients;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SlowSubscriberTest {

    @Test
    void aSlowSubscriberIsCutOffWhileAFastOneReceivesEverything() throws Exception {
        try (Holdfast hf = Holdfast.start(b -> b.subscriberBufferSize(256 * 1024), "* test");
             StreamClients clients = new StreamClients();
             Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new java.net.InetSocketAddress("127.0.0.1", hf.port()));
            slow.getOutputStream().write(("GET /stream?channel=big HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            StreamClients.Stream fast = clients.open(hf.port(), "/stream?channel=big");
            await().atMost(Duration.ofSeconds(10)).until(() -> hf.server().pubsub().subscriptionCount() == 2);

            String chunk = "y".repeat(32 * 1024 - 1);
            int messages = 200;
            for (int i = 0; i < messages; i++) {
                hf.publish("{\"items\":[{\"channel\":\"big\",\"formats\":{\"http-stream\":{\"content\":\"" + chunk
                        + "\\n\"}}}]}");
            }
            long expected = "[stream opened]\n".length() + (long) messages * 32 * 1024;
            await().atMost(Duration.ofSeconds(30)).until(() -> fast.body().length() >= expected);
            assertThat(fast.body()).hasSize((int) expected);
            assertThat(fast.closed()).isFalse();

            assertThat(hf.server().counters().slowSubscribersDropped.sum()).isEqualTo(1);
            assertThat(hf.server().pubsub().subscriptionCount()).isEqualTo(1);
            // The slow socket sees its connection end once it drains what was already sent.
            InputStream in = slow.getInputStream();
            byte[] buf = new byte[65536];
            long total = 0;
            int n;
            slow.setSoTimeout(10_000);
            while ((n = in.read(buf)) >= 0) {
                total += n;
            }
            assertThat(total).isLessThan(expected);
        }
    }
}
