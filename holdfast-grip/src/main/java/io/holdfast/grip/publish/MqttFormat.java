package io.holdfast.grip.publish;

import java.util.Arrays;
import java.util.Objects;

/**
 * The {@code mqtt} format of a published item: the PUBLISH that MQTT subscribers of the channel
 * receive (Holdfast's addition to spec 3.3; Pushpin has no MQTT). When an item has no {@code mqtt}
 * format, MQTT subscribers get its {@code ws-message} content instead, so existing publishers reach
 * devices unchanged. The content array is not copied: treat it as read-only.
 *
 * @param content payload bytes ({@code content} as UTF-8 or {@code content-bin} decoded), never null
 * @param qos     the publish QoS, 0, 1 or 2 (each subscriber gets the lower of this and its grant)
 * @param retain  whether the broker keeps this as the topic's retained message (an empty content clears it)
 */
public record MqttFormat(byte[] content, int qos, boolean retain) {

    public MqttFormat {
        Objects.requireNonNull(content, "content");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos: " + qos + " (expected: 0, 1 or 2)");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MqttFormat f && qos == f.qos && retain == f.retain && Arrays.equals(content, f.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(content), qos, retain);
    }

    @Override
    public String toString() {
        return "MqttFormat[content=" + content.length + " bytes, qos=" + qos + ", retain=" + retain + "]";
    }
}
