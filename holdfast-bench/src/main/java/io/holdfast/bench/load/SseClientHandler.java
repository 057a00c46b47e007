package io.holdfast.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An SSE client connection, decoded by hand: it sends one {@code GET}, reads the response head, undoes
 * chunked framing, splits the body into lines and hands every {@code data:} line to the payload sink.
 *
 * <p>Hand-written rather than built from Netty's HTTP codec so the load generator spends as little CPU
 * per delivery as possible (it shares the machine with the proxy it measures); the unit tests feed it
 * what Netty's own server codec writes. A line split over two chunks is kept in a small per-connection
 * buffer, allocated only when that happens.
 */
final class SseClientHandler extends ByteToMessageDecoder {

    private static final int MAX_LINE = 64 * 1024;

    private enum State { HEAD, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, RAW, DONE }

    private final Subscriber sub;
    private final ConnectionEvents events;
    private final byte[] request;

    private State state = State.HEAD;
    private long chunkRemaining;
    private long rawRemaining;
    private ByteBuf partialLine;

    SseClientHandler(Subscriber sub, ConnectionEvents events, String host, String path) {
        this.sub = sub;
        this.events = events;
        this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + host
                + "\r\nAccept: text/event-stream\r\nUser-Agent: holdfast-bench\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(request));
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            switch (state) {
                case HEAD -> {
                    ResponseHead head = ResponseHead.read(in);
                    if (head == null) {
                        return;
                    }
                    onHead(ctx, head);
                }
                case CHUNK_SIZE -> {
                    int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
                    if (eol < 0) {
                        if (in.readableBytes() > 1024) {
                            fail(ctx, "chunk size line over 1024 bytes");
                        }
                        return;
                    }
                    long size = parseChunkSize(in, in.readerIndex(), eol);
                    in.readerIndex(eol + 1);
                    if (size < 0) {
                        fail(ctx, "malformed chunk size");
                        return;
                    }
                    if (size == 0) {
                        endOfStream(ctx, "the proxy ended the stream (last chunk)");
                        return;
                    }
                    chunkRemaining = size;
                    state = State.CHUNK_DATA;
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(chunkRemaining, in.readableBytes());
                    content(ctx, in, in.readerIndex(), in.readerIndex() + n);
                    in.skipBytes(n);
                    chunkRemaining -= n;
                    if (chunkRemaining == 0) {
                        state = State.CHUNK_CRLF;
                    }
                }
                case CHUNK_CRLF -> {
                    if (in.readableBytes() < 2) {
                        return;
                    }
                    if (in.readByte() != '\r' || in.readByte() != '\n') {
                        fail(ctx, "missing CRLF after chunk data");
                        return;
                    }
                    state = State.CHUNK_SIZE;
                }
                case RAW -> {
                    int n = in.readableBytes();
                    if (rawRemaining >= 0) {
                        n = (int) Math.min(n, rawRemaining);
                    }
                    content(ctx, in, in.readerIndex(), in.readerIndex() + n);
                    in.skipBytes(n);
                    if (rawRemaining >= 0) {
                        rawRemaining -= n;
                        if (rawRemaining == 0) {
                            endOfStream(ctx, "the proxy ended the stream (Content-Length reached)");
                            return;
                        }
                    }
                }
                case DONE -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
            }
        }
    }

    private void onHead(ChannelHandlerContext ctx, ResponseHead head) {
        sub.status = head.status;
        if (head.status != 200) {
            state = State.DONE;
            sub.failure = "HTTP " + head.status + " " + head.reason;
            events.onFailed(sub, "HTTP " + head.status);
            ctx.close();
            return;
        }
        sub.openNanos = System.nanoTime();
        events.onOpen(sub);
        if (head.chunked) {
            state = State.CHUNK_SIZE;
        } else {
            state = State.RAW;
            rawRemaining = head.contentLength;
        }
    }

    /** Splits {@code in[from, to)} into lines, joining a line that started in earlier content. */
    private void content(ChannelHandlerContext ctx, ByteBuf in, int from, int to) {
        int pos = from;
        while (pos < to) {
            int eol = in.indexOf(pos, to, (byte) '\n');
            if (eol < 0) {
                appendPartial(ctx, in, pos, to - pos);
                return;
            }
            if (partialLine != null && partialLine.isReadable()) {
                appendPartial(ctx, in, pos, eol - pos);
                line(partialLine, partialLine.readerIndex(), partialLine.writerIndex());
                partialLine.clear();
            } else {
                line(in, pos, eol);
            }
            pos = eol + 1;
        }
    }

    private void appendPartial(ChannelHandlerContext ctx, ByteBuf in, int from, int len) {
        if (partialLine == null) {
            partialLine = ctx.alloc().heapBuffer(256);
        }
        if (partialLine.readableBytes() + len > MAX_LINE) {
            fail(ctx, "SSE line over " + MAX_LINE + " bytes");
            return;
        }
        partialLine.writeBytes(in, from, len);
    }

    /** One SSE line without its LF: {@code data: <payload>} counts, comments and fields are skipped. */
    private void line(ByteBuf buf, int from, int to) {
        if (to > from && buf.getByte(to - 1) == '\r') {
            to--;
        }
        if (to == from || buf.getByte(from) == ':') {
            return; // event boundary or comment (the origin's ":held")
        }
        if (to - from >= 5 && buf.getByte(from) == 'd' && buf.getByte(from + 1) == 'a'
                && buf.getByte(from + 2) == 't' && buf.getByte(from + 3) == 'a' && buf.getByte(from + 4) == ':') {
            int p = from + 5;
            if (p < to && buf.getByte(p) == ' ') {
                p++;
            }
            Payload.parse(buf, p, to, sub, events.sink(), System.nanoTime());
            return;
        }
        if (startsWith(buf, from, to, "event:") || startsWith(buf, from, to, "id:")
                || startsWith(buf, from, to, "retry:")) {
            return;
        }
        events.sink().onForeign(sub, buf.toString(from, Math.min(to - from, 200), StandardCharsets.UTF_8));
    }

    private static boolean startsWith(ByteBuf buf, int from, int to, String prefix) {
        if (to - from < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (buf.getByte(from + i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static long parseChunkSize(ByteBuf in, int from, int eol) {
        long size = 0;
        int digits = 0;
        for (int i = from; i < eol; i++) {
            byte b = in.getByte(i);
            if (b == ';' || b == '\r' || b == ' ') {
                break;
            }
            int d = Character.digit(b, 16);
            if (d < 0 || digits > 15) {
                return -1;
            }
            size = (size << 4) | d;
            digits++;
        }
        return digits == 0 ? -1 : size;
    }

    private void endOfStream(ChannelHandlerContext ctx, String why) {
        state = State.DONE;
        sub.closedByPeer = true;
        if (sub.failure == null) {
            sub.failure = why;
        }
        ctx.close();
    }

    private void fail(ChannelHandlerContext ctx, String why) {
        state = State.DONE;
        if (sub.failure == null) {
            sub.failure = why;
        }
        if (sub.state != Subscriber.State.OPEN) {
            events.onFailed(sub, why);
        }
        ctx.close();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (partialLine != null) {
            partialLine.release();
            partialLine = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        super.channelInactive(ctx);
        if (sub.state == Subscriber.State.OPEN) {
            events.onClosed(sub, sub.failure != null ? sub.failure : "connection closed");
        } else if (sub.state == Subscriber.State.CONNECTING) {
            events.onFailed(sub, sub.failure != null ? sub.failure : "closed before the response head");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (sub.failure == null) {
            sub.failure = Failures.describe(cause);
        }
        ctx.close();
    }
}
