package io.holdfast.server.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.grip.publish.PublishItem;
import io.holdfast.grip.publish.PublishRequestParser;
import io.holdfast.server.stats.Counters;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A delivery that throws for one subscriber reaches neither the loop nor the other subscribers. */
class ShardIsolationTest {

    private static final class Recording implements Subscriber {
        final EventLoop loop;
        final boolean failing;
        final List<String> got = new ArrayList<>();
        final List<Throwable> failures = new ArrayList<>();
        int flushes;

        Recording(EventLoop loop, boolean failing) {
            this.loop = loop;
            this.failing = failing;
        }

        @Override
        public EventLoop loop() {
            return loop;
        }

        @Override
        public void deliver(Message message) {
            if (failing) {
                throw new IllegalStateException("broken subscriber");
            }
            got.add(new String(message.item().httpStream().orElseThrow().content(), StandardCharsets.UTF_8));
        }

        @Override
        public void flush() {
            flushes++;
        }

        @Override
        public void deliveryFailed(Throwable cause) {
            failures.add(cause);
        }
    }

    private static List<PublishItem> items(String json) throws Exception {
        return PublishRequestParser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSubscriberWhoseDeliveryThrowsIsCountedAndTheOthersGetEveryItem() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel();
        Counters counters = new Counters();
        PubSub pubsub = new PubSub(ch.eventLoop(), counters);
        Recording before = new Recording(ch.eventLoop(), false);
        Recording broken = new Recording(ch.eventLoop(), true);
        Recording after = new Recording(ch.eventLoop(), false);
        pubsub.subscribe("c", before);
        pubsub.subscribe("c", broken);
        pubsub.subscribe("c", after);

        pubsub.publish(items("{\"items\":[{\"channel\":\"c\",\"formats\":{\"http-stream\":{\"content\":\"one\"}}},"
                + "{\"channel\":\"c\",\"formats\":{\"http-stream\":{\"content\":\"two\"}}}]}"));
        ch.runPendingTasks();

        assertThat(before.got).containsExactly("one", "two");
        assertThat(after.got).containsExactly("one", "two");
        assertThat(before.flushes).isEqualTo(1);
        assertThat(after.flushes).isEqualTo(1);
        assertThat(broken.failures).hasSize(2).allMatch(t -> t.getMessage().equals("broken subscriber"));
        assertThat(broken.flushes).isZero();
        assertThat(counters.deliveryFailures.sum()).isEqualTo(2);
        ch.finishAndReleaseAll();
    }
}
