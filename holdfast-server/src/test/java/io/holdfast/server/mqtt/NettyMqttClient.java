package io.holdfast.server.mqtt;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare MQTT client over real TCP built from Netty's codec: it acknowledges nothing by itself, so
 * tests can leave QoS 1 messages unacknowledged and watch redelivery and the in-flight window.
 */
final class NettyMqttClient implements AutoCloseable {
    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    final LinkedBlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
    private final Channel channel;

    NettyMqttClient(int port) throws InterruptedException {
        channel = new Bootstrap().group(GROUP).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new MqttDecoder(), MqttEncoder.INSTANCE,
                                new SimpleChannelInboundHandler<MqttMessage>(false) {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage m) {
                                        received.add(m);
                                    }
                                });
                    }
                }).connect("127.0.0.1", port).sync().channel();
    }

    void send(MqttMessage m) {
        channel.writeAndFlush(m).syncUninterruptibly();
    }

    /** CONNECT (3.1.1) and the CONNACK. */
    MqttMessage connect(String clientId, boolean clean) throws InterruptedException {
        send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId(clientId)
                .cleanSession(clean).keepAlive(60).build());
        return next();
    }

    /** SUBSCRIBE one filter at QoS 1 and the SUBACK. */
    MqttMessage subscribe(String filter, int packetId) throws InterruptedException {
        send(MqttMessageBuilders.subscribe().messageId(packetId).addSubscription(MqttQoS.AT_LEAST_ONCE, filter).build());
        return next();
    }

    /** The next packet, waiting up to 10 s (null if none); the caller releases it. */
    MqttMessage next() throws InterruptedException {
        return received.poll(10, TimeUnit.SECONDS);
    }

    MqttMessage poll(long millis) throws InterruptedException {
        return received.poll(millis, TimeUnit.MILLISECONDS);
    }

    boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        received.forEach(ReferenceCountUtil::release);
    }
}
