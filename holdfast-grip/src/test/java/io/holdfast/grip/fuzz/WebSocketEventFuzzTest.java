package io.holdfast.grip.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.grip.websocket.WebSocketEvent;
import io.holdfast.grip.websocket.WebSocketEventCodec;
import io.holdfast.grip.websocket.WebSocketEventException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Fuzzes {@code application/websocket-events} bodies ({@link WebSocketEventCodec}), which arrive from
 * origins (and, on {@code over_http} routes, are written from client frames): any bytes decode or
 * fail with {@link WebSocketEventException}; decoded events re-encode to a body that decodes to the
 * same events; generated events survive encode/decode. Seeds: {@code fuzz/websocket-events/}.
 */
class WebSocketEventFuzzTest {

    private static final List<String> DICTIONARY = List.of("OPEN\r\n", "TEXT ", "BINARY ", "PING ", "PONG\r\n",
            "CLOSE ", "DISCONNECT\r\n", "KEEP-ALIVE\r\n", "\r\n", " ", "ffffffff", "7fffffff", "80000000",
            "0\r\n\r\n", "c:{\"type\":\"subscribe\",\"channel\":\"a\"}", "m:");

    private static final Mutator MUTATOR = new Mutator(Corpus.bytes("websocket-events"), DICTIONARY);

    /** Every committed seed, including the inputs of crashes found and fixed, on every run. */
    @Example
    void everyCorpusSeed() {
        for (byte[] seed : Corpus.bytes("websocket-events")) {
            anyBodyDecodesOrFailsCleanly(seed);
        }
    }

    @Property
    void anyBodyDecodesOrFailsCleanly(@ForAll("inputs") byte[] body) {
        Bounded.Outcome<List<WebSocketEvent>> out = Bounded.call(() -> WebSocketEventCodec.decode(body),
                WebSocketEventException.class);
        if (out.ok()) {
            byte[] again = WebSocketEventCodec.encode(out.value());
            assertThat(Bounded.call(() -> WebSocketEventCodec.decode(again)).value()).isEqualTo(out.value());
        }
    }

    @Property
    void generatedEventsRoundTrip(@ForAll("events") List<WebSocketEvent> events) {
        byte[] body = WebSocketEventCodec.encode(events);
        assertThat(Bounded.call(() -> WebSocketEventCodec.decode(body)).value()).isEqualTo(events);
    }

    @Provide
    Arbitrary<byte[]> inputs() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of(Corpus.bytes("websocket-events"))),
                Tuple.of(6, MUTATOR.arbitrary()),
                Tuple.of(3, Arbitraries.randomValue(r -> MUTATOR.mutate(WebSocketEventCodec.encode(events(r)), r))),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)));
    }

    @Provide
    Arbitrary<List<WebSocketEvent>> events() {
        return Arbitraries.randomValue(WebSocketEventFuzzTest::events);
    }

    /** Random events as a client or origin sends them (content only where the type keeps it). */
    static List<WebSocketEvent> events(Random r) {
        List<WebSocketEvent> out = new ArrayList<>();
        int n = r.nextInt(6);
        for (int i = 0; i < n; i++) {
            WebSocketEvent.Type type = WebSocketEvent.Type.values()[r.nextInt(WebSocketEvent.Type.values().length)];
            byte[] content = new byte[type.hasContent() ? (r.nextInt(5) == 0 ? r.nextInt(70_000) : r.nextInt(20)) : 0];
            r.nextBytes(content);
            if (type == WebSocketEvent.Type.TEXT && r.nextBoolean()) {
                content = ("c:{\"type\":\"subscribe\",\"channel\":\"ch" + r.nextInt(9) + "\"}").getBytes();
            }
            out.add(new WebSocketEvent(type, content));
        }
        return out;
    }
}
