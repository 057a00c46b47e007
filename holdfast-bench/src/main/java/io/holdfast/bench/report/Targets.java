package io.holdfast.bench.report;

import java.util.Locale;
import java.util.Properties;

/**
 * The targets, checked against one run's figures. A target whose figures are missing (a
 * scenario not run, or failed) is shown as not measured, never as met.
 */
final class Targets {

    private final Results results;
    private final Properties facts;

    Targets(Results results, Properties facts) {
        this.results = results;
        this.facts = facts;
    }

    String table() {
        StringBuilder md = new StringBuilder();
        md.append("| target | measured | met |\n|---|---|---|\n");

        Double hRss = results.value("idle-sse", Results.SUBJECT, "rss_per_conn_kib");
        Double pRss = results.value("idle-sse", Results.BASELINE, "rss_per_conn_kib");
        Double conns = results.value("idle-sse", Results.SUBJECT, "connections");
        row(md, "Resident memory per idle SSE connection <= 0.5x Pushpin's (at 15,000 connections)",
                hRss == null || pRss == null ? null : String.format(Locale.ROOT,
                        "%.2f KiB vs %.2f KiB = %.2fx, at %s connections", hRss, pRss, hRss / pRss, count(conns)),
                hRss == null || pRss == null ? null : hRss <= 0.5 * pRss && conns != null && conns >= 15000);

        Double base = results.value("idle-sse", Results.SUBJECT, "rss_base_mib");
        double memGiB = memGiB();
        if (hRss != null && base != null) {
            double million = (base * 1048576 + hRss * 1024 * 1_000_000) / (1L << 30);
            row(md, "1,000,000 idle SSE connections fit in this machine's memory (" + String.format(Locale.ROOT,
                            "%.1f GiB", memGiB) + ")",
                    String.format(Locale.ROOT, "%.1f GiB = %.0f MiB base + 1,000,000 x %.2f KiB; linear extrapolation "
                            + "from the idle-sse run (assumes per-connection cost stays flat)", million, base, hRss),
                    memGiB > 0 ? million <= memGiB : null);
        } else {
            row(md, "1,000,000 idle SSE connections fit in this machine's memory", null, null);
        }

        Double hP99 = results.value("fanout", Results.SUBJECT, "one_p99_ms");
        Double pP99 = results.value("fanout", Results.BASELINE, "one_p99_ms");
        Double subs = results.value("fanout", Results.SUBJECT, "subscribers");
        row(md, "One publish to 10,000 SSE subscribers: p99 arrival <= 0.5x Pushpin's",
                hP99 == null || pP99 == null ? null : String.format(Locale.ROOT,
                        "%.2f ms vs %.2f ms = %.2fx, at %s subscribers", hP99, pP99, hP99 / pP99, count(subs)),
                hP99 == null || pP99 == null ? null : hP99 <= 0.5 * pP99 && subs != null && subs >= 10000);

        Double hRate = results.value("fanout", Results.SUBJECT, "max_deliveries_per_s");
        Double pRate = results.value("fanout", Results.BASELINE, "max_deliveries_per_s");
        row(md, "Sustained fan-out >= 3x Pushpin's deliveries/s and >= 300,000/s",
                hRate == null || pRate == null ? null : String.format(Locale.ROOT,
                        "%,.0f/s vs %,.0f/s = %.2fx", hRate, pRate, hRate / pRate),
                hRate == null || pRate == null ? null : hRate >= 3 * pRate && hRate >= 300_000);

        Double hRps = results.value("proxy", Results.SUBJECT, "rps");
        Double pRps = results.value("proxy", Results.BASELINE, "rps");
        row(md, "Plain proxied GET throughput >= Pushpin's",
                hRps == null || pRps == null ? null : String.format(Locale.ROOT,
                        "%,.0f/s vs %,.0f/s = %.2fx", hRps, pRps, hRps / pRps),
                hRps == null || pRps == null ? null : hRps >= pRps);
        return md.toString();
    }

    private double memGiB() {
        String kib = facts.getProperty("mem_total_kib");
        if (kib == null) {
            return -1;
        }
        try {
            return Long.parseLong(kib.trim()) / 1048576.0;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String count(Double v) {
        return v == null ? "?" : String.format(Locale.ROOT, "%,d", v.longValue());
    }

    private static void row(StringBuilder md, String target, String measured, Boolean met) {
        md.append("| ").append(target).append(" | ").append(measured == null ? "not measured" : measured)
                .append(" | ").append(met == null ? "n/a" : met ? "yes" : "**no**").append(" |\n");
    }
}
