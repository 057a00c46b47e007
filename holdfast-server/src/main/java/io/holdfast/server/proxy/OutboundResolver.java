package io.holdfast.server.proxy;

import io.holdfast.server.config.OutboundPolicySettings;
import io.netty.channel.EventLoop;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Resolves the host of a policed outbound request ({@link OutboundPolicy}) and checks every address
 * it resolves to, off the event loop: name lookups run on a small resolver pool (two threads, idle
 * ones exit), never on a loop, and the answer comes back on the caller's loop. An address literal
 * needs no lookup and is checked at once. The caller connects to the returned address, not to the
 * name, so the address checked is the address reached.
 *
 * <p>The pool's queue is bounded ({@value #MAX_QUEUED} lookups); a lookup refused because it is full
 * fails the request and is counted in {@link #refusedLookups()}.
 */
public final class OutboundResolver {
    static final int MAX_QUEUED = 1024;

    private final OutboundPolicy policy;
    private final ThreadPoolExecutor pool;
    private final LongAdder refusedLookups = new LongAdder();

    public OutboundResolver(OutboundPolicySettings settings) {
        this.policy = new OutboundPolicy(settings);
        this.pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_QUEUED), r -> {
            Thread t = new Thread(r, "holdfast-resolver");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    /** Lookups refused because the resolver queue was full. */
    public long refusedLookups() {
        return refusedLookups.sum();
    }

    /**
     * The address to connect to for {@code host:port}, completed on {@code loop}; fails with
     * {@link BlockedHostException} when the policy refuses any address the name resolves to.
     */
    public Future<InetSocketAddress> resolve(EventLoop loop, String host, int port) {
        Promise<InetSocketAddress> promise = loop.newPromise();
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(literal);
        if (ip != null) {
            try {
                check(promise, host, new InetAddress[] {InetAddress.getByAddress(literal, ip)}, port);
            } catch (UnknownHostException e) {
                promise.setFailure(e); // not reached: the bytes are a valid address
            }
            return promise;
        }
        try {
            pool.execute(() -> {
                try {
                    InetAddress[] all = InetAddress.getAllByName(host);
                    loop.execute(() -> check(promise, host, all, port));
                } catch (UnknownHostException e) {
                    promise.tryFailure(e);
                }
            });
        } catch (RejectedExecutionException e) {
            refusedLookups.increment();
            promise.setFailure(new UnknownHostException(host + ": resolver queue full"));
        }
        return promise;
    }

    private void check(Promise<InetSocketAddress> promise, String host, InetAddress[] addresses, int port) {
        for (InetAddress a : addresses) {
            String refusal = policy.refusal(host, a);
            if (refusal != null) {
                promise.tryFailure(new BlockedHostException(refusal));
                return;
            }
        }
        promise.trySuccess(new InetSocketAddress(addresses[0], port));
    }

    /** The outbound network policy refused the destination. */
    public static final class BlockedHostException extends Exception {
        private static final long serialVersionUID = 1L;

        BlockedHostException(String message) {
            super(message, null, false, false);
        }
    }
}
