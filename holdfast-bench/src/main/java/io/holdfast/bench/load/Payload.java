package io.holdfast.bench.load;

import io.netty.buffer.ByteBuf;

/**
 * The text every published message carries, so a receiver can tell what it got and when it was sent:
 * {@code <kind> <seq> <sendNanos>[ <padding>]}.
 *
 * <p>{@code kind} is {@code P} (a probe that proves a subscription is live), {@code W} (warm-up, not
 * counted) or {@code M} (measured). {@code seq} numbers measured messages from 0 per run, so each
 * receiver can detect loss and duplication; {@code sendNanos} is {@link System#nanoTime()} in the load
 * generator at publish time (publisher and receivers share the process, so the clocks agree).
 */
public final class Payload {

    public static final byte PROBE = 'P';
    public static final byte WARMUP = 'W';
    public static final byte MEASURED = 'M';

    private Payload() {
    }

    /** The message text, padded with {@code x} to at least {@code minLength} characters. */
    public static String text(byte kind, long seq, long sendNanos, int minLength) {
        StringBuilder sb = new StringBuilder(Math.max(minLength, 32));
        sb.append((char) kind).append(' ').append(seq).append(' ').append(sendNanos);
        if (sb.length() < minLength) {
            sb.append(' ');
            while (sb.length() < minLength) {
                sb.append('x');
            }
        }
        return sb.toString();
    }

    /** Receives parsed messages; called on the receiving connection's event loop. */
    public interface Sink {
        void onPayload(Subscriber from, byte kind, long seq, long sendNanos, long receivedNanos);

        /** Text that is not a bench payload (kept to report, never silently dropped). */
        void onForeign(Subscriber from, String text);
    }

    /**
     * Parses the payload in {@code buf[from, to)} and hands it to the sink.
     *
     * @return whether it was a bench payload
     */
    public static boolean parse(ByteBuf buf, int from, int to, Subscriber s, Sink sink, long now) {
        if (to - from < 5) {
            return foreign(buf, from, to, s, sink);
        }
        byte kind = buf.getByte(from);
        if ((kind != PROBE && kind != WARMUP && kind != MEASURED) || buf.getByte(from + 1) != ' ') {
            return foreign(buf, from, to, s, sink);
        }
        int i = from + 2;
        long seq = 0;
        int digits = 0;
        while (i < to) {
            byte b = buf.getByte(i);
            if (b < '0' || b > '9') {
                break;
            }
            seq = seq * 10 + (b - '0');
            digits++;
            i++;
        }
        if (digits == 0 || i >= to || buf.getByte(i) != ' ') {
            return foreign(buf, from, to, s, sink);
        }
        i++;
        long ts = 0;
        boolean negative = false;
        if (i < to && buf.getByte(i) == '-') {
            negative = true;
            i++;
        }
        digits = 0;
        while (i < to) {
            byte b = buf.getByte(i);
            if (b < '0' || b > '9') {
                break;
            }
            ts = ts * 10 + (b - '0');
            digits++;
            i++;
        }
        if (digits == 0 || (i < to && buf.getByte(i) != ' ')) {
            return foreign(buf, from, to, s, sink);
        }
        sink.onPayload(s, kind, seq, negative ? -ts : ts, now);
        return true;
    }

    private static boolean foreign(ByteBuf buf, int from, int to, Subscriber s, Sink sink) {
        sink.onForeign(s, buf.toString(from, Math.min(to - from, 200), java.nio.charset.StandardCharsets.UTF_8));
        return false;
    }
}
