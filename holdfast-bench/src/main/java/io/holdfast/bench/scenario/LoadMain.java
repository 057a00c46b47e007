package io.holdfast.bench.scenario;

import io.holdfast.bench.Args;
import io.holdfast.bench.Result;
import io.holdfast.bench.load.Subscriber;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code run}: runs one scenario against one proxy and writes its {@link Result} as JSON.
 *
 * <pre>
 * java -jar holdfast-bench.jar run --scenario fanout --proxy holdfast \
 *     --proxy-url http://127.0.0.1:17999 --publish-url http://127.0.0.1:17561 \
 *     --origin-url http://127.0.0.1:17080 --proxy-pid 1234 --origin-pid 1200 \
 *     --mode quick --out results/fanout-holdfast.json [--subscribers 5000 ...]
 * </pre>
 *
 * The whole run is bounded by {@code --time-limit} seconds (default 600): past it the process reports
 * what it has and exits, whatever a scenario is waiting for.
 */
public final class LoadMain {

    public static final List<String> SCENARIOS = List.of("idle-sse", "idle-ws", "fanout", "channels", "proxy", "churn");

    private LoadMain() {
    }

    static Scenario scenario(String name) {
        return switch (name) {
            case "idle-sse" -> new IdleScenario(Subscriber.Kind.SSE);
            case "idle-ws" -> new IdleScenario(Subscriber.Kind.WS);
            case "fanout" -> new FanoutScenario();
            case "channels" -> new ChannelsScenario();
            case "proxy" -> new ProxyScenario();
            case "churn" -> new ChurnScenario();
            default -> throw new IllegalArgumentException("--scenario: " + name + " (expected one of " + SCENARIOS + ")");
        };
    }

    public static int main(Args args) throws Exception {
        Scenario scenario = scenario(args.required("scenario"));
        Path out = Path.of(args.required("out"));
        int timeLimit = args.integer("time-limit", 600);
        Result result = new Result();
        result.scenario = scenario.name();
        result.startedAt = Instant.now().toString();
        RunContext ctx = new RunContext(args, result);
        result.proxy = ctx.proxyName;

        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(timeLimit));
            } catch (InterruptedException e) {
                return;
            }
            result.anomaly("scenario stopped by the time limit (" + timeLimit + " s)");
            writeQuietly(result, out, ctx);
            System.out.flush();
            Runtime.getRuntime().halt(3);
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        int rc = 0;
        try {
            ctx.log("starting (%s mode, %s transport)", result.mode, ctx.net.name());
            scenario.run(ctx);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            result.anomaly("scenario aborted: " + e);
            e.printStackTrace();
            rc = 2;
        } finally {
            watchdog.interrupt();
            writeQuietly(result, out, ctx);
            ctx.close();
        }
        ctx.log("done in %.1f s; %d anomalies; wrote %s", result.durationSeconds, result.anomalies.size(), out);
        return rc;
    }

    private static synchronized void writeQuietly(Result result, Path out, RunContext ctx) {
        try {
            result.durationSeconds = (System.nanoTime() - ctx.startNanos) / 1e9;
            result.write(out);
        } catch (Exception e) {
            System.err.println("cannot write " + out + ": " + e);
        }
    }
}
