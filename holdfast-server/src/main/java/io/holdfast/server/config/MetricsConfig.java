package io.holdfast.server.config;

import java.util.Objects;

/**
 * Pushpin's Prometheus settings ({@code prometheus_port}, {@code prometheus_prefix}, in {@code [proxy]}
 * or {@code [handler]}): an extra listener that serves the metrics text at any path, with Pushpin's
 * metric names behind the prefix. Off by default; {@code /metrics} on the publish port is always there.
 *
 * @param prometheusListener where to serve metrics, or null for no separate listener
 * @param prometheusPrefix   prepended to Pushpin's metric names (e.g. {@code pushpin_})
 */
public record MetricsConfig(ListenAddress prometheusListener, String prometheusPrefix) {
    public static final String DEFAULT_PROMETHEUS_PREFIX = "";
    public static final MetricsConfig DEFAULT = new MetricsConfig(null, DEFAULT_PROMETHEUS_PREFIX);

    public MetricsConfig {
        Objects.requireNonNull(prometheusPrefix, "prometheusPrefix");
        if (!prometheusPrefix.isEmpty() && !prometheusPrefix.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new IllegalArgumentException("prometheus_prefix: \"" + prometheusPrefix
                    + "\" (expected: letters, digits, _ and :, not starting with a digit)");
        }
    }

    /**
     * Parses Pushpin's {@code prometheus_port}: {@code port} or {@code addr:port}. A bare port listens on
     * every interface, as Pushpin does; empty means off. Pushpin's {@code ipc://} form has no meaning
     * in one process and is refused.
     */
    public MetricsConfig withPort(String value) {
        String v = value.strip();
        if (v.isEmpty()) {
            return new MetricsConfig(null, prometheusPrefix);
        }
        if (v.startsWith("ipc://")) {
            throw new IllegalArgumentException("prometheus_port: ipc:// is not supported (expected: [addr:]port)");
        }
        return new MetricsConfig(ListenAddress.parse(v, ListenAddress.ANY_HOST), prometheusPrefix);
    }

    public MetricsConfig withPrefix(String value) {
        return new MetricsConfig(prometheusListener, value.strip());
    }
}
