package io.holdfast.server.listen;

import io.holdfast.server.proxy.ClientConnection;
import io.holdfast.server.proxy.ErrorResponses;
import io.holdfast.server.proxy.ProxyContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the pipeline of every client connection: the HTTP codec, sized by
 * {@code client_buffer_size} like Pushpin (the whole request head must fit), then the
 * {@link ClientConnection} that routes and proxies. Connections past {@code client_maxconn} (never
 * more than the open-file limit allows, see {@link ConnectionLimit}) are answered 503 and closed.
 */
public final class ClientChannelInitializer extends ChannelInitializer<SocketChannel> {
    private static final Logger LOG = LoggerFactory.getLogger(ClientChannelInitializer.class);

    private final ProxyContext services;
    private final AtomicInteger open;
    private final Mapping<String, SslContext> tls;
    private final int maxConn;

    public ClientChannelInitializer(ProxyContext services) {
        this(services, new AtomicInteger(), null, ConnectionLimit.effective(services.config().clientMaxConn()));
    }

    private ClientChannelInitializer(ProxyContext services, AtomicInteger open, Mapping<String, SslContext> tls,
                                     int maxConn) {
        this.services = services;
        this.open = open;
        this.tls = tls;
        this.maxConn = maxConn;
    }

    /** The same, for a TLS listener: SNI picks the certificate; connections count against the same limit. */
    public ClientChannelInitializer withTls(Mapping<String, SslContext> certificates) {
        return new ClientChannelInitializer(services, open, certificates, maxConn);
    }

    /**
     * Write-buffer water marks of client connections (Netty's defaults, stated): above the high mark
     * a connection is unwritable, so a proxied response pauses its origin, and a subscriber session
     * reads its unsent bytes through them ({@code SubscriberSession.pendingBytes}) to decide the
     * slow-subscriber cut-off and the unsent-bytes budget.
     */
    public static final WriteBufferWaterMark WATER_MARKS = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.config().setWriteBufferWaterMark(WATER_MARKS);
        int bufferSize = services.config().clientBufferSize();
        if (tls != null) {
            ch.pipeline().addLast(HandlerNames.TLS, new SniHandler(tls));
        }
        ch.pipeline().addLast(HandlerNames.HTTP_CODEC, new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(bufferSize)
                .setMaxHeaderSize(bufferSize)
                .setMaxChunkSize(64 * 1024)));
        if (open.incrementAndGet() > maxConn) {
            open.decrementAndGet();
            LOG.warn("refusing connection from {}: client_maxconn ({}) reached", ch.remoteAddress(), maxConn);
            RefusedConnection.refuse(ch, ErrorResponses.text(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "Too many connections (client_maxconn).", false));
            return;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        ch.pipeline().addLast(HandlerNames.CLIENT, new ClientConnection(services, tls != null));
    }

    /** Client connections allowed: {@code client_maxconn}, lowered to fit the open-file limit. */
    public int maxConnections() {
        return maxConn;
    }

    /** Client connections open now. */
    public int openConnections() {
        return open.get();
    }
}
