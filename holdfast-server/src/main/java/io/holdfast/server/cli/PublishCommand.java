package io.holdfast.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.holdfast.grip.publisher.GripPublisher;
import io.holdfast.grip.publisher.GripUrl;
import io.holdfast.grip.sig.GripKey;
import io.holdfast.grip.sig.GripSig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code holdfast publish CHANNEL CONTENT}: publishes one item, like Pushpin's {@code pushpin-publish},
 * and prints the server's answer. By default the content goes to streams (with a newline) and
 * WebSockets; {@code --http-response} targets long-polls, {@code --sse} wraps it as an SSE event.
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish a message to a channel through the publish API.")
public final class PublishCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "CHANNEL")
    String channel;

    @Parameters(index = "1", paramLabel = "CONTENT", defaultValue = "")
    String content;

    @Option(names = "--url", paramLabel = "URL",
            description = "Publish API base URL or a full GRIP_URL (with ?key=/iss=); /publish/ is appended. "
                    + "Default: $GRIP_URL, else http://localhost:5561.")
    String url;

    /** Where GRIP_URL is read from (tests replace it). */
    java.util.Map<String, String> environment = System.getenv();

    @Option(names = "--key", paramLabel = "KEY", description = "publish_key: sent as a Bearer JWT signed with it.")
    String key;

    @Option(names = "--http-response", description = "Publish as an http-response (for long-polls).")
    boolean httpResponse;

    @Option(names = "--sse", description = "Format the content as an SSE event (data: lines).")
    boolean sse;

    @Option(names = "--event", paramLabel = "NAME", description = "With --sse: the event name.")
    String event;

    @Option(names = "--close", description = "Close the stream (http-stream action close) instead of sending.")
    boolean close;

    @Option(names = "--id", paramLabel = "ID", description = "Item id.")
    String id;

    @Option(names = "--prev-id", paramLabel = "ID", description = "Id of the previous item on the channel.")
    String prevId;

    @Override
    public Integer call() throws Exception {
        byte[] body = JSON.writeValueAsBytes(buildBody());
        GripUrl grip;
        try {
            grip = GripUrl.parse(gripUrl());
        } catch (IllegalArgumentException e) {
            System.err.println("holdfast publish: " + e.getMessage());
            return 2;
        }
        URI target = grip.publishUri();
        String base = target.toString();
        HttpRequest.Builder req = HttpRequest.newBuilder(target)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            String token = GripSig.sign(GripKey.parse(key, Path.of("")), "holdfast-publish", Instant.now(),
                    Duration.ofMinutes(10));
            req.header("Authorization", "Bearer " + token);
        } else {
            grip.auth().header(Instant.now()).ifPresent(h -> req.header("Authorization", h));
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response;
        try {
            response = client.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            System.err.println("holdfast publish: cannot connect to " + base + " (is Holdfast running?)");
            return 1;
        }
        System.out.print(response.body());
        return response.statusCode() / 100 == 2 ? 0 : 1;
    }

    /** {@code --url}, else {@code GRIP_URL}, else Pushpin's default publish address. */
    String gripUrl() {
        if (url != null) {
            return url;
        }
        String env = environment.get(GripPublisher.GRIP_URL_ENV);
        return env != null && !env.isBlank() ? env.strip() : GripPublisher.DEFAULT_GRIP_URL;
    }

    ObjectNode buildBody() {
        ObjectNode item = JSON.createObjectNode().put("channel", channel);
        if (id != null) {
            item.put("id", id);
        }
        if (prevId != null) {
            item.put("prev-id", prevId);
        }
        ObjectNode formats = item.putObject("formats");
        if (close) {
            formats.putObject("http-stream").put("action", "close");
        } else if (httpResponse) {
            formats.putObject("http-response").put("body", content + "\n");
        } else if (sse) {
            formats.putObject("http-stream").put("content", sseEvent());
        } else {
            formats.putObject("http-stream").put("content", content + "\n");
            formats.putObject("ws-message").put("content", content);
        }
        ObjectNode root = JSON.createObjectNode();
        root.putArray("items").add(item);
        return root;
    }

    private String sseEvent() {
        StringBuilder sb = new StringBuilder();
        if (event != null) {
            sb.append("event: ").append(event).append('\n');
        }
        if (id != null) {
            sb.append("id: ").append(id).append('\n');
        }
        for (String line : content.split("\n", -1)) {
            sb.append("data: ").append(line).append('\n');
        }
        return sb.append('\n').toString();
    }
}
