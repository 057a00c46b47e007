package io.holdfast.server.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.RawWebSocket;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.CharsetUtil;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PassthroughWebSocketTest {
    private WsOrigin origin;
    private Holdfast holdfast;

    @AfterEach
    void stop() {
        if (holdfast != null) {
            holdfast.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    private Client connect(String path) {
        return Client.connect(URI.create("ws://127.0.0.1:" + holdfast.port() + path));
    }

    @Test
    void relaysMessagesBothWaysThroughATransparentPassthrough() throws Exception {
        origin = new WsOrigin(null);
        holdfast = Holdfast.start("* " + origin.target());
        Client client = connect("/echo");

        client.send("hello");
        assertThat(client.next()).isEqualTo("hello");
        // Without the grip extension prefixes mean nothing.
        client.send("m:not stripped");
        assertThat(client.next()).isEqualTo("m:not stripped");
        client.ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
        assertThat(client.next()).isEqualTo("binary:3");
    }

    @Test
    void gripModeStripsTheMessagePrefixAndDropsUnprefixedMessages() throws Exception {
        origin = new WsOrigin("grip");
        holdfast = Holdfast.start("* " + origin.target());
        Client client = connect("/echo");

        client.send("m:hello");
        assertThat(client.next()).isEqualTo("hello");
        client.send("no prefix");
        client.send("m:after");
        assertThat(client.next()).isEqualTo("after");
    }

    @Test
    void gripModeHonoursAnEmptyMessagePrefix() throws Exception {
        origin = new WsOrigin("grip; message-prefix=\"\"");
        holdfast = Holdfast.start("* " + origin.target());
        Client client = connect("/echo");

        client.send("m:kept");
        assertThat(client.next()).isEqualTo("m:kept");
    }

    @Test
    void subscribeControlMessageLetsPublishesReachTheClient() throws Exception {
        origin = new WsOrigin("grip");
        holdfast = Holdfast.start("* " + origin.target());
        Client client = connect("/echo");

        client.send("c:{\"type\":\"subscribe\",\"channel\":\"room\"}");
        client.send("m:subscribed"); // answered after the control message was applied
        assertThat(client.next()).isEqualTo("subscribed");

        holdfast.publish("{\"items\":[{\"channel\":\"room\",\"formats\":{\"ws-message\":{\"content\":\"pub\"}}}]}");
        assertThat(client.next()).isEqualTo("pub");
    }

    @Test
    void badControlMessageIsIgnored() throws Exception {
        origin = new WsOrigin("grip");
        holdfast = Holdfast.start("* " + origin.target());
        Client client = connect("/echo");

        client.send("c:{not json");
        client.send("m:still open");
        assertThat(client.next()).isEqualTo("still open");
    }

    @Test
    void originCloseReachesTheClientWithItsCodeAndReason() throws Exception {
        origin = new WsOrigin(null);
        holdfast = Holdfast.start("* " + origin.target());
        Client client = connect("/echo");

        client.send("close:4001:bye");
        assertThat(client.closed.get(5, TimeUnit.SECONDS)).isEqualTo("4001 bye");
    }

    @Test
    void lostOriginConnectionClosesTheClientWith1011() throws Exception {
        origin = new WsOrigin(null);
        holdfast = Holdfast.start("* " + origin.target());
        Client client = connect("/echo");

        client.send("drop");
        assertThat(client.closed.get(5, TimeUnit.SECONDS)).startsWith("1011");
    }

    @Test
    void detachClosesTheOriginSideButKeepsTheClientForPublishes() throws Exception {
        origin = new WsOrigin("grip");
        holdfast = Holdfast.start("* " + origin.target());
        Client client = connect("/echo");

        client.send("c:{\"type\":\"subscribe\",\"channel\":\"feed\"}");
        client.send("c:{\"type\":\"detach\"}");
        assertThat(origin.closes.poll(5, TimeUnit.SECONDS)).startsWith("1000");
        client.send("m:dropped after detach");

        holdfast.publish("{\"items\":[{\"channel\":\"feed\",\"formats\":{\"ws-message\":{\"content\":\"still here\"}}}]}");
        assertThat(client.next()).isEqualTo("still here");
        assertThat(client.closed).isNotDone();
    }

    @Test
    void clientCloseReachesTheOriginWithItsCodeAndReason() throws Exception {
        origin = new WsOrigin(null);
        holdfast = Holdfast.start("* " + origin.target());
        Client client = connect("/echo");

        client.ws.sendClose(4002, "done").join();
        assertThat(origin.closes.poll(5, TimeUnit.SECONDS)).isEqualTo("4002 done");
        assertThat(client.closed.get(5, TimeUnit.SECONDS)).isEqualTo("4002 done");
    }

    @Test
    void anInvalidClientCloseCodeGets1002AndNeverReachesTheOrigin() throws Exception {
        origin = new WsOrigin(null);
        holdfast = Holdfast.start("* " + origin.target());
        try (RawWebSocket raw = RawWebSocket.open(holdfast.port(), "/echo")) {
            raw.close(5000, "bye".getBytes(CharsetUtil.UTF_8));
            assertThat(raw.readCloseCode()).isEqualTo(1002);
        }
        // The client is gone as far as the origin can tell ("going away"), never "5000 bye".
        assertThat(origin.closes.poll(20, TimeUnit.SECONDS)).isEqualTo("1001 ");
    }

    @Test
    void aCloseFromTheClientWithoutACodeReachesTheOriginWithoutOne() throws Exception {
        origin = new WsOrigin(null);
        holdfast = Holdfast.start("* " + origin.target());
        try (RawWebSocket raw = RawWebSocket.open(holdfast.port(), "/echo")) {
            raw.frame(0x8, true, new byte[0]);
            assertThat(raw.readCloseCode()).isEqualTo(1005);
        }
        assertThat(origin.closes.poll(20, TimeUnit.SECONDS)).isEqualTo("-1 ");
    }

    @ParameterizedTest
    @ValueSource(ints = {999, 1005, 2000, 5000})
    void anInvalidOriginCloseCodeGets1002AndTheClient1011(int code) throws Exception {
        origin = new WsOrigin(null);
        holdfast = Holdfast.start("* " + origin.target());
        Client client = connect("/echo");

        client.send("rawclose:" + code);
        assertThat(client.closed.get(20, TimeUnit.SECONDS)).isEqualTo("1011 origin error");
        assertThat(origin.closes.poll(20, TimeUnit.SECONDS)).startsWith("1002 ");
    }

    @Test
    void anOriginCloseReasonThatIsNotUtf8Gets1007() throws Exception {
        origin = new WsOrigin(null);
        holdfast = Holdfast.start("* " + origin.target());
        Client client = connect("/echo");

        client.send("badreason");
        assertThat(client.closed.get(20, TimeUnit.SECONDS)).isEqualTo("1011 origin error");
        assertThat(origin.closes.poll(20, TimeUnit.SECONDS)).startsWith("1007 ");
    }

    private static final int MIB = 1024 * 1024;

    @Test
    void aOneMebibyteMessagePassesBothWaysByDefault() throws Exception {
        origin = new WsOrigin(null);
        holdfast = Holdfast.start("* " + origin.target());
        Client client = connect("/echo");

        String payload = "a".repeat(MIB);
        client.send(payload);
        assertThat(client.next()).isEqualTo(payload);
        client.send("big:" + MIB);
        assertThat(client.next()).hasSize(MIB);
        assertThat(client.closed).isNotDone();
    }

    @Test
    void anOriginMessageOverTheLimitClosesBothSidesWith1009() throws Exception {
        origin = new WsOrigin(null);
        holdfast = Holdfast.start(b -> b.webSocketMaxMessageSize(64 * 1024), "* " + origin.target());
        Client client = connect("/echo");

        client.send("big:" + (64 * 1024 + 1));
        assertThat(client.closed.get(20, TimeUnit.SECONDS)).isEqualTo("1009 origin message too large");
        assertThat(origin.closes.poll(20, TimeUnit.SECONDS)).startsWith("1009 ");
    }

    @Test
    void theLimitFollowsWebsocketMaxMessageSize() throws Exception {
        origin = new WsOrigin(null);
        holdfast = Holdfast.start(b -> b.webSocketMaxMessageSize(100_000), "* " + origin.target());
        Client client = connect("/echo");

        String payload = "c".repeat(100_000);
        client.send(payload);
        assertThat(client.next()).isEqualTo(payload);
        client.send("big:100001");
        assertThat(client.closed.get(20, TimeUnit.SECONDS)).isEqualTo("1009 origin message too large");
    }

    @Test
    void originReceivesGripSigAndTheGripExtensionOffer() throws Exception {
        origin = new WsOrigin("grip");
        holdfast = Holdfast.start("* " + origin.target());
        connect("/echo?x=1");

        HttpHeaders seen = origin.requests.poll(5, TimeUnit.SECONDS);
        assertThat(seen).isNotNull();
        assertThat(seen.get("Grip-Sig")).startsWith("ey");
        assertThat(seen.getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS)).containsExactly("grip");
        assertThat(origin.uris.poll(5, TimeUnit.SECONDS)).isEqualTo("/echo?x=1");
    }

    @Test
    void originRefusingTheHandshakeGivesTheClientItsStatus() throws Exception {
        origin = new WsOrigin(null);
        holdfast = Holdfast.start("* " + origin.target());

        assertThat(handshakeStatus("/forbidden")).isEqualTo(403);
    }

    @Test
    void noOriginListeningGives502() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        holdfast = Holdfast.start("* 127.0.0.1:" + dead);

        assertThat(handshakeStatus("/echo")).isEqualTo(502);
    }

    @Test
    void failsOverToTheNextTargetWhenTheFirstRefusesToConnect() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        origin = new WsOrigin(null);
        holdfast = Holdfast.start("* 127.0.0.1:" + dead + " " + origin.target());
        Client client = connect("/echo");

        client.send("hi");
        assertThat(client.next()).isEqualTo("hi");
    }

    @Test
    void gripExtensionParametersAreRead() {
        assertThat(GripMode.fromExtensions(List.of()).enabled()).isFalse();
        assertThat(GripMode.fromExtensions(List.of("permessage-deflate")).enabled()).isFalse();
        assertThat(GripMode.fromExtensions(List.of("grip")).messagePrefix()).isEqualTo("m:");
        GripMode quoted = GripMode.fromExtensions(List.of("foo; a=\"x,y\", grip; message-prefix=\"\""));
        assertThat(quoted.enabled()).isTrue();
        assertThat(quoted.messagePrefix()).isEmpty();
        assertThat(GripMode.fromExtensions(List.of("grip; message-prefix=msg:")).messagePrefix()).isEqualTo("msg:");
    }

    private int handshakeStatus(String path) {
        Throwable failure = catchThrowable(() -> Holdfast.CLIENT.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + holdfast.port() + path), new WebSocket.Listener() {})
                .get(10, TimeUnit.SECONDS));
        assertThat(failure).hasCauseInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) failure.getCause()).getResponse().statusCode();
    }

    /** A JDK WebSocket client that queues what it receives. */
    private static final class Client implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket ws;

        static Client connect(URI uri) {
            Client c = new Client();
            c.ws = Holdfast.CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20))
                    .buildAsync(uri, c).join();
            return c;
        }

        void send(String text) {
            ws.sendText(text, true).join();
        }

        String next() throws InterruptedException {
            String m = messages.poll(20, TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError("no message within 20 s");
            }
            return m;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            messages.add("binary:" + data.remaining());
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    /**
     * A passthrough WebSocket origin on Netty: echoes text and binary, closes on {@code close:CODE:REASON}, drops the
     * connection on {@code drop},
     * refuses {@code /forbidden} with 403, and records handshake requests and the close frames it gets.
     */
    private static final class WsOrigin implements AutoCloseable {
        final BlockingQueue<HttpHeaders> requests = new LinkedBlockingQueue<>();
        final BlockingQueue<String> uris = new LinkedBlockingQueue<>();
        final BlockingQueue<String> closes = new LinkedBlockingQueue<>();
        private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        private final Channel server;

        /** @param extensionAnswer the 101's {@code Sec-WebSocket-Extensions}, or null for a non-GRIP origin */
        WsOrigin(String extensionAnswer) throws InterruptedException {
            WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                    .websocketPath("/")
                    .checkStartsWith(true)
                    .handleCloseFrames(false)
                    .sendCloseFrame(null) // "drop" must drop the TCP connection without a close frame
                    .decoderConfig(io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig.newBuilder()
                            .maxFramePayloadLength(16 * 1024 * 1024).build())
                    .build();
            server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                    new ExtensionAnswer(extensionAnswer), new Gate(),
                                    new WebSocketServerProtocolHandler(config),
                                    new WebSocketFrameAggregator(16 * 1024 * 1024), new Echo());
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
        }

        String target() {
            return "127.0.0.1:" + ((java.net.InetSocketAddress) server.localAddress()).getPort();
        }

        @Override
        public void close() {
            server.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }

        /** Accepts the grip extension by naming it in the 101. */
        private static final class ExtensionAnswer extends ChannelOutboundHandlerAdapter {
            private final String answer;

            ExtensionAnswer(String answer) {
                this.answer = answer;
            }

            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                if (answer != null && msg instanceof HttpResponse r
                        && r.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                    r.headers().set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, answer);
                }
                ctx.write(msg, promise);
            }
        }

        /** Records each handshake request; refuses {@code /forbidden}. */
        private final class Gate extends SimpleChannelInboundHandler<FullHttpRequest> {
            Gate() {
                super(false);
            }

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                requests.add(req.headers().copy());
                uris.add(req.uri());
                if (req.uri().startsWith("/forbidden")) {
                    req.release();
                    DefaultFullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            HttpResponseStatus.FORBIDDEN, Unpooled.copiedBuffer("forbidden here", CharsetUtil.UTF_8));
                    res.headers().set(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
                    ctx.writeAndFlush(res);
                    return;
                }
                ctx.fireChannelRead(req);
            }
        }

        private final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
                if (frame instanceof TextWebSocketFrame text) {
                    String s = text.text();
                    if (s.equals("drop")) {
                        ctx.close();
                    } else if (s.startsWith("big:")) {
                        ctx.writeAndFlush(new TextWebSocketFrame("x".repeat(Integer.parseInt(s.substring(4)))));
                    } else if (s.startsWith("rawclose:")) {
                        // A close frame with any code, even one Netty would refuse to build; the connection
                        // stays open for Holdfast's answer.
                        int code = Integer.parseInt(s.substring(9));
                        ctx.writeAndFlush(new CloseWebSocketFrame(true, 0,
                                Unpooled.wrappedBuffer(new byte[] {(byte) (code >> 8), (byte) code, 'x'})));
                    } else if (s.equals("badreason")) {
                        ctx.writeAndFlush(new CloseWebSocketFrame(true, 0,
                                Unpooled.wrappedBuffer(new byte[] {3, (byte) 0xe8, (byte) 0xc3, 0x28})));
                    } else if (s.startsWith("close:")) {
                        String[] parts = s.split(":", 3);
                        ctx.writeAndFlush(new CloseWebSocketFrame(Integer.parseInt(parts[1]), parts[2]))
                                .addListener(ChannelFutureListener.CLOSE);
                    } else {
                        ctx.writeAndFlush(new TextWebSocketFrame(s));
                    }
                } else if (frame instanceof BinaryWebSocketFrame) {
                    ctx.writeAndFlush(new BinaryWebSocketFrame(frame.content().retain()));
                } else if (frame instanceof CloseWebSocketFrame close) {
                    closes.add(close.statusCode() + " " + close.reasonText());
                    ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), close.reasonText()))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            }
        }
    }
}
