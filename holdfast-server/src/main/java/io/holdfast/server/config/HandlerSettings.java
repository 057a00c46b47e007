package io.holdfast.server.config;

import java.time.Duration;
import java.util.Locale;

/**
 * Pushpin {@code [handler]} settings beyond the publish inputs: the ZeroMQ stats socket
 * ({@code stats_spec}, {@code stats_format}, {@code stats_report_interval},
 * {@code stats_subscription_ttl}, {@code stats_connection_ttl} from {@code [global]}), how long the
 * SUB socket keeps a channel's interest after its last subscriber left ({@code subscription_linger}),
 * and whether held requests are refreshed after a channel's first subscription
 * ({@code update_on_first_subscription}, Pushpin 1.41).
 *
 * @param statsSpec           the PUB stats socket's endpoint, or null (off; the default)
 * @param statsJson           {@code stats_format=json}: packets as {@code <type> J<json>} instead of tnetstring
 * @param subscriptionLinger  a channel's SUB interest outlives its last subscriber by this much
 */
public record HandlerSettings(String statsSpec, boolean statsJson, Duration statsReportInterval,
                              Duration statsSubscriptionTtl, Duration statsConnectionTtl,
                              Duration subscriptionLinger, boolean updateOnFirstSubscription) {
    public static final Duration DEFAULT_STATS_REPORT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_STATS_SUBSCRIPTION_TTL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_STATS_CONNECTION_TTL = Duration.ofSeconds(120);
    public static final Duration DEFAULT_SUBSCRIPTION_LINGER = Duration.ofSeconds(60);
    public static final boolean DEFAULT_UPDATE_ON_FIRST_SUBSCRIPTION = true;
    /** Pushpin refreshes held requests this long after a channel's first subscription. */
    public static final Duration FIRST_SUBSCRIPTION_DELAY = Duration.ofSeconds(1);
    public static final HandlerSettings DEFAULT = new HandlerSettings(null, false, DEFAULT_STATS_REPORT_INTERVAL,
            DEFAULT_STATS_SUBSCRIPTION_TTL, DEFAULT_STATS_CONNECTION_TTL, DEFAULT_SUBSCRIPTION_LINGER,
            DEFAULT_UPDATE_ON_FIRST_SUBSCRIPTION);

    public HandlerSettings {
        statsSpec = HoldfastConfig.zmqSpec("statsSpec", statsSpec);
        requirePositive("statsReportInterval", statsReportInterval);
        requirePositive("statsSubscriptionTtl", statsSubscriptionTtl);
        requirePositive("statsConnectionTtl", statsConnectionTtl);
        if (subscriptionLinger.isNegative()) {
            throw new IllegalArgumentException("subscriptionLinger: " + subscriptionLinger + " (expected: >= 0)");
        }
    }

    private static void requirePositive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
    }

    /** {@code stats_format}: {@code tnetstring} (default) or {@code json}. */
    public static boolean parseStatsJson(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "tnetstring", "" -> false;
            case "json" -> true;
            default -> throw new IllegalArgumentException(value + " (expected: tnetstring or json)");
        };
    }

    public HandlerSettings withStatsSpec(String v) {
        return new HandlerSettings(v, statsJson, statsReportInterval, statsSubscriptionTtl, statsConnectionTtl,
                subscriptionLinger, updateOnFirstSubscription);
    }

    public HandlerSettings withStatsJson(boolean v) {
        return new HandlerSettings(statsSpec, v, statsReportInterval, statsSubscriptionTtl, statsConnectionTtl,
                subscriptionLinger, updateOnFirstSubscription);
    }

    public HandlerSettings withStatsReportInterval(Duration v) {
        return new HandlerSettings(statsSpec, statsJson, v, statsSubscriptionTtl, statsConnectionTtl,
                subscriptionLinger, updateOnFirstSubscription);
    }

    public HandlerSettings withStatsSubscriptionTtl(Duration v) {
        return new HandlerSettings(statsSpec, statsJson, statsReportInterval, v, statsConnectionTtl,
                subscriptionLinger, updateOnFirstSubscription);
    }

    public HandlerSettings withStatsConnectionTtl(Duration v) {
        return new HandlerSettings(statsSpec, statsJson, statsReportInterval, statsSubscriptionTtl, v,
                subscriptionLinger, updateOnFirstSubscription);
    }

    public HandlerSettings withSubscriptionLinger(Duration v) {
        return new HandlerSettings(statsSpec, statsJson, statsReportInterval, statsSubscriptionTtl, statsConnectionTtl,
                v, updateOnFirstSubscription);
    }

    public HandlerSettings withUpdateOnFirstSubscription(boolean v) {
        return new HandlerSettings(statsSpec, statsJson, statsReportInterval, statsSubscriptionTtl, statsConnectionTtl,
                subscriptionLinger, v);
    }
}
