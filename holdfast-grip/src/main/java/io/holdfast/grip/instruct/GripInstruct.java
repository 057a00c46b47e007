package io.holdfast.grip.instruct;

import io.holdfast.grip.HttpReasons;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything an origin told the proxy to do with one request: hold mode, channels, timeouts,
 * keep-alive, subscription meta, status override, links, and (for JSON instructs) the replacement
 * response.
 *
 * <p>It is Pushpin's {@code Instruct}, read from {@code Grip-*} headers (spec 1.3) and optionally an
 * {@code application/grip-instruct} body (spec 1.4) by {@link GripInstructParser}, and written back
 * by {@link #toHeaders()} / {@link #toJson()} for Java origins. Values are normalised as Pushpin
 * normalises them, so the server can use them directly: the response-hold timeout defaults to
 * {@value #DEFAULT_TIMEOUT_SECONDS} and is raised to at least {@value #MIN_TIMEOUT_SECONDS}; a status
 * code without a reason gets the standard phrase. The channel list is not truncated here; the server
 * applies {@code connection_subscription_max}. Instances are immutable.
 */
public final class GripInstruct {

    /** Response-hold timeout when none is given (Pushpin DEFAULT_RESPONSE_TIMEOUT). */
    public static final int DEFAULT_TIMEOUT_SECONDS = 55;

    /** Smaller response-hold timeouts are raised to this (Pushpin MINIMUM_RESPONSE_TIMEOUT). */
    public static final int MIN_TIMEOUT_SECONDS = 5;

    /** No instructions at all. */
    public static final GripInstruct EMPTY = builder().build();

    private final HoldMode hold;
    private final List<ChannelSpec> channels;
    private final int timeoutSeconds;
    private final KeepAlive keepAlive;
    private final Map<String, String> meta;
    private final Integer statusCode;
    private final String statusReason;
    private final List<String> exposeHeaders;
    private final GripLink nextLink;
    private final String goneLink;
    private final InstructResponse response;

    private GripInstruct(Builder b) {
        this.hold = b.hold;
        this.channels = List.copyOf(b.channels);
        this.timeoutSeconds = Math.max(b.timeoutSeconds, MIN_TIMEOUT_SECONDS);
        this.keepAlive = b.keepAlive;
        this.meta = Collections.unmodifiableMap(new LinkedHashMap<>(b.meta));
        this.exposeHeaders = b.exposeHeaders == null ? null : List.copyOf(b.exposeHeaders);
        this.nextLink = b.nextLink;
        this.goneLink = b.goneLink;
        this.response = b.response;

        // A JSON response.code overrides Grip-Status, and a code given there clears the header's
        // reason unless response.reason is also given (spec 1.4). Empty reasons count as absent.
        Integer code = b.statusCode;
        String reason = b.statusReason;
        if (response != null && response.code() != null) {
            code = response.code();
            reason = response.reason();
        } else if (response != null && response.reason() != null && !response.reason().isEmpty()) {
            reason = response.reason();
        }
        if (reason != null && reason.isEmpty()) {
            reason = null;
        }
        if (code != null && reason == null) {
            reason = HttpReasons.phrase(code);
        }
        this.statusCode = code;
        this.statusReason = reason;
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this instruct's values, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.hold = hold;
        b.channels.addAll(channels);
        b.timeoutSeconds = timeoutSeconds;
        b.keepAlive = keepAlive;
        b.meta.putAll(meta);
        b.statusCode = statusCode;
        b.statusReason = statusReason;
        b.exposeHeaders = exposeHeaders;
        b.nextLink = nextLink;
        b.goneLink = goneLink;
        b.response = response;
        return b;
    }

    /** The hold mode; empty means "no hold" (relay the response, or follow a next link). */
    public Optional<HoldMode> hold() {
        return Optional.ofNullable(hold);
    }

    /** Channels in the order given (header channels first, then JSON ones). */
    public List<ChannelSpec> channels() {
        return channels;
    }

    /** Response-hold timeout in seconds: default 55, never below 5. */
    public int timeoutSeconds() {
        return timeoutSeconds;
    }

    /** Stream-hold keep-alive, if requested. */
    public Optional<KeepAlive> keepAlive() {
        return Optional.ofNullable(keepAlive);
    }

    /** Subscription meta for filters ({@code Grip-Set-Meta}, {@code hold.meta}); later keys won. */
    public Map<String, String> meta() {
        return meta;
    }

    /** The status code to send the client instead of the origin's ({@code Grip-Status} or JSON code). */
    public OptionalInt statusCode() {
        return statusCode == null ? OptionalInt.empty() : OptionalInt.of(statusCode);
    }

    /**
     * The reason phrase to send: the given one, or the standard phrase when only a code was given.
     * Present without {@link #statusCode()} only when a JSON instruct gave a reason but no code.
     */
    public Optional<String> statusReason() {
        return Optional.ofNullable(statusReason);
    }

    /** {@code Grip-Expose-Headers}: if present, only these origin headers reach the held response. */
    public Optional<List<String>> exposeHeaders() {
        return Optional.ofNullable(exposeHeaders);
    }

    /** {@code Grip-Link rel=next}. */
    public Optional<GripLink> nextLink() {
        return Optional.ofNullable(nextLink);
    }

    /** {@code Grip-Link rel=gone}: POSTed to when the client disconnects (v1.41+). */
    public Optional<String> goneLink() {
        return Optional.ofNullable(goneLink);
    }

    /**
     * The replacement response of a JSON instruct. Always present on instructs returned by
     * {@link GripInstructParser#fromJson}, because a JSON instruct always discards the origin's own
     * headers and body (an absent {@code response} means empty ones).
     */
    public Optional<InstructResponse> response() {
        return Optional.ofNullable(response);
    }

    /**
     * Renders as {@code Grip-*} response headers, in a form {@link GripInstructParser#fromHeaders}
     * reads back to an equal instruct.
     *
     * @throws IllegalStateException if a value cannot be written as a header (a {@link #response()},
     *                               a channel name containing {@code , ; "}, a line break in a value)
     */
    public List<Map.Entry<String, String>> toHeaders() {
        if (response != null) {
            throw new IllegalStateException("response() can only be written as a JSON instruct; use toJson()");
        }
        return InstructWriter.headers(this, false);
    }

    /**
     * Renders the {@code application/grip-instruct} body. Send it with {@link #toJsonHeaders()}: the
     * parts JSON cannot express (links, {@code Grip-Expose-Headers}, interval keep-alive, a status
     * without a response code, hold-less channels) travel as headers, exactly as spec 1.4 merges them.
     */
    public byte[] toJson() {
        return InstructWriter.json(this);
    }

    /** The headers that go with {@link #toJson()}, starting with the instruct Content-Type. */
    public List<Map.Entry<String, String>> toJsonHeaders() {
        return InstructWriter.headers(this, true);
    }

    // Package-private raw accessors for the writer.
    Integer rawStatusCode() {
        return statusCode;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GripInstruct g && hold == g.hold && channels.equals(g.channels)
                && timeoutSeconds == g.timeoutSeconds && Objects.equals(keepAlive, g.keepAlive)
                && meta.equals(g.meta) && Objects.equals(statusCode, g.statusCode)
                && Objects.equals(statusReason, g.statusReason) && Objects.equals(exposeHeaders, g.exposeHeaders)
                && Objects.equals(nextLink, g.nextLink) && Objects.equals(goneLink, g.goneLink)
                && Objects.equals(response, g.response);
    }

    @Override
    public int hashCode() {
        return Objects.hash(hold, channels, timeoutSeconds, keepAlive, meta, statusCode, statusReason,
                exposeHeaders, nextLink, goneLink, response);
    }

    @Override
    public String toString() {
        return "GripInstruct[hold=" + hold + ", channels=" + channels + ", timeoutSeconds=" + timeoutSeconds
                + ", keepAlive=" + keepAlive + ", meta=" + meta + ", statusCode=" + statusCode
                + ", statusReason=" + statusReason + ", exposeHeaders=" + exposeHeaders + ", nextLink=" + nextLink
                + ", goneLink=" + goneLink + ", response=" + response + "]";
    }

    /**
     * Builds a {@link GripInstruct}; for origins composing instructions and for the parser merging a
     * JSON instruct over header ones. Setters replace, except {@code channel*} and {@code meta},
     * which add. Arguments are checked as they are set.
     */
    public static final class Builder {

        private HoldMode hold;
        private final List<ChannelSpec> channels = new ArrayList<>();
        private int timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
        private KeepAlive keepAlive;
        private final Map<String, String> meta = new LinkedHashMap<>();
        private Integer statusCode;
        private String statusReason;
        private List<String> exposeHeaders;
        private GripLink nextLink;
        private String goneLink;
        private InstructResponse response;

        private Builder() {
        }

        /** Sets the hold mode; null means no hold. */
        public Builder hold(HoldMode hold) {
            this.hold = hold;
            return this;
        }

        /** Adds a channel with no prev-id and no filters. */
        public Builder channel(String name) {
            return channel(ChannelSpec.of(name));
        }

        /** Adds a channel; {@code prevId} may be null. */
        public Builder channel(String name, String prevId, String... filters) {
            return channel(new ChannelSpec(name, prevId, List.of(filters)));
        }

        public Builder channel(ChannelSpec channel) {
            channels.add(Objects.requireNonNull(channel, "channel"));
            return this;
        }

        /** Adds channels after those already set. */
        public Builder channels(Collection<ChannelSpec> more) {
            for (ChannelSpec c : more) {
                channel(c);
            }
            return this;
        }

        /** Response-hold timeout; values below 5 are raised to 5 when built. */
        public Builder timeoutSeconds(int seconds) {
            if (seconds < 0) {
                throw new IllegalArgumentException("timeoutSeconds: " + seconds + " (expected: >= 0)");
            }
            this.timeoutSeconds = seconds;
            return this;
        }

        /** Sets (or with null, clears) the keep-alive. */
        public Builder keepAlive(KeepAlive keepAlive) {
            this.keepAlive = keepAlive;
            return this;
        }

        /** Idle keep-alive of UTF-8 text. */
        public Builder keepAlive(String data, int timeoutSeconds) {
            return keepAlive(new KeepAlive(data.getBytes(java.nio.charset.StandardCharsets.UTF_8), timeoutSeconds,
                    KeepAliveMode.IDLE));
        }

        /** Sets one meta key (replacing an earlier value). */
        public Builder meta(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (key.isEmpty()) {
                throw new IllegalArgumentException("meta key: empty");
            }
            meta.put(key, value);
            return this;
        }

        /** Sets several meta keys. */
        public Builder meta(Map<String, String> entries) {
            entries.forEach(this::meta);
            return this;
        }

        /** Status override with the standard reason phrase. */
        public Builder status(int code) {
            return status(code, null);
        }

        /** Status override; a null or empty reason means the standard phrase. */
        public Builder status(int code, String reason) {
            if (code < 0 || code > 999) {
                throw new IllegalArgumentException("status code: " + code + " (expected: 0-999)");
            }
            this.statusCode = code;
            this.statusReason = reason;
            return this;
        }

        /** Clears any status override. */
        public Builder noStatus() {
            this.statusCode = null;
            this.statusReason = null;
            return this;
        }

        /** Sets (or with null, clears) the exposed-header whitelist. */
        public Builder exposeHeaders(List<String> names) {
            this.exposeHeaders = names == null ? null : List.copyOf(names);
            return this;
        }

        public Builder exposeHeaders(String... names) {
            return exposeHeaders(List.of(names));
        }

        /** Next link with the default 120 s timeout. */
        public Builder nextLink(String uri) {
            return nextLink(GripLink.of(uri));
        }

        public Builder nextLink(String uri, int timeoutSeconds) {
            return nextLink(new GripLink(uri, timeoutSeconds));
        }

        /** Sets (or with null, clears) the next link. */
        public Builder nextLink(GripLink link) {
            this.nextLink = link;
            return this;
        }

        /** Sets (or with null, clears) the gone link. */
        public Builder goneLink(String uri) {
            if (uri != null && uri.isEmpty()) {
                throw new IllegalArgumentException("goneLink: empty");
            }
            this.goneLink = uri;
            return this;
        }

        /**
         * Sets (or with null, clears) the JSON replacement response. Its code, if any, wins over
         * {@link #status(int, String)} when built, as {@code response.code} wins over {@code Grip-Status}.
         */
        public Builder response(InstructResponse response) {
            this.response = response;
            return this;
        }

        public GripInstruct build() {
            return new GripInstruct(this);
        }
    }
}
