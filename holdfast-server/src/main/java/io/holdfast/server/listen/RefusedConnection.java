package io.holdfast.server.listen;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * Answers a connection Holdfast will not serve (past {@code client_maxconn}) and lets the client
 * read the answer. Closing a socket whose request is still unread makes the kernel send a reset,
 * and a reset can reach the client before the 503 does, which then sees only "connection reset".
 * So after the answer the sending side is shut (the client reads the 503, then end of stream),
 * whatever the client sends is read and dropped, and the socket closes when the client closes or
 * after {@value #LINGER_MILLIS} ms at most.
 */
final class RefusedConnection extends ChannelInboundHandlerAdapter {
    /** The longest a refused socket stays open for its client to read the answer. */
    static final long LINGER_MILLIS = 1000;

    private RefusedConnection() {}

    /** Writes {@code answer} (ownership passes to the channel) and closes gently. Call from the initializer. */
    static void refuse(SocketChannel ch, FullHttpResponse answer) {
        ch.pipeline().addLast(new RefusedConnection());
        ch.writeAndFlush(answer).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                ch.close();
                return;
            }
            ch.shutdownOutput();
            ch.eventLoop().schedule(() -> {
                ch.close();
            }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset from the client, most likely: nothing more to say to it
    }
}
