package io.holdfast.grip.publish;

import io.holdfast.grip.GripLimits;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One published message: a channel, its ordering IDs, publish meta, and one payload per transport
 * (spec 3.2). It is Pushpin's {@code PublishItem}.
 *
 * <p>The server parses an item once and fans it out; each subscriber picks the format matching its
 * transport and skips the item if there is none. {@code id} drives de-duplication and prev-id
 * chaining, {@code prevId} ordering (spec 4). Instances are immutable; {@link #withChannel} makes the
 * copy a route prefix or a ZeroMQ SUB topic needs.
 */
public final class PublishItem {

    private final String channel;
    private final String id;
    private final String prevId;
    private final Map<String, String> meta;
    private final boolean noSeq;
    private final Integer size;
    private final HttpResponseFormat httpResponse;
    private final HttpStreamFormat httpStream;
    private final WsMessageFormat wsMessage;
    private final MqttFormat mqtt;

    /**
     * @param channel      channel name, non-empty
     * @param id           item ID, or null
     * @param prevId       previous item's ID, or null
     * @param meta         publish meta for filters (null means none)
     * @param noSeq        bypass the ordering buffer
     * @param size         size for block statistics (>= 0), or null to use the payload size
     * @param httpResponse payload for response holds, or null
     * @param httpStream   payload for stream holds, or null
     * @param wsMessage    payload for WebSockets, or null
     * @throws IllegalArgumentException if the channel is empty or too long ({@link GripLimits}), size negative, or no format is given
     */
    public PublishItem(String channel, String id, String prevId, Map<String, String> meta, boolean noSeq,
                       Integer size, HttpResponseFormat httpResponse, HttpStreamFormat httpStream,
                       WsMessageFormat wsMessage) {
        this(channel, id, prevId, meta, noSeq, size, httpResponse, httpStream, wsMessage, null);
    }

    /**
     * As the nine-argument constructor, with an {@code mqtt} payload for MQTT subscribers (or null).
     *
     * @throws IllegalArgumentException if the channel is empty, size negative, or no format is given
     */
    public PublishItem(String channel, String id, String prevId, Map<String, String> meta, boolean noSeq,
                       Integer size, HttpResponseFormat httpResponse, HttpStreamFormat httpStream,
                       WsMessageFormat wsMessage, MqttFormat mqtt) {
        Objects.requireNonNull(channel, "channel");
        if (channel.isEmpty()) {
            throw new IllegalArgumentException("channel: empty");
        }
        String channelProblem = GripLimits.channelProblem(channel);
        if (channelProblem != null) {
            throw new IllegalArgumentException("channel: " + channelProblem);
        }
        if (size != null && size < 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
        }
        if (httpResponse == null && httpStream == null && wsMessage == null && mqtt == null) {
            throw new IllegalArgumentException("no formats specified");
        }
        this.mqtt = mqtt;
        this.channel = channel;
        this.id = id;
        this.prevId = prevId;
        this.meta = meta == null || meta.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(meta));
        this.noSeq = noSeq;
        this.size = size;
        this.httpResponse = httpResponse;
        this.httpStream = httpStream;
        this.wsMessage = wsMessage;
    }

    /** A builder for an item on {@code channel}. */
    public static Builder builder(String channel) {
        return new Builder(channel);
    }

    public String channel() {
        return channel;
    }

    /** The item's ID, or null. */
    public String id() {
        return id;
    }

    /** The previous item's ID, or null. */
    public String prevId() {
        return prevId;
    }

    /** Publish meta ({@code sender}, {@code skip_users}, {@code require_sub}, ...); never null. */
    public Map<String, String> meta() {
        return meta;
    }

    public boolean noSeq() {
        return noSeq;
    }

    /** The size for "blocks" statistics, or null to use the payload size. */
    public Integer size() {
        return size;
    }

    public Optional<HttpResponseFormat> httpResponse() {
        return Optional.ofNullable(httpResponse);
    }

    public Optional<HttpStreamFormat> httpStream() {
        return Optional.ofNullable(httpStream);
    }

    public Optional<WsMessageFormat> wsMessage() {
        return Optional.ofNullable(wsMessage);
    }

    /** The payload for MQTT subscribers, if the publisher gave one. */
    public Optional<MqttFormat> mqtt() {
        return Optional.ofNullable(mqtt);
    }

    /** This item on another channel (e.g. with the route prefix prepended). */
    public PublishItem withChannel(String newChannel) {
        return new PublishItem(newChannel, id, prevId, meta, noSeq, size, httpResponse, httpStream, wsMessage, mqtt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublishItem p && channel.equals(p.channel) && Objects.equals(id, p.id)
                && Objects.equals(prevId, p.prevId) && meta.equals(p.meta) && noSeq == p.noSeq
                && Objects.equals(size, p.size) && Objects.equals(httpResponse, p.httpResponse)
                && Objects.equals(httpStream, p.httpStream) && Objects.equals(wsMessage, p.wsMessage)
                && Objects.equals(mqtt, p.mqtt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(channel, id, prevId, meta, noSeq, size, httpResponse, httpStream, wsMessage, mqtt);
    }

    @Override
    public String toString() {
        return "PublishItem[channel=" + channel + ", id=" + id + ", prevId=" + prevId + ", meta=" + meta
                + ", noSeq=" + noSeq + ", size=" + size + ", httpResponse=" + httpResponse + ", httpStream="
                + httpStream + ", wsMessage=" + wsMessage + (mqtt == null ? "" : ", mqtt=" + mqtt) + "]";
    }

    /** Builds a {@link PublishItem}; for publishers and tests. */
    public static final class Builder {

        private final String channel;
        private String id;
        private String prevId;
        private final Map<String, String> meta = new LinkedHashMap<>();
        private boolean noSeq;
        private Integer size;
        private HttpResponseFormat httpResponse;
        private HttpStreamFormat httpStream;
        private WsMessageFormat wsMessage;
        private MqttFormat mqtt;

        private Builder(String channel) {
            this.channel = channel;
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder prevId(String prevId) {
            this.prevId = prevId;
            return this;
        }

        public Builder meta(String key, String value) {
            meta.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder noSeq(boolean noSeq) {
            this.noSeq = noSeq;
            return this;
        }

        public Builder size(Integer size) {
            this.size = size;
            return this;
        }

        public Builder httpResponse(HttpResponseFormat f) {
            this.httpResponse = f;
            return this;
        }

        public Builder httpStream(HttpStreamFormat f) {
            this.httpStream = f;
            return this;
        }

        public Builder wsMessage(WsMessageFormat f) {
            this.wsMessage = f;
            return this;
        }

        public Builder mqtt(MqttFormat f) {
            this.mqtt = f;
            return this;
        }

        public PublishItem build() {
            return new PublishItem(channel, id, prevId, meta, noSeq, size, httpResponse, httpStream, wsMessage, mqtt);
        }
    }
}
