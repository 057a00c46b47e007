package io.holdfast.server.mqtt;

import io.holdfast.server.config.MqttConfig;
import io.holdfast.server.listen.Transport;
import io.holdfast.server.pubsub.PubSub;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The MQTT listener ({@code [mqtt] port}, {@code --mqtt-port}): Netty's MQTT codec and one
 * {@link MqttConnection} per client, on the client event loops, so MQTT sessions sit in the same
 * pubsub shards as held requests and WebSockets. Clients are anonymous until {@code [mqtt] auth}
 * exists, so, like the publish API without a key, it refuses to bind beyond loopback.
 */
public final class MqttServer {
    private final MqttConfig config;
    private final MqttBroker broker;
    private Channel channel;

    public MqttServer(MqttConfig config, PubSub pubsub, EventLoopGroup clientGroup) {
        this.config = config;
        this.broker = new MqttBroker(config, pubsub, clientGroup);
    }

    public MqttBroker broker() {
        return broker;
    }

    /** Fails when anonymous MQTT would be open to the network. */
    static void checkExposure(MqttConfig config) {
        String host = config.listener().host();
        try {
            if (!InetAddress.getByName(host).isLoopbackAddress()) {
                throw new IllegalStateException("refusing to open MQTT on " + config.listener()
                        + ": clients are not authenticated yet, so anyone who can reach it could publish"
                        + " and subscribe. Bind [mqtt] port to 127.0.0.1.");
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("MQTT address " + host + " does not resolve", e);
        }
    }

    public InetSocketAddress bind(EventLoopGroup boss, EventLoopGroup workers, Transport transport)
            throws InterruptedException {
        checkExposure(config);
        int maxPacket = config.maxPacketSize();
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannelClass())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("mqtt-decoder", new MqttDecoder(maxPacket));
                        ch.pipeline().addLast("mqtt-encoder", MqttEncoder.INSTANCE);
                        ch.pipeline().addLast(MqttConnection.NAME, new MqttConnection(broker));
                    }
                });
        channel = b.bind(config.listener().toSocketAddress()).sync().channel();
        return (InetSocketAddress) channel.localAddress();
    }

    public void close() {
        broker.close();
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }
}
