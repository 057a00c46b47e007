package io.holdfast.server.proxy;

import io.holdfast.server.config.HoldfastConfig;
import io.holdfast.server.route.LiveRoutes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shared services every client connection uses, wired once by the server: configuration,
 * routes, origin connections, request signing, local targets and the GRIP hand-off. Immutable
 * apart from the set of open connections, which shutdown walks to drain them.
 */
public final class ProxyContext {
    private final HoldfastConfig config;
    private final LiveRoutes routes;
    private final OriginConnector connector;
    private final GripSigner signer;
    private final OriginRequestFactory requestFactory;
    private final LocalTarget testTarget;
    private final GripHandoff gripHandoff;
    private WebSocketStarter webSockets;
    private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();
    private io.holdfast.server.stats.Counters counters = new io.holdfast.server.stats.Counters();

    public ProxyContext(HoldfastConfig config, LiveRoutes routes, OriginConnector connector, GripSigner signer,
                        LocalTarget testTarget, GripHandoff gripHandoff) {
        this.config = config;
        this.routes = routes;
        this.connector = connector;
        this.signer = signer;
        this.requestFactory = new OriginRequestFactory(config, signer);
        this.testTarget = testTarget;
        this.gripHandoff = gripHandoff;
    }

    public HoldfastConfig config() { return config; }
    public LiveRoutes routes() { return routes; }
    public OriginConnector connector() { return connector; }
    public GripSigner signer() { return signer; }
    public OriginRequestFactory requestFactory() { return requestFactory; }
    public LocalTarget testTarget() { return testTarget; }
    public GripHandoff gripHandoff() { return gripHandoff; }
    public WebSocketStarter webSockets() { return webSockets; }

    /** Set once while wiring: the WebSocket sessions need this context themselves. */
    public void webSockets(WebSocketStarter starter) { this.webSockets = starter; }

    /** Metrics sink; set once while wiring (a fresh one otherwise, so tests need not). */
    public io.holdfast.server.stats.Counters counters() { return counters; }
    public void counters(io.holdfast.server.stats.Counters c) { this.counters = c; }

    /** Open client connections; shutdown drains each. */
    public Set<ClientConnection> connections() { return connections; }
}
