package io.holdfast.server.cli;

import io.holdfast.server.HoldfastServer;
import io.holdfast.server.config.ConfigException;
import io.holdfast.server.config.HoldfastConfig;
import io.holdfast.server.config.ListenAddress;
import io.holdfast.server.config.LogLevels;
import io.holdfast.server.config.PushpinConfLoader;
import io.holdfast.server.route.RouteSyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code holdfast [options]}: runs the server, with options named like Pushpin's runner so scripts
 * carry over. With no options it listens on 7999, publishes on 127.0.0.1:5561, serves {@code /test/}
 * itself and proxies everything else to localhost:8080.
 */
@Command(name = "holdfast", mixinStandardHelpOptions = true, versionProvider = RunCommand.Version.class,
        description = "A realtime edge for HTTP backends: a GRIP proxy, drop-in for Pushpin.",
        footer = {"", "Run 'holdfast publish --help' to publish from the command line."})
public final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = "--config", paramLabel = "FILE", description = "pushpin.conf-style configuration file.")
    Path config;

    @Option(names = "--port", paramLabel = "[ADDR:]PORT", split = ",",
            description = "Listen for clients here instead of http_port. Repeatable, or a comma list (Pushpin's --port).")
    List<String> ports = new ArrayList<>();

    @Option(names = "--route", paramLabel = "SPEC",
            description = "A route line, e.g. \"* 127.0.0.1:3000\". Repeatable; replaces the routes file.")
    List<String> routes = new ArrayList<>();

    @Option(names = "--routes", paramLabel = "FILE", description = "Routes file (watched and reloaded on change).")
    Path routesFile;

    @Option(names = {"--log-level", "--loglevel"}, paramLabel = "LEVEL",
            description = "error, warn, info, debug, trace, or Pushpin's 0-4.")
    String logLevel;

    @Option(names = "--publish-port", paramLabel = "[ADDR:]PORT", description = "Publish API address (default 127.0.0.1:5561).")
    String publishPort;

    @Option(names = "--mqtt-port", paramLabel = "[ADDR:]PORT",
            description = "Accept MQTT 3.1.1 and 5.0 clients here (default: off; host default 127.0.0.1).")
    String mqttPort;

    @Option(names = "--redis", paramLabel = "URL",
            description = "Join a cluster through Redis (sets [cluster] redis_url), e.g. redis://127.0.0.1:6379.")
    String redis;

    @Option(names = "--redis-cluster",
            description = "The --redis URL lists Redis Cluster seed nodes (redis://h1:p1,h2:p2): use sharded pub/sub.")
    boolean redisCluster;

    @Option(names = "--verbose", description = "Same as --log-level debug.")
    boolean verbose;

    @Option(names = "--logfile", paramLabel = "FILE", description = "Append log lines to FILE instead of the console.")
    Path logFile;

    @Option(names = "--merge-output",
            description = "Send the process's stdout and stderr where the log goes (with --logfile: into the file).")
    boolean mergeOutput;

    @Option(names = "--id", paramLabel = "ID",
            description = "Instance id (Pushpin's --id): shown in every log line and in /health.")
    String id;

    @Option(names = "--log-format", paramLabel = "FORMAT", description = "text (default) or json: one JSON object per line.")
    String logFormat;

    /** Where HOLDFAST_<SECTION>_<KEY> settings come from (tests replace it). */
    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() throws Exception {
        HoldfastConfig cfg;
        try {
            cfg = buildConfig();
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("holdfast: " + e.getMessage());
            return 2;
        }
        String loggingNote = Logging.apply(new Logging.Settings(cfg.logLevel(), cfg.jsonLogs(),
                logFile == null ? null : logFile.toAbsolutePath(), mergeOutput, id));
        if (loggingNote != null) {
            LOG.info(loggingNote);
        }
        HoldfastServer server;
        try {
            server = HoldfastServer.start(cfg);
        } catch (RouteSyntaxException | IllegalStateException e) {
            System.err.println("holdfast: " + e.getMessage());
            return 2;
        } catch (java.net.BindException e) {
            System.err.println("holdfast: cannot listen: " + e.getMessage() + " (is another server on that port?)");
            return 1;
        }
        if (id != null) {
            server.ops().health().instanceId(id);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down");
            server.close();
            stopped.countDown();
        }, "holdfast-shutdown"));
        Signals.onHangup(() -> LOG.info("SIGHUP: routes reload {}", server.reloadRoutes() ? "done" : "not possible"));
        stopped.await();
        return 0;
    }

    HoldfastConfig buildConfig() throws ConfigException {
        // Precedence: command line over environment over file over defaults.
        PushpinConfLoader.Result result;
        if (config != null) {
            if (!Files.isRegularFile(config)) {
                throw new ConfigException("config file not found: " + config);
            }
            result = PushpinConfLoader.load(config, environment);
        } else {
            result = PushpinConfLoader.fromEnvironment(environment, Path.of("").toAbsolutePath());
        }
        result.warnings().forEach(LOG::warn);
        HoldfastConfig.Builder b = result.builder();
        if (!ports.isEmpty()) {
            List<ListenAddress> listeners = new ArrayList<>();
            for (String p : ports) {
                if (!p.isBlank()) {
                    listeners.add(ListenAddress.parse(p, ListenAddress.ANY_HOST));
                }
            }
            b.httpListeners(listeners);
        }
        if (logFormat != null) {
            b.logFormat(logFormat);
        }
        if (publishPort != null) {
            b.publishListener(ListenAddress.parse(publishPort, HoldfastConfig.DEFAULT_PUBLISH_HOST));
        }
        if (mqttPort != null) {
            b.mqtt(b.mqtt().withListener(ListenAddress.parse(mqttPort, io.holdfast.server.config.MqttConfig.DEFAULT_HOST)));
        }
        if (routesFile != null) {
            b.routesFile(routesFile.toAbsolutePath());
        }
        if (!routes.isEmpty()) {
            b.routeSpecs(routes);
        }
        if (redis != null) {
            b.cluster(b.cluster().withRedisUrl(redis));
        }
        if (redisCluster) {
            b.cluster(b.cluster().withRedisCluster(true));
        }
        if (verbose) {
            b.logLevel("debug");
        }
        if (logLevel != null) {
            b.logLevel(LogLevels.fromPushpin(logLevel));
        }
        return b.build();
    }

    /** Reads the version from the jar manifest. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Holdfast " + HoldfastServer.version()};
        }
    }
}
