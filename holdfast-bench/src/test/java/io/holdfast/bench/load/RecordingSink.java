package io.holdfast.bench.load;

import java.util.ArrayList;
import java.util.List;

/** Collects what a decoder hands over, and stands in for the pool's lifecycle bookkeeping. */
final class RecordingSink implements Payload.Sink, ConnectionEvents {

    record Got(byte kind, long seq, long sendNanos) {
    }

    final List<Got> payloads = new ArrayList<>();
    final List<String> foreign = new ArrayList<>();
    final List<String> events = new ArrayList<>();

    @Override
    public void onPayload(Subscriber from, byte kind, long seq, long sendNanos, long receivedNanos) {
        payloads.add(new Got(kind, seq, sendNanos));
    }

    @Override
    public void onForeign(Subscriber from, String text) {
        foreign.add(text);
    }

    @Override
    public void onOpen(Subscriber s) {
        Connections.opened(s);
        events.add("open");
    }

    @Override
    public void onFailed(Subscriber s, String reason) {
        Connections.failed(s);
        events.add("failed: " + reason);
    }

    @Override
    public void onClosed(Subscriber s, String why) {
        Connections.closed(s);
        events.add("closed: " + why);
    }

    @Override
    public Payload.Sink sink() {
        return this;
    }
}
