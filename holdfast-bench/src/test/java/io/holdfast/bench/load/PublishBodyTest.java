package io.holdfast.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.grip.publish.PublishItem;
import io.holdfast.grip.publish.PublishRequestParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PublishBodyTest {

    @Test
    void sseItemsAreHttpStreamDataEvents() {
        byte[] body = new PublishBody(Subscriber.Kind.SSE).add("a", "M 1 2").add("b\"q", "P 0 3").bytes();

        List<PublishItem> items = PublishRequestParser.parse(body);

        assertThat(items).hasSize(2);
        assertThat(items.get(0).channel()).isEqualTo("a");
        assertThat(new String(items.get(0).httpStream().orElseThrow().content(), StandardCharsets.UTF_8))
                .isEqualTo("data: M 1 2\n\n");
        assertThat(items.get(1).channel()).isEqualTo("b\"q");
        assertThat(items.get(0).wsMessage()).isEmpty();
    }

    @Test
    void webSocketItemsAreWsMessages() {
        byte[] body = new PublishBody(Subscriber.Kind.WS).add("a", "M 1 2").bytes();

        PublishItem item = PublishRequestParser.parse(body).get(0);

        assertThat(item.wsMessage()).isPresent();
        assertThat(item.httpStream()).isEmpty();
    }
}
