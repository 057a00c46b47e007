package io.holdfast.server.proxy;

import io.holdfast.server.config.HoldfastConfig;
import io.holdfast.server.listen.Transport;
import io.holdfast.server.route.Target;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Opens and pools connections to origin targets. Each event loop has its own idle pool, and a
 * client's origin connection always lives on the client's loop, so handing data between the two
 * never crosses threads and the pools need no locks.
 */
public final class OriginConnector {
    static final String CODEC = "http";
    static final String IDLE = "idle";
    static final String HANDLER = "origin";
    /** Idle connections kept per target per event loop; more are closed on release. */
    static final int MAX_IDLE_PER_TARGET = 128;
    /** Largest origin response head accepted; a larger one is answered 502. */
    static final int MAX_RESPONSE_HEADER_SIZE = 64 * 1024;

    /**
     * What makes two origin connections interchangeable.
     *
     * @param policed whether the outbound network policy applies ({@code untrusted} targets, foreign
     *                {@code Grip-Link} URLs): such connections are opened only to allowed addresses
     */
    public record PoolKey(String host, int port, boolean ssl, boolean insecure, String sniHost, boolean policed) {
        public static PoolKey of(Target target) {
            String sni = target.hostHeader().map(OriginConnector::hostOnly).orElse(target.host());
            return new PoolKey(target.host(), target.port(), target.ssl(), target.insecure(), sni, target.untrusted());
        }
    }

    private final Transport transport;
    private final HoldfastConfig config;
    private final FastThreadLocal<Map<PoolKey, ArrayDeque<Channel>>> pools = new FastThreadLocal<>() {
        @Override
        protected Map<PoolKey, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
        }
    };
    private final OutboundResolver resolver;
    private volatile SslContext verifyingTls;
    private volatile SslContext insecureTls;

    public OriginConnector(Transport transport, HoldfastConfig config) {
        this.transport = transport;
        this.config = config;
        this.resolver = new OutboundResolver(config.outboundPolicy());
    }

    /** Resolves and checks policed destinations off the event loops. */
    public OutboundResolver resolver() {
        return resolver;
    }

    public Transport transport() {
        return transport;
    }

    public HoldfastConfig config() {
        return config;
    }

    /** A pooled idle connection to the target on this loop, or null. Call on {@code loop}. */
    public Channel pollIdle(EventLoop loop, PoolKey key) {
        assert loop.inEventLoop();
        ArrayDeque<Channel> idle = pools.get().get(key);
        if (idle == null) {
            return null;
        }
        Channel ch;
        while ((ch = idle.pollLast()) != null) {
            if (ch.isActive()) {
                return ch;
            }
        }
        return null;
    }

    /** Opens a new connection to the target on the given loop (no policy check: see {@link #open}). */
    public ChannelFuture connect(EventLoop loop, PoolKey key) {
        return connect(loop, key, null);
    }

    private ChannelFuture connect(EventLoop loop, PoolKey key, SocketAddress resolved) {
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannelClass())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.originConnectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.AUTO_READ, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) throws SSLException {
                        ChannelPipeline p = ch.pipeline();
                        if (key.ssl()) {
                            p.addLast("tls", newTlsHandler(ch, key));
                        }
                        p.addLast(CODEC, new HttpClientCodec(new HttpDecoderConfig()
                                .setMaxInitialLineLength(16 * 1024)
                                .setMaxHeaderSize(MAX_RESPONSE_HEADER_SIZE)
                                .setMaxChunkSize(64 * 1024), false, false));
                        p.addLast(IDLE, new IdleStateHandler(0, 0,
                                config.originIdleTimeout().toMillis(), TimeUnit.MILLISECONDS));
                        p.addLast(HANDLER, new OriginChannelHandler());
                    }
                });
        return resolved != null ? b.connect(resolved) : b.connect(key.host(), key.port());
    }

    /**
     * Connects and, for TLS targets, completes the handshake: the future succeeds with a connection
     * ready for requests, or fails with the connect or TLS error (closing the channel).
     */
    public Future<Channel> open(EventLoop loop, PoolKey key) {
        Promise<Channel> ready = loop.newPromise();
        if (!key.policed()) {
            openTo(loop, key, null, ready);
            return ready;
        }
        // Outbound network policy: resolve off the loop, check every address, connect to the checked one.
        resolver.resolve(loop, key.host(), key.port()).addListener(f -> {
            if (f.isSuccess()) {
                openTo(loop, key, (SocketAddress) f.getNow(), ready);
            } else {
                ready.tryFailure(f.cause());
            }
        });
        return ready;
    }

    private void openTo(EventLoop loop, PoolKey key, SocketAddress resolved, Promise<Channel> ready) {
        ChannelFuture connect = connect(loop, key, resolved);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                ready.tryFailure(f.cause());
                return;
            }
            SslHandler tls = connect.channel().pipeline().get(SslHandler.class);
            if (tls == null) {
                ready.trySuccess(connect.channel());
                return;
            }
            tls.handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    ready.trySuccess(connect.channel());
                } else {
                    connect.channel().close();
                    ready.tryFailure(new SSLException("TLS handshake failed: " + h.cause().getMessage(), h.cause()));
                }
            });
        });
    }

    /** Returns a healthy connection to its loop's pool, or closes it when the pool is full. */
    public void release(Channel ch, PoolKey key) {
        assert ch.eventLoop().inEventLoop();
        OriginChannelHandler handler = ch.pipeline().get(OriginChannelHandler.class);
        if (!ch.isActive() || handler == null) {
            ch.close();
            return;
        }
        handler.detach();
        ArrayDeque<Channel> idle = pools.get().computeIfAbsent(key, k -> new ArrayDeque<>());
        if (idle.size() >= MAX_IDLE_PER_TARGET) {
            ch.close();
            return;
        }
        idle.addLast(ch);
        ch.closeFuture().addListener(f -> idle.remove(ch));
    }

    /**
     * A TLS handler for a connection to the target, set up as for pooled HTTP connections (SNI from
     * {@code host=}, hostname verification unless {@code insecure}). Passthrough WebSockets open their
     * own unpooled connections and use this.
     */
    public SslHandler newTlsHandler(Channel ch, Target target) throws SSLException {
        return newTlsHandler(ch, PoolKey.of(target));
    }

    private SslHandler newTlsHandler(Channel ch, PoolKey key) throws SSLException {
        SslContext ctx = key.insecure() ? insecureContext() : verifyingContext();
        SslHandler handler = ctx.newHandler(ch.alloc(), key.sniHost(), key.port());
        if (!key.insecure()) {
            SSLEngine engine = handler.engine();
            SSLParameters params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(params);
        }
        handler.setHandshakeTimeoutMillis(config.originConnectTimeout().toMillis());
        return handler;
    }

    private SslContext verifyingContext() throws SSLException {
        SslContext ctx = verifyingTls;
        if (ctx == null) {
            ctx = SslContextBuilder.forClient().build();
            verifyingTls = ctx;
        }
        return ctx;
    }

    private SslContext insecureContext() throws SSLException {
        SslContext ctx = insecureTls;
        if (ctx == null) {
            ctx = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
            insecureTls = ctx;
        }
        return ctx;
    }

    static String hostOnly(String hostAndPort) {
        if (hostAndPort.startsWith("[")) {
            int close = hostAndPort.indexOf(']');
            return close > 0 ? hostAndPort.substring(1, close) : hostAndPort;
        }
        int colon = hostAndPort.lastIndexOf(':');
        return colon > 0 && hostAndPort.indexOf(':') == colon ? hostAndPort.substring(0, colon) : hostAndPort;
    }

}
