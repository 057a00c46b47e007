package io.holdfast.server.config;

import java.time.Duration;

/**
 * The {@code [mqtt]} section: where the MQTT listener binds and the broker's limits. It exists so
 * MQTT is one small immutable value beside {@link HoldfastConfig} rather than a dozen fields in it.
 * MQTT is off unless a port is configured ({@code [mqtt] port} or {@code --mqtt-port}).
 *
 * @param listener       where to accept MQTT over TCP, or null (off; the default)
 * @param maxPacketSize  the largest packet a client may send (bytes); also told to MQTT 5 clients
 * @param maxInflight    unacknowledged QoS 1 messages per client before further ones queue
 * @param maxQueued      messages queued per client (offline, or beyond max_inflight) before drops
 * @param sessionExpiry  the longest a persistent session outlives its connection (clamps MQTT 5's)
 * @param channelPrefix  prepended to an MQTT topic to form its GRIP channel (empty: same name)
 *
 * <p>There is no {@code auth} key yet: every client is anonymous, so the listener refuses to bind
 * anything but a loopback address (as the publish API does without {@code publish_key}).
 */
public record MqttConfig(ListenAddress listener, int maxPacketSize, int maxInflight, int maxQueued,
                         Duration sessionExpiry, String channelPrefix) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_MAX_PACKET_SIZE = 256 * 1024;
    public static final int DEFAULT_MAX_INFLIGHT = 32;
    public static final int DEFAULT_MAX_QUEUED = 1000;
    public static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofHours(2);
    public static final MqttConfig DEFAULT = new MqttConfig(null, DEFAULT_MAX_PACKET_SIZE, DEFAULT_MAX_INFLIGHT,
            DEFAULT_MAX_QUEUED, DEFAULT_SESSION_EXPIRY, "");

    public MqttConfig {
        if (maxPacketSize < 16 || maxPacketSize > 268_435_455) {
            throw new IllegalArgumentException("maxPacketSize: " + maxPacketSize + " (expected: 16..268435455)");
        }
        if (maxInflight < 1 || maxInflight > 65_535) {
            throw new IllegalArgumentException("maxInflight: " + maxInflight + " (expected: 1..65535)");
        }
        if (maxQueued < 0) {
            throw new IllegalArgumentException("maxQueued: " + maxQueued + " (expected: >= 0)");
        }
        if (sessionExpiry.isNegative()) {
            throw new IllegalArgumentException("sessionExpiry: " + sessionExpiry + " (expected: >= 0)");
        }
        channelPrefix = channelPrefix == null ? "" : channelPrefix;
    }

    public boolean enabled() {
        return listener != null;
    }

    public MqttConfig withListener(ListenAddress v) {
        return new MqttConfig(v, maxPacketSize, maxInflight, maxQueued, sessionExpiry, channelPrefix);
    }

    public MqttConfig withMaxPacketSize(int v) {
        return new MqttConfig(listener, v, maxInflight, maxQueued, sessionExpiry, channelPrefix);
    }

    public MqttConfig withMaxInflight(int v) {
        return new MqttConfig(listener, maxPacketSize, v, maxQueued, sessionExpiry, channelPrefix);
    }

    public MqttConfig withMaxQueued(int v) {
        return new MqttConfig(listener, maxPacketSize, maxInflight, v, sessionExpiry, channelPrefix);
    }

    public MqttConfig withSessionExpiry(Duration v) {
        return new MqttConfig(listener, maxPacketSize, maxInflight, maxQueued, v, channelPrefix);
    }

    public MqttConfig withChannelPrefix(String v) {
        return new MqttConfig(listener, maxPacketSize, maxInflight, maxQueued, sessionExpiry, v);
    }

}
