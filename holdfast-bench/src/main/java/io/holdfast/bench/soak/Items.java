package io.holdfast.bench.soak;

/**
 * Publish items for the soak, written by hand like the bench's {@code PublishBody}: payloads are plain
 * ASCII (bench payloads, filler and counters), so no escaping is needed. A stream item carries both
 * {@code http-stream} (SSE {@code data:} lines) and {@code ws-message}, so one publish reaches SSE and
 * WebSocket subscribers of the channel alike.
 */
final class Items {

    private Items() {
    }

    static String stream(String channel, String payload) {
        return "{\"channel\":\"" + channel + "\",\"formats\":{\"http-stream\":{\"content\":\"data: " + payload
                + "\\n\\n\"},\"ws-message\":{\"content\":\"" + payload + "\"}}}";
    }

    static String response(String channel, String body) {
        return "{\"channel\":\"" + channel + "\",\"formats\":{\"http-response\":{\"body\":\""
                + body.replace("\n", "\\n") + "\"}}}";
    }

    static byte[] body(String... items) {
        return ("{\"items\":[" + String.join(",", items) + "]}").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
