package io.holdfast.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client connection, decoded by hand (RFC 6455): the upgrade request, the 101 with its
 * {@code Sec-WebSocket-Accept} checked, then server frames. Text and binary messages (fragmented or
 * not) go to the payload sink; pings are answered; a close frame is echoed and ends the connection.
 *
 * <p>Hand-written for the same reason as {@link SseClientHandler}: the load generator must cost the
 * machine less than the proxy it measures. Tests drive it with frames from Netty's own encoder.
 */
final class WsClientHandler extends ByteToMessageDecoder {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_MESSAGE = 1 << 20;

    private final Subscriber sub;
    private final ConnectionEvents events;
    private final String host;
    private final String path;
    private String key;
    private boolean headDone;
    private ByteBuf fragments;
    private boolean closing;

    WsClientHandler(Subscriber sub, ConnectionEvents events, String host, String path) {
        this.sub = sub;
        this.events = events;
        this.host = host;
        this.path = path;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        key = Base64.getEncoder().encodeToString(nonce);
        String req = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\nUser-Agent: holdfast-bench\r\n\r\n";
        ctx.writeAndFlush(Unpooled.wrappedBuffer(req.getBytes(StandardCharsets.US_ASCII)));
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!headDone) {
            ResponseHead head = ResponseHead.read(in);
            if (head == null) {
                return;
            }
            headDone = true;
            sub.status = head.status;
            if (head.status != 101) {
                fail(ctx, "HTTP " + head.status, "HTTP " + head.status + " " + head.reason);
                return;
            }
            String accept = head.header("Sec-WebSocket-Accept");
            if (accept == null || !accept.equals(expectedAccept(key))) {
                fail(ctx, "bad Sec-WebSocket-Accept", "bad Sec-WebSocket-Accept: " + accept);
                return;
            }
            sub.openNanos = System.nanoTime();
            events.onOpen(sub);
        }
        while (in.readableBytes() >= 2 && ctx.channel().isActive()) {
            int start = in.readerIndex();
            int b0 = in.getUnsignedByte(start);
            int b1 = in.getUnsignedByte(start + 1);
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0f;
            boolean masked = (b1 & 0x80) != 0;
            long len = b1 & 0x7f;
            int header = 2;
            if (len == 126) {
                if (in.readableBytes() < 4) {
                    return;
                }
                len = in.getUnsignedShort(start + 2);
                header = 4;
            } else if (len == 127) {
                if (in.readableBytes() < 10) {
                    return;
                }
                len = in.getLong(start + 2);
                header = 10;
            }
            if (len < 0 || len > MAX_MESSAGE) {
                fail(ctx, "frame too large", "frame of " + len + " bytes");
                return;
            }
            int maskAt = start + header;
            if (masked) {
                header += 4;
            }
            if (in.readableBytes() < header + len) {
                return;
            }
            int from = start + header;
            int to = from + (int) len;
            if (masked) {
                for (int i = from; i < to; i++) {
                    in.setByte(i, in.getByte(i) ^ in.getByte(maskAt + ((i - from) & 3)));
                }
            }
            frame(ctx, fin, opcode, in, from, to);
            in.readerIndex(to);
        }
    }

    private void frame(ChannelHandlerContext ctx, boolean fin, int opcode, ByteBuf in, int from, int to) {
        switch (opcode) {
            case 0x1, 0x2 -> {
                if (fin && (fragments == null || !fragments.isReadable())) {
                    Payload.parse(in, from, to, sub, events.sink(), System.nanoTime());
                } else {
                    startFragments(ctx, in, from, to, fin);
                }
            }
            case 0x0 -> startFragments(ctx, in, from, to, fin);
            case 0x8 -> {
                int code = to - from >= 2 ? in.getUnsignedShort(from) : 1005;
                sub.closedByPeer = true;
                if (sub.failure == null) {
                    sub.failure = "the proxy closed the WebSocket (" + code + ")";
                }
                if (!closing) {
                    closing = true;
                    byte[] echo = new byte[Math.min(2, to - from)];
                    in.getBytes(from, echo);
                    ctx.writeAndFlush(clientFrame(0x8, echo)).addListener(ChannelFutureListener.CLOSE);
                } else {
                    ctx.close();
                }
            }
            case 0x9 -> {
                byte[] data = new byte[to - from];
                in.getBytes(from, data);
                ctx.writeAndFlush(clientFrame(0xA, data));
            }
            case 0xA -> {
                // unsolicited pong: ignore
            }
            default -> fail(ctx, "unknown opcode", "unknown opcode " + opcode);
        }
    }

    private void startFragments(ChannelHandlerContext ctx, ByteBuf in, int from, int to, boolean fin) {
        if (fragments == null) {
            fragments = ctx.alloc().heapBuffer(256);
        }
        if (fragments.readableBytes() + (to - from) > MAX_MESSAGE) {
            fail(ctx, "message too large", "fragmented message over " + MAX_MESSAGE + " bytes");
            return;
        }
        fragments.writeBytes(in, from, to - from);
        if (fin) {
            Payload.parse(fragments, fragments.readerIndex(), fragments.writerIndex(), sub, events.sink(),
                    System.nanoTime());
            fragments.clear();
        }
    }

    /** Starts a clean close from the client side (code 1000), used when the bench tears down. */
    void close(ChannelHandlerContext ctx) {
        if (!closing && ctx.channel().isActive()) {
            closing = true;
            ctx.writeAndFlush(clientFrame(0x8, new byte[] {0x03, (byte) 0xE8})).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    /** A masked client frame (RFC 6455 §5.3: every client frame is masked). Control payloads only. */
    static ByteBuf clientFrame(int opcode, byte[] payload) {
        int len = Math.min(payload.length, 125);
        ByteBuf f = Unpooled.buffer(6 + len);
        f.writeByte(0x80 | opcode);
        f.writeByte(0x80 | len);
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.writeBytes(mask);
        for (int i = 0; i < len; i++) {
            f.writeByte(payload[i] ^ mask[i & 3]);
        }
        return f;
    }

    static String expectedAccept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void fail(ChannelHandlerContext ctx, String reason, String detail) {
        if (sub.failure == null) {
            sub.failure = detail;
        }
        if (sub.state != Subscriber.State.OPEN) {
            events.onFailed(sub, reason);
        }
        ctx.close();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (fragments != null) {
            fragments.release();
            fragments = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        super.channelInactive(ctx);
        if (sub.state == Subscriber.State.OPEN) {
            events.onClosed(sub, sub.failure != null ? sub.failure : "connection closed");
        } else if (sub.state == Subscriber.State.CONNECTING) {
            events.onFailed(sub, sub.failure != null ? sub.failure : "closed before the 101");
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
