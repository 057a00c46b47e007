package io.holdfast.server.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.StreamClients;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GracefulShutdownTest {

    @Test
    void shutdownAnswersHeldLongPollsAndEndsStreamsCleanly() throws Exception {
        Holdfast hf = Holdfast.start("* test");
        try (StreamClients clients = new StreamClients()) {
            CompletableFuture<HttpResponse<String>> poll = Holdfast.CLIENT.sendAsync(
                    HttpRequest.newBuilder(hf.uri("/long-poll")).build(), HttpResponse.BodyHandlers.ofString());
            StreamClients.Stream stream = clients.open(hf.port(), "/stream");
            await().until(() -> hf.server().pubsub().subscriptionCount() == 2);

            hf.close();

            HttpResponse<String> r = poll.get(5, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("nothing for now\n");
            await().until(stream::ended);
            assertThat(stream.body()).isEqualTo("[stream opened]\n");
        }
    }
}
