package io.holdfast.bench;

import io.holdfast.bench.load.Limits;
import io.holdfast.bench.origin.BenchOrigin;
import io.holdfast.bench.report.ReportMain;
import io.holdfast.bench.scenario.LoadMain;
import java.util.Arrays;

/**
 * Entry point of {@code holdfast-bench.jar}. One jar, several tools:
 *
 * <pre>
 * origin  --port 17080                        the bench origin (plain GETs, GRIP holds, WebSocket-over-HTTP)
 * run     --scenario NAME --proxy-url ... --out FILE.json   one scenario against one proxy
 * report  --results DIR --markdown FILE --chart FILE.png    the side-by-side report
 * soak    --proxy-pid PID [--duration 600]     the soak of issue 10 (bench/soak.sh runs it)
 * limits                                      print the limits that cap connections per process
 * jmh     [JMH options]                       the microbenchmarks (org.openjdk.jmh.Main)
 * </pre>
 *
 * {@code bench/compare.sh} drives all of them; each can also be run by hand.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h")) {
            usage();
            return;
        }
        String cmd = argv[0];
        int rc = 0;
        try {
            switch (cmd) {
                case "origin" -> BenchOrigin.main(Args.parse(argv, 1));
                case "run" -> rc = LoadMain.main(Args.parse(argv, 1));
                case "report" -> ReportMain.main(Args.parse(argv, 1));
                case "soak" -> rc = io.holdfast.bench.soak.SoakMain.main(Args.parse(argv, 1));
                case "limits" -> System.out.println(Limits.read().describe());
                case "jmh" -> org.openjdk.jmh.Main.main(Arrays.copyOfRange(argv, 1, argv.length));
                default -> {
                    System.err.println("unknown command: " + cmd);
                    usage();
                    rc = 64;
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("holdfast-bench " + cmd + ": " + e.getMessage());
            rc = 64;
        }
        System.out.flush();
        if (rc != 0) {
            System.exit(rc);
        }
        if (!cmd.equals("origin")) {
            System.exit(0); // event-loop threads are daemons, but JMH and AWT may leave others
        }
    }

    private static void usage() {
        System.out.println("""
                usage: java -jar holdfast-bench.jar COMMAND [options]
                  origin  [--port 17080] [--threads 2]            run the bench origin until SIGTERM
                  run     --scenario idle-sse|idle-ws|fanout|channels|proxy|churn --out FILE.json
                          [--proxy NAME] [--proxy-url URL] [--publish-url URL] [--origin-url URL]
                          [--proxy-pid PID] [--origin-pid PID] [--mode quick|full] [--threads 2]
                          [--time-limit SECONDS] [scenario sizes, e.g. --subscribers 5000]
                  report  --results DIR [--markdown FILE] [--chart FILE.png] [--facts FILE]
                  soak    --proxy-pid PID [--duration 600] [--cycles 100000] [--out docs/soak.md]
                          mixed load, then connect/disconnect cycles (bench/soak.sh starts everything)
                  limits                                          print the per-process connection limits
                  jmh     [JMH options]                           run the microbenchmarks
                see bench/README.md""");
    }
}
