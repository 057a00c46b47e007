package io.holdfast.grip.publisher;

import io.holdfast.grip.publish.Action;
import io.holdfast.grip.publish.HttpResponseFormat;
import io.holdfast.grip.publish.HttpStreamFormat;
import io.holdfast.grip.publish.PublishItem;
import io.holdfast.grip.publish.PublishRequestWriter;
import io.holdfast.grip.publish.WsMessageFormat;
import io.holdfast.grip.sig.GripKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Publishes items to a GRIP proxy's publish endpoint ({@code POST <base>/publish/}, spec 3.1): the
 * way a Java origin pushes to the clients Holdfast, Pushpin or Fastly Fanout hold for it.
 *
 * <p>Build one per endpoint and share it; it is thread-safe and keeps no state between publishes.
 * Create it from a GRIP_URL ({@link #fromGripUrl(String)}, {@link #fromEnvironment()}) or a
 * {@link #builder()}. Every publish is one HTTP request carrying {@code {"items": [...]}} as written
 * by {@link PublishRequestWriter}, so a list of items is published as one batch, which Pushpin
 * validates as a whole. Methods return at once with a {@link CompletableFuture} that completes when
 * the endpoint answered 2xx, or exceptionally with a {@link GripPublishException} that carries the
 * status and the server's answer.
 *
 * <p>Failures to connect (and other I/O errors) and 5xx answers are retried with exponential backoff,
 * {@value #DEFAULT_RETRIES} times by default; a 4xx is never retried, since sending the same request
 * again cannot fix it. A retried request may have been received the first time, so give items an
 * {@code id} when duplicates matter: Pushpin drops an item whose (channel, id) it saw within the last
 * minute. JWT credentials are signed afresh for every attempt.
 */
public final class GripPublisher {

    /** How long to wait for the endpoint's response (and to connect) per attempt. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** Retries after the first attempt, on connection failures and 5xx only. */
    public static final int DEFAULT_RETRIES = 2;

    /** Delay before the first retry; each later retry waits twice as long as the one before. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(250);

    /** No retry waits longer than this. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** The environment variable the GRIP client libraries read. */
    public static final String GRIP_URL_ENV = "GRIP_URL";

    /** Where a local Pushpin or Holdfast listens for publishes (spec 3.1, port 5561). */
    public static final String DEFAULT_GRIP_URL = "http://localhost:5561";

    private static final String CONTENT_TYPE = "application/json";

    private final URI publishUri;
    private final PublishAuth auth;
    private final Duration timeout;
    private final int retries;
    private final Duration initialBackoff;
    private final HttpClient client;

    private GripPublisher(Builder b, GripUrl url) {
        this.publishUri = url.publishUri();
        this.auth = b.auth != null ? b.auth : url.auth();
        this.timeout = b.timeout;
        this.retries = b.retries;
        this.initialBackoff = b.initialBackoff;
        this.client = b.client != null ? b.client : HttpClient.newBuilder()
                // Plain HTTP/1.1: the default would offer an h2c upgrade on every POST to http:// URLs.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    /** A builder; {@link Builder#url(String)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A publisher with default timeout and retries for a GRIP_URL such as
     * {@code http://localhost:5561} or {@code https://api.fastly.com/service/ID?key=TOKEN}
     * (see {@link GripUrl}).
     *
     * @throws IllegalArgumentException if the URL is not a usable GRIP_URL
     */
    public static GripPublisher fromGripUrl(String gripUrl) {
        return builder().url(gripUrl).build();
    }

    /**
     * A publisher for the {@value #GRIP_URL_ENV} environment variable, or for
     * {@value #DEFAULT_GRIP_URL} (a local proxy) when it is unset or blank.
     */
    public static GripPublisher fromEnvironment() {
        String url = System.getenv(GRIP_URL_ENV);
        return fromGripUrl(url == null || url.isBlank() ? DEFAULT_GRIP_URL : url);
    }

    /** The URL items are POSTed to. */
    public URI publishUri() {
        return publishUri;
    }

    /** Publishes one item. */
    public CompletableFuture<Void> publish(PublishItem item) {
        Objects.requireNonNull(item, "item");
        return publish(List.of(item));
    }

    /**
     * Publishes items in one request (a batch). Pushpin validates the whole batch first: if any item
     * is invalid, none is published and the future fails with a 400.
     *
     * @throws IllegalArgumentException if {@code items} is empty
     */
    public CompletableFuture<Void> publish(List<PublishItem> items) {
        Objects.requireNonNull(items, "items");
        if (items.isEmpty()) {
            throw new IllegalArgumentException("items: empty (expected: at least one item)");
        }
        byte[] body = PublishRequestWriter.toJson(items);
        CompletableFuture<Void> result = new CompletableFuture<>();
        attempt(body, 1, result);
        return result;
    }

    /** Appends {@code content} to every HTTP stream held on {@code channel} (an {@code http-stream} item). */
    public CompletableFuture<Void> publishHttpStream(String channel, String content) {
        Objects.requireNonNull(content, "content");
        return publish(PublishItem.builder(channel).httpStream(HttpStreamFormat.of(content)).build());
    }

    /**
     * Answers every long-poll held on {@code channel} with a 200 and this body (an
     * {@code http-response} item; the held request's timeout response supplies the headers).
     */
    public CompletableFuture<Void> publishHttpResponse(String channel, String body) {
        Objects.requireNonNull(body, "body");
        return publish(PublishItem.builder(channel).httpResponse(HttpResponseFormat.of(body, List.of())).build());
    }

    /** Sends a text message to every WebSocket subscribed to {@code channel} (a {@code ws-message} item). */
    public CompletableFuture<Void> publishWsMessage(String channel, String text) {
        Objects.requireNonNull(text, "text");
        return publish(PublishItem.builder(channel).wsMessage(WsMessageFormat.text(text)).build());
    }

    /** Ends every HTTP stream held on {@code channel} cleanly (an {@code http-stream} close). */
    public CompletableFuture<Void> closeHttpStream(String channel) {
        // js-grip sends "content": "" with a close; older proxies expect the field.
        HttpStreamFormat close = new HttpStreamFormat(Action.CLOSE, new byte[0], null);
        return publish(PublishItem.builder(channel).httpStream(close).build());
    }

    /**
     * Closes every WebSocket subscribed to {@code channel} with this code and optional (null) reason
     * (a {@code ws-message} close).
     */
    public CompletableFuture<Void> closeWebSockets(String channel, int code, String reason) {
        return publish(PublishItem.builder(channel).wsMessage(WsMessageFormat.close(code, reason)).build());
    }

    /**
     * Makes every WebSocket-over-HTTP connection subscribed to {@code channel} call its origin now (a
     * {@code ws-message} refresh, Pushpin v1.38+), so the origin can answer with events.
     */
    public CompletableFuture<Void> refreshWebSockets(String channel) {
        return publish(PublishItem.builder(channel).wsMessage(WsMessageFormat.refresh()).build());
    }

    /**
     * Publishes one item and waits, retries included.
     *
     * @throws GripPublishException if the publish failed
     */
    public void publishSync(PublishItem item) {
        await(publish(item));
    }

    /**
     * Publishes items as one batch and waits, retries included.
     *
     * @throws GripPublishException if the publish failed
     */
    public void publishSync(List<PublishItem> items) {
        await(publish(items));
    }

    @Override
    public String toString() {
        return "GripPublisher[" + publishUri + ", " + auth + ", timeout=" + timeout + ", retries=" + retries + "]";
    }

    private static void await(CompletableFuture<Void> future) {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(false);
            throw new CancellationException("interrupted while publishing");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new CompletionException(cause);
        }
    }

    private void attempt(byte[] body, int attempt, CompletableFuture<Void> result) {
        if (result.isDone()) {
            return; // cancelled by the caller: stop retrying
        }
        CompletableFuture<HttpResponse<String>> response;
        try {
            response = client.sendAsync(request(body), HttpResponse.BodyHandlers.ofString());
        } catch (RuntimeException e) {
            result.completeExceptionally(new GripPublishException(publishUri, GripPublishException.NO_STATUS, "",
                    attempt, e));
            return;
        }
        response.whenComplete((r, error) -> {
            if (error != null) {
                onError(body, attempt, result, unwrap(error));
            } else {
                onResponse(body, attempt, result, r);
            }
        });
    }

    private HttpRequest request(byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(publishUri)
                .timeout(timeout)
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        auth.header(Instant.now()).ifPresent(value -> b.header("Authorization", value));
        return b.build();
    }

    private void onResponse(byte[] body, int attempt, CompletableFuture<Void> result, HttpResponse<String> r) {
        int status = r.statusCode();
        if (status >= 200 && status < 300) {
            result.complete(null);
        } else if (status >= 500 && attempt <= retries) {
            retryLater(body, attempt, result);
        } else {
            result.completeExceptionally(new GripPublishException(publishUri, status, r.body(), attempt, null));
        }
    }

    private void onError(byte[] body, int attempt, CompletableFuture<Void> result, Throwable error) {
        if (error instanceof IOException && attempt <= retries) {
            retryLater(body, attempt, result);
        } else {
            result.completeExceptionally(new GripPublishException(publishUri, GripPublishException.NO_STATUS, "",
                    attempt, error));
        }
    }

    private void retryLater(byte[] body, int attempt, CompletableFuture<Void> result) {
        long delay = backoffMillis(attempt);
        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(() -> attempt(body, attempt + 1, result));
    }

    /** The wait after failed attempt number {@code attempt} (1-based): initial * 2^(n-1), capped. */
    long backoffMillis(int attempt) {
        long max = MAX_BACKOFF.toMillis();
        long delay = initialBackoff.toMillis();
        for (int i = 1; i < attempt && delay < max; i++) {
            delay *= 2;
        }
        return Math.min(delay, max);
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Builds a {@link GripPublisher}. Credentials set here ({@link #bearer}, {@link #jwt},
     * {@link #basic}, {@link #auth}) win over any found in the URL, whatever the call order; among
     * themselves, the last one set wins.
     */
    public static final class Builder {

        private String url;
        private PublishAuth auth;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int retries = DEFAULT_RETRIES;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private HttpClient client;

        private Builder() {
        }

        /**
         * The endpoint, as a GRIP_URL: {@code http(s)://[user:pass@]host[:port][/base][?iss=..&key=..]}
         * (see {@link GripUrl}); {@code /publish/} is appended to the base.
         */
        public Builder url(String gripUrl) {
            GripUrl.parse(gripUrl); // fail here, at the call that gave the bad value
            this.url = gripUrl;
            return this;
        }

        /** Sends {@code Authorization: Bearer <token>}. */
        public Builder bearer(String token) {
            return auth(PublishAuth.bearer(token));
        }

        /**
         * Signs a JWT ({@code iss} + 10-minute {@code exp}) for every request; {@code key} is a key
         * spec as in {@link GripKey#parse}: a plain secret, {@code base64:...} or {@code file:...}.
         */
        public Builder jwt(String issuer, String key) {
            Objects.requireNonNull(key, "key");
            return jwt(issuer, GripKey.parse(key, null));
        }

        /** Signs a JWT ({@code iss} + 10-minute {@code exp}) with {@code key} for every request. */
        public Builder jwt(String issuer, GripKey key) {
            return auth(PublishAuth.jwt(issuer, key));
        }

        /** Sends HTTP Basic credentials. */
        public Builder basic(String user, String password) {
            return auth(PublishAuth.basic(user, password));
        }

        /** Sets the authentication; {@link PublishAuth#none()} sends none even if the URL has some. */
        public Builder auth(PublishAuth auth) {
            this.auth = Objects.requireNonNull(auth, "auth");
            return this;
        }

        /** Per-attempt limit for connecting and for the response; default {@link #DEFAULT_TIMEOUT}. */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Retries after a connection failure or a 5xx: at most {@code retries} more attempts, the
         * first after {@code initialBackoff}, each later one after twice the previous wait (capped at
         * {@link #MAX_BACKOFF}). {@code retries(0, ...)} turns retrying off.
         */
        public Builder retries(int retries, Duration initialBackoff) {
            if (retries < 0) {
                throw new IllegalArgumentException("retries: " + retries + " (expected: >= 0)");
            }
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            if (initialBackoff.isNegative()) {
                throw new IllegalArgumentException("initialBackoff: " + initialBackoff + " (expected: >= 0)");
            }
            this.retries = retries;
            this.initialBackoff = initialBackoff;
            return this;
        }

        /**
         * Uses this client (for a proxy, TLS settings or an executor of your own). The publisher does
         * not close it. By default a private HTTP/1.1 client with the connect timeout is created.
         */
        public Builder httpClient(HttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * @throws IllegalStateException if no URL was set
         */
        public GripPublisher build() {
            if (url == null) {
                throw new IllegalStateException("url: not set (expected: a GRIP_URL such as " + DEFAULT_GRIP_URL + ")");
            }
            return new GripPublisher(this, GripUrl.parse(url));
        }
    }
}
