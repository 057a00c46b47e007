package io.holdfast.server;

import io.holdfast.server.cluster.RedisBus;
import io.holdfast.server.config.HoldfastConfig;
import io.holdfast.server.config.ListenAddress;
import io.holdfast.server.hold.GripHoldHandoff;
import io.holdfast.server.listen.ClientChannelInitializer;
import io.holdfast.server.listen.TlsCertificates;
import io.holdfast.server.listen.Transport;
import io.holdfast.server.proxy.ClientConnection;
import io.holdfast.server.proxy.GripSigner;
import io.holdfast.server.proxy.OriginConnector;
import io.holdfast.server.proxy.ProxyContext;
import io.holdfast.server.publish.PublishServer;
import io.holdfast.server.publish.ZmqEndpoints;
import io.holdfast.server.publish.ZmqInputs;
import io.holdfast.server.pubsub.PubSub;
import io.holdfast.server.pubsub.LocalSequencer;
import io.holdfast.server.route.LiveRoutes;
import io.holdfast.server.route.ParsedRoutes;
import io.holdfast.server.route.Route;
import io.holdfast.server.route.RouteSyntaxException;
import io.holdfast.server.route.RouteTable;
import io.holdfast.server.route.RoutesFile;
import io.holdfast.server.route.RoutesFileWatcher;
import io.holdfast.server.route.RoutesParser;
import io.holdfast.server.stats.Counters;
import io.holdfast.server.stats.Health;
import io.holdfast.server.stats.Metrics;
import io.holdfast.server.stats.MetricsServer;
import io.holdfast.server.stats.Ops;
import io.holdfast.server.testapp.TestTarget;
import io.holdfast.server.ws.WebSockets;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holdfast in one object: wires configuration, routes, the proxy, the broker and the publish API by
 * hand (no container), binds the listeners, and shuts down gracefully. Tests start it in-process on
 * port 0 and read the bound ports back.
 */
