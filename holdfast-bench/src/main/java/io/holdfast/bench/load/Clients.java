package io.holdfast.bench.load;

import io.holdfast.bench.Net;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens client connections to one loopback address, spreading them over source addresses
 * 127.0.0.2, 127.0.0.3, ... so that thousands of connections do not exhaust one address's
 * ephemeral ports. Only loopback targets are accepted: this tool loads the machine it runs on.
 */
public final class Clients {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final Net net;
    private final EventLoopGroup group;
    private final InetSocketAddress target;
    private final List<InetAddress> sources;
    private final AtomicInteger next = new AtomicInteger();

    public Clients(Net net, EventLoopGroup group, String host, int port, int sourceAddresses) {
        this.net = net;
        this.group = group;
        try {
            InetAddress addr = InetAddress.getByName(host);
            if (!addr.isLoopbackAddress()) {
                throw new IllegalArgumentException(host + " is not a loopback address (load tests stay on 127.0.0.0/8)");
            }
            this.target = new InetSocketAddress(addr, port);
            this.sources = new ArrayList<>();
            for (int i = 0; i < Math.max(1, sourceAddresses); i++) {
                int last = 2 + i;
                if (last > 254) {
                    throw new IllegalArgumentException("sourceAddresses: " + sourceAddresses + " (expected: <= 253)");
                }
                sources.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last}));
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + host, e);
        }
    }

    public ChannelFuture connect(ChannelHandler handler) {
        InetAddress source = sources.get(Math.floorMod(next.getAndIncrement(), sources.size()));
        return new Bootstrap()
                .group(group)
                .channel(net.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(handler)
                .connect(target, new InetSocketAddress(source, 0));
    }

    /** The Host header for requests to the target. */
    public String hostHeader() {
        return target.getAddress().getHostAddress() + ":" + target.getPort();
    }

    public InetSocketAddress target() {
        return target;
    }

    public int sourceAddresses() {
        return sources.size();
    }

    public String sourceRange() {
        return sources.get(0).getHostAddress()
                + (sources.size() > 1 ? ".." + sources.get(sources.size() - 1).getHostAddress() : "");
    }

    public EventLoopGroup group() {
        return group;
    }
}
