package io.holdfast.server.publish;

import io.holdfast.server.config.HoldfastConfig;
import io.holdfast.server.listen.Transport;
import io.holdfast.server.pubsub.PubSub;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The publish listener ({@code push_in_http_addr:push_in_http_port}, default 127.0.0.1:5561).
 * Bodies are aggregated up to {@code push_in_http_max_body_size}; larger ones get 413 before any
 * parsing. An unauthenticated API is only ever bound to loopback.
 */
public final class PublishServer {
    private final HoldfastConfig config;
    private final PubSub pubsub;
    private Channel channel;
    private io.holdfast.server.stats.Ops ops;

    public PublishServer(HoldfastConfig config, PubSub pubsub) {
        this.config = config;
        this.pubsub = pubsub;
    }

    /** Serves health, metrics, admin and the dashboard in front of the API (set before {@link #bind}). */
    public void ops(io.holdfast.server.stats.Ops value) {
        this.ops = value;
    }

    /**
     * Fails when a publish input would be open to the network: the HTTP API without
     * {@code publish_key}, or a ZeroMQ socket without {@code zmq_allow_non_loopback}
     * ({@link ZmqInputs#checkExposure}); called before anything binds.
     */
    public static void checkExposure(HoldfastConfig config) {
        ZmqInputs.checkExposure(config);
        if (config.publishKey() != null) {
            return;
        }
        String host = config.publishListener().host();
        try {
            if (!InetAddress.getByName(host).isLoopbackAddress()) {
                throw new IllegalStateException("refusing to open the publish API on " + config.publishListener()
                        + " without publish_key: anyone who can reach it could publish. Set [holdfast] publish_key,"
                        + " or bind push_in_http_addr to 127.0.0.1.");
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("publish address " + host + " does not resolve", e);
        }
    }

    public InetSocketAddress bind(EventLoopGroup boss, EventLoopGroup workers, Transport transport)
            throws InterruptedException {
        checkExposure(config);
        PublishAuth auth = new PublishAuth(config.publishKey(), config.configDir());
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannelClass())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                                .setMaxHeaderSize(config.publishMaxHeadersSize())
                                .setMaxInitialLineLength(config.publishMaxHeadersSize())));
                        ch.pipeline().addLast("aggregate", new HttpObjectAggregator(config.publishMaxBodySize()));
                        if (ops != null) {
                            ch.pipeline().addLast("ops", new io.holdfast.server.stats.OpsHandler(ops, auth::check));
                        }
                        ch.pipeline().addLast("publish", new PublishHandler(pubsub, auth));
                    }
                });
        channel = b.bind(config.publishListener().toSocketAddress()).sync().channel();
        return (InetSocketAddress) channel.localAddress();
    }

    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }
}
