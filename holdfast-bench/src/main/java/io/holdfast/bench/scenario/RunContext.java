package io.holdfast.bench.scenario;

import io.holdfast.bench.Args;
import io.holdfast.bench.Net;
import io.holdfast.bench.Result;
import io.holdfast.bench.load.Clients;
import io.holdfast.bench.load.HttpClientPool;
import io.holdfast.bench.load.Limits;
import io.holdfast.bench.load.ProcStats;
import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.util.Locale;

/**
 * Everything a scenario needs from the run: where the proxy, its publish API and the origin are, the
 * proxy's pid (for memory and CPU), the load generator's event loops and limits, the run mode's
 * defaults, and the {@link Result} being filled in.
 */
public final class RunContext implements AutoCloseable {

    final Args args;
    final boolean quick;
    final Net net;
    final EventLoopGroup group;
    final Limits limits;
    final String proxyName;
    final URI proxyUrl;
    final URI publishUrl;
    final URI originUrl;
    final long proxyPid;
    final long originPid;
    final Result result;
    final long startNanos = System.nanoTime();
    private final int sourceAddresses;
    private HttpClientPool publisher;

    RunContext(Args args, Result result) {
        this.args = args;
        this.result = result;
        String mode = args.string("mode", "full").toLowerCase(Locale.ROOT);
        if (!mode.equals("quick") && !mode.equals("full")) {
            throw new IllegalArgumentException("--mode: " + mode + " (expected: quick or full)");
        }
        this.quick = mode.equals("quick");
        result.mode = mode;
        this.proxyName = args.string("proxy", "proxy");
        this.proxyUrl = URI.create(args.string("proxy-url", "http://127.0.0.1:7999"));
        this.publishUrl = URI.create(args.string("publish-url", "http://127.0.0.1:5561"));
        this.originUrl = URI.create(args.string("origin-url", "http://127.0.0.1:17080"));
        this.proxyPid = args.longValue("proxy-pid", -1);
        this.originPid = args.longValue("origin-pid", -1);
        this.net = Net.best();
        int threads = args.integer("threads", 2);
        this.group = net.group(threads, "load");
        this.limits = Limits.read();
        this.sourceAddresses = args.integer("source-addresses", 0);
        result.environment.put("transport", net.name());
        result.environment.put("load_threads", threads);
        result.environment.put("limits", limits.describe());
    }

    /**
     * A size parameter: {@code --name} if given, else the mode's default. Recorded in the result.
     */
    int param(String name, int quickDefault, int fullDefault) {
        int v = args.integer(name, quick ? quickDefault : fullDefault);
        result.params.put(name, v);
        return v;
    }

    double decimalParam(String name, double quickDefault, double fullDefault) {
        double v = args.decimal(name, quick ? quickDefault : fullDefault);
        result.params.put(name, v);
        return v;
    }

    /**
     * A connection count, clamped to what the open-file limit allows, with the limit printed either way.
     */
    int connections(String name, int quickDefault, int fullDefault) {
        int wanted = args.integer(name, quick ? quickDefault : fullDefault);
        int max = limits.maxConnections();
        log("limits: %s", limits.describe());
        int n = wanted;
        if (wanted > max) {
            n = max;
            result.note(String.format("asked for %d connections; the open-file limit (%d) allows %d", wanted,
                    limits.softFiles(), max));
        }
        result.params.put(name, n);
        return n;
    }

    /** Clients to the proxy with enough source addresses for {@code connections}. */
    Clients proxyClients(int connections) {
        int addresses = sourceAddresses > 0 ? sourceAddresses : limits.addressesFor(connections);
        Clients c = new Clients(net, group, proxyUrl.getHost(), proxyUrl.getPort(), addresses);
        result.environment.put("source_addresses", c.sourceRange());
        return c;
    }

    Clients originClients(int connections) {
        int addresses = sourceAddresses > 0 ? sourceAddresses : limits.addressesFor(connections);
        return new Clients(net, group, originUrl.getHost(), originUrl.getPort(), addresses);
    }

    synchronized HttpClientPool publisher() {
        if (publisher == null) {
            publisher = new HttpClientPool(net, group, publishUrl.toString(), 8);
        }
        return publisher;
    }

    ProcStats.Sample proxySample() {
        return proxyPid > 0 ? ProcStats.tree(proxyPid) : null;
    }

    ProcStats.Sample originSample() {
        return originPid > 0 ? ProcStats.tree(originPid) : null;
    }

    void log(String format, Object... args) {
        double t = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf(Locale.ROOT, "[%6.1fs] %s %s: %s%n", t, proxyName, result.scenario,
                String.format(Locale.ROOT, format, args));
    }

    @Override
    public void close() {
        if (publisher != null) {
            publisher.close();
        }
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
