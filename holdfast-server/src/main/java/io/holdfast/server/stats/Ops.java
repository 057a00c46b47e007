package io.holdfast.server.stats;

import io.holdfast.server.pubsub.PubSub;
import io.netty.channel.EventLoop;

/**
 * The operations side of one server, wired once by {@code HoldfastServer}: metrics, health, the
 * admin API and the dashboard feed, which {@link OpsHandler} serves on the publish port and
 * {@link MetricsServer} on Pushpin's {@code prometheus_port}.
 */
public final class Ops {
    private final Metrics metrics;
    private final Health health;
    private final AdminApi admin;
    private final DashboardFeed dashboard;

    /** @param feedLoop the publish API's loop, where the dashboard feed runs */
    public Ops(Metrics metrics, Health health, PubSub pubsub, EventLoop feedLoop) {
        this.metrics = metrics;
        this.health = health;
        this.admin = new AdminApi(pubsub);
        this.dashboard = new DashboardFeed(metrics, admin, feedLoop);
    }

    public Metrics metrics() { return metrics; }
    public Health health() { return health; }
    AdminApi admin() { return admin; }
    public DashboardFeed dashboard() { return dashboard; }
}
