package io.holdfast.example.qaboard;

/**
 * Sends a room's current state to everyone in it. The state is taken when the message is built, not
 * when it is asked for, so a late message is never older than the room was when it was sent.
 */
interface RoomPublisher {

    /** Publishes the room's state to its channel now. */
    void publish(Room room);

    /**
     * Publishes the room's state shortly. Used after a join: the joining socket is subscribed only
     * once Holdfast has read this response, and a change that lands in between would otherwise pass
     * it by; a full state a moment later brings it up to date.
     */
    void publishSoon(Room room);
}
