package io.holdfast.example.qaboard;

import com.sun.net.httpserver.HttpServer;
import io.holdfast.grip.publisher.GripPublisher;
import io.holdfast.grip.sig.GripKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Q&amp;A board origin: the JDK's built-in HTTP server with two handlers, the page ({@code GET /})
 * and the WebSocket-over-HTTP endpoint ({@code POST /ws}), over rooms kept in memory.
 */
public final class QaBoardServer implements AutoCloseable {

    /** Request threads; WebSocket-over-HTTP requests are short, so a few go a long way. */
    static final int THREADS = 8;

    /** Requests waiting for a thread; past this the accepting thread runs them itself (backpressure). */
    static final int QUEUE = 1_000;

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final GripRoomPublisher roomPublisher;

    private QaBoardServer(HttpServer server, ThreadPoolExecutor executor, GripRoomPublisher roomPublisher) {
        this.server = server;
        this.executor = executor;
        this.roomPublisher = roomPublisher;
    }

    /**
     * Starts the origin.
     *
     * @param address   where to listen (port 0 picks a free one)
     * @param publisher where room changes are published (Holdfast's publish API)
     * @param sigKey    Holdfast's {@code sig_key} to verify {@code Grip-Sig} with, or null to trust every request
     */
    public static QaBoardServer start(InetSocketAddress address, GripPublisher publisher, GripKey sigKey)
            throws IOException {
        GripRoomPublisher roomPublisher = new GripRoomPublisher(publisher);
        Board board = new Board(new Rooms(Clock.systemUTC()), roomPublisher);
        HttpServer server = HttpServer.create(address, 128);
        server.createContext("/ws", new WsEndpoint(board, sigKey));
        server.createContext("/", new StaticFiles());
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), r -> {
                    Thread t = new Thread(r, "qa-board-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        server.setExecutor(executor);
        server.start();
        return new QaBoardServer(server, executor, roomPublisher);
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        roomPublisher.close();
    }
}
