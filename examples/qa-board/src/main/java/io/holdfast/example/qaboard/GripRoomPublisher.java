package io.holdfast.example.qaboard;

import io.holdfast.grip.publisher.GripPublisher;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes room states to Holdfast's publish API as {@code ws-message} items, with the library's
 * {@link GripPublisher}. Publishing is asynchronous: the request thread answers its socket at once
 * and the publish completes (or is retried by the publisher) on its own.
 */
final class GripRoomPublisher implements RoomPublisher, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(GripRoomPublisher.class.getName());

    /** How long after a join its catch-up state goes out; long enough for Holdfast to act on the subscribe. */
    static final Duration SOON = Duration.ofMillis(300);

    private final GripPublisher publisher;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "qa-board-publish-timer");
        t.setDaemon(true);
        return t;
    });

    GripRoomPublisher(GripPublisher publisher) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
    }

    @Override
    public void publish(Room room) {
        String state = Messages.state(room.snapshot());
        publisher.publishWsMessage(room.channel(), state).whenComplete((ok, error) -> {
            if (error != null) {
                LOG.log(Level.WARNING, "publish to " + room.channel() + " failed: " + error.getMessage());
            }
        });
    }

    @Override
    public void publishSoon(Room room) {
        try {
            timer.schedule(() -> publish(room), SOON.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down: nobody is left to catch up.
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