public final class HoldfastServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HoldfastServer.class);

    private final HoldfastConfig config;
    private final Transport transport = Transport.best();
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final EventLoopGroup publishLoop;
    private final LiveRoutes routes;
    private final RoutesFileWatcher watcher;
    private final Counters counters = new Counters();
    private final PubSub pubsub;
    private final ProxyContext proxy;
    private final PublishServer publishServer;
    private final Health health;
    private final Ops ops;
    private MetricsServer metricsServer;
    private InetSocketAddress prometheusAddress;
    private final List<Channel> listeners = new ArrayList<>();
    private final List<InetSocketAddress> httpAddresses = new ArrayList<>();
    private final List<InetSocketAddress> httpsAddresses = new ArrayList<>();
    private InetSocketAddress publishAddress;
    private volatile ZmqInputs zmqInputs;
    private final io.holdfast.server.mqtt.MqttServer mqttServer;
    private InetSocketAddress mqttAddress;
    private volatile RedisBus redisBus;
    private volatile boolean closed;

    private HoldfastServer(HoldfastConfig config) throws RouteSyntaxException, IOException {
        this.config = config;
        PublishServer.checkExposure(config);
        this.routes = LiveRoutes.of(initialRoutes(config));
        this.watcher = config.routeSpecs().isEmpty() && config.routesFile() != null
                ? RoutesFileWatcher.start(config.routesFile(), routes) : null;
        this.boss = transport.newGroup(1, "holdfast-accept");
        this.workers = transport.newGroup(config.ioThreads(), "holdfast-io");
        // Publishers get a loop of their own: a publish answers at once even while the client loops
        // are busy writing the previous one to thousands of connections.
        this.publishLoop = transport.newGroup(1, "holdfast-publish-api");
        this.pubsub = new PubSub(workers, counters, config.unsentBudget());
        if (!config.cluster().enabled()) {
            this.pubsub.sequencer(new LocalSequencer(pubsub, config));
        } // else the Redis bus, installed in bind() once the port (part of the default node id) is known
        GripHoldHandoff handoff = new GripHoldHandoff(pubsub);
        this.proxy = new ProxyContext(config, routes, new OriginConnector(transport, config), new GripSigner(config),
                new TestTarget(handoff, pubsub), handoff);
        this.proxy.webSockets(new WebSockets(pubsub));
        this.publishServer = new PublishServer(config, pubsub);
        this.mqttServer = config.mqtt().enabled()
                ? new io.holdfast.server.mqtt.MqttServer(config.mqtt(), pubsub, workers) : null;
        this.proxy.counters(counters);
        this.health = new Health(() -> routes.current().size());
        Metrics metrics = new Metrics(counters, new Metrics.Source() {
            @Override public int clientConnections() { return proxy.connections().size(); }
            @Override public long openConnectionMinutes() { return minutesOfOpenConnections(); }
            @Override public int channels() { return pubsub.channelCount(); }
            @Override public long subscriptions() { return pubsub.subscriptionCount(); }
        }, config.metrics().prometheusPrefix());
        this.ops = new Ops(metrics, health, pubsub, publishLoop.next());
        this.publishServer.ops(ops);
    }

    /** Tells the operations side about the cluster: readiness needs Redis, metrics and dashboard show it. */
    private void clusterOps(RedisBus bus) {
        health.addCheck("redis", () -> bus.redisConnected() ? null : "Redis is not reachable");
        ops.metrics().cluster(new Metrics.ClusterSource() {
            @Override public String nodeId() { return bus.nodeId(); }
            @Override public boolean redisConnected() { return bus.redisConnected(); }
            @Override public long channelsSubscribed() { return bus.clusterStats().channelsSubscribed.get(); }
            @Override public java.util.Map<String, Long> counters() {
                java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
                bus.stats().forEach((k, v) -> out.put(k.substring("cluster_".length()), v));
                return out;
            }
        });
        ops.dashboard().clusterNodes(() -> List.of(bus.nodeId() + " (this node, Redis "
                + (bus.redisConnected() ? "connected" : "NOT connected") + ")"));
    }

    private long minutesOfOpenConnections() {
        long now = System.nanoTime();
        long minutes = 0;
        for (ClientConnection c : proxy.connections()) {
            minutes += 1 + TimeUnit.NANOSECONDS.toMinutes(Math.max(0, now - c.openedNanos()));
        }
        return minutes;
    }

    /** Builds and binds everything; throws if any listener cannot bind (nothing is left running). */
    public static HoldfastServer start(HoldfastConfig config) throws Exception {
        HoldfastServer server = new HoldfastServer(config);
        try {
            server.bind();
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Routes from {@code --route}, else the routes file, else the built-in defaults. */
    static RouteTable initialRoutes(HoldfastConfig config) throws RouteSyntaxException, IOException {
        if (!config.routeSpecs().isEmpty()) {
            ParsedRoutes parsed = RoutesParser.parseWithWarnings(String.join("\n", config.routeSpecs()), "--route");
            parsed.warnings().forEach(LOG::warn);
            return RouteTable.of(parsed.routes());
        }
        if (config.routesFile() != null) {
            RouteTable table = RoutesFile.load(config.routesFile());
            table.warnings().forEach(LOG::warn);
            return table;
        }
        return RouteTable.of(RoutesParser.parse(
                HoldfastConfig.DEFAULT_TEST_ROUTE + "\n" + HoldfastConfig.DEFAULT_ROUTE, "default routes"));
    }

    private void bind() throws InterruptedException {
        ClientChannelInitializer initializer = new ClientChannelInitializer(proxy);
        for (ListenAddress address : config.httpListeners()) {
            Channel ch = newClientBootstrap(initializer).bind(address.toSocketAddress()).sync().channel();
            listeners.add(ch);
            httpAddresses.add((InetSocketAddress) ch.localAddress());
        }
        if (!config.httpsListeners().isEmpty()) {
            TlsCertificates certificates;
            try {
                certificates = TlsCertificates.load(config.tlsCertsDir());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            for (ListenAddress address : config.httpsListeners()) {
                Channel ch = newClientBootstrap(initializer.withTls(certificates.forPort(address.port())))
                        .bind(address.toSocketAddress()).sync().channel();
                listeners.add(ch);
                httpsAddresses.add((InetSocketAddress) ch.localAddress());
            }
        }
        if (config.cluster().enabled()) {
            // Before any publish input opens: every publish goes through Redis from the first one.
            redisBus = RedisBus.start(pubsub, config, httpAddresses.isEmpty() ? 0 : httpAddresses.get(0).getPort());
            pubsub.sequencer(redisBus);
            clusterOps(redisBus);
        }
        publishAddress = publishServer.bind(boss, publishLoop, transport);
        if (config.zmq()) {
            zmqInputs = ZmqInputs.start(config, pubsub, this::recover);
        }
        if (mqttServer != null) {
            mqttAddress = mqttServer.bind(boss, workers, transport);
            LOG.info("MQTT 3.1.1 and 5.0 on {}", format(mqttAddress));
        }
        if (config.metrics().prometheusListener() != null) {
            metricsServer = new MetricsServer(ops.metrics());
            prometheusAddress = metricsServer.bind(config.metrics().prometheusListener().toSocketAddress(), boss,
                    publishLoop, transport.serverChannelClass());
        }
        health.listening();
        logStartup();
    }

    private ServerBootstrap newClientBootstrap(ClientChannelInitializer initializer) {
        return new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer);
    }

    private void logStartup() {
        LOG.info("Holdfast {} listening for clients on {}{} ({}), publish API on {}", version(),
                httpAddresses.stream().map(HoldfastServer::format).toList(),
                httpsAddresses.isEmpty() ? "" : " and TLS on " + httpsAddresses.stream().map(HoldfastServer::format).toList(),
                transport.name().toLowerCase(), format(publishAddress));
        RouteTable table = routes.current();
        String source = !config.routeSpecs().isEmpty() ? "--route"
                : config.routesFile() != null ? config.routesFile().toString() : "built-in defaults";
        LOG.info("{} route(s) from {}{}", table.size(), source, watcher != null ? " (watched for changes)" : "");
        for (Route r : table.routes()) {
            LOG.info("  route {}", r.describe());
        }
        if (prometheusAddress != null) {
            LOG.info("Prometheus metrics on {} (prefix \"{}\"); /metrics, /health, /ready, /dashboard and /admin/ on the "
                    + "publish port", format(prometheusAddress), config.metrics().prometheusPrefix());
        }
        if (zmqInputs != null) {
            ZmqEndpoints z = zmqInputs.endpoints();
            LOG.info("ZeroMQ publish inputs: PULL {}, SUB {} ({}), command {}", orOff(z.pull()),
                    z.sub().isEmpty() ? "off" : String.join(",", z.sub()), z.subConnect() ? "connect" : "bind",
                    orOff(z.command()));
        }
        if (HoldfastConfig.DEFAULT_SIG_KEY.equals(config.sigKey())) {
            LOG.warn("sig_key is the insecure default \"changeme\": origins cannot tell Holdfast's Grip-Sig from a "
                    + "forged one. Set [proxy] sig_key in your config.");
        }
    }

    private static String orOff(String endpoint) {
        return endpoint == null ? "off" : endpoint;
    }

    /** The {@code recover} command (spec 4): forget last ids and have every hold ask its origin again. */
    private void recover() {
        pubsub.recover();
    }

    private static String format(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    public static String version() {
        String v = HoldfastServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    public HoldfastConfig config() { return config; }
    public LiveRoutes routes() { return routes; }
    public PubSub pubsub() { return pubsub; }
    public Counters counters() { return counters; }
    /** Health, metrics, admin API and dashboard feed; add readiness checks or cluster nodes here. */
    public Ops ops() { return ops; }
    /** Where {@code prometheus_port} is bound; empty when it is not set. */
    public Optional<InetSocketAddress> prometheusAddress() { return Optional.ofNullable(prometheusAddress); }
    /** The Redis bus when {@code [cluster] redis_url} is set. */
    public Optional<RedisBus> redisBus() { return Optional.ofNullable(redisBus); }

    /** The first client listener's bound port. */
    public int httpPort() { return httpAddresses.get(0).getPort(); }
    public List<InetSocketAddress> httpAddresses() { return List.copyOf(httpAddresses); }
    public int publishPort() { return publishAddress.getPort(); }

    /** The bound MQTT port, or -1 when {@code [mqtt]} is off. */
    public int mqttPort() { return mqttAddress == null ? -1 : mqttAddress.getPort(); }

    /** The MQTT broker, or null when {@code [mqtt]} is off. */
    public io.holdfast.server.mqtt.MqttBroker mqttBroker() { return mqttServer == null ? null : mqttServer.broker(); }
    public List<InetSocketAddress> httpsAddresses() { return List.copyOf(httpsAddresses); }
    /** Where the ZeroMQ publish sockets are bound; empty when {@code [holdfast] zmq=false}. */
    public Optional<ZmqEndpoints> zmqEndpoints() {
        ZmqInputs z = zmqInputs;
        return z == null ? Optional.empty() : Optional.of(z.endpoints());
    }

    /** The ZeroMQ publish inputs (their counters of dropped messages and refused topics); empty when off. */
    public Optional<ZmqInputs> zmqInputs() {
        return Optional.ofNullable(zmqInputs);
    }

    /** Re-reads the routes file now (SIGHUP); false if there is none or it is broken. */
    public boolean reloadRoutes() {
        return watcher != null && watcher.reloadNow();
    }

    /**
     * Graceful shutdown: stop accepting, let in-flight requests finish (held long-polls get their
     * timeout response, streams end cleanly) for up to {@code shutdown_timeout}, then close the rest.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        health.draining();
        if (metricsServer != null) {
            metricsServer.close();
        }
        for (Channel ch : listeners) {
            ch.close().syncUninterruptibly();
        }
        publishServer.close();
        if (mqttServer != null) {
            mqttServer.close();
        }
        if (zmqInputs != null) {
            zmqInputs.close();
        }
        if (watcher != null) {
            watcher.close();
        }
        for (ClientConnection c : proxy.connections()) {
            c.channel().eventLoop().execute(c::drain);
        }
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        while (!proxy.connections().isEmpty() && System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(20); // polling a shutdown condition, not a test wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!proxy.connections().isEmpty()) {
            LOG.warn("shutdown: closing {} connection(s) still busy after {} s", proxy.connections().size(),
                    config.shutdownTimeout().toSeconds());
        }
        if (pubsub.sequencer() != null) {
            pubsub.sequencer().close();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        publishLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        LOG.info("Holdfast stopped");
    }
}
