package io.holdfast.example.qaboard;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The board's rules, one WebSocket message at a time: turns the page's commands into room changes,
 * answers the sender directly, and publishes the room's new state to its channel.
 *
 * <p>Who a socket is lives in GRIP meta, not in this process: a join binds {@code room}, {@code user}
 * and {@code host}, and Holdfast replays them on every later request as {@code Meta-*} headers. So a
 * socket survives an origin restart; if the restarted origin no longer knows the room, the page is
 * told to {@code rejoin} and sends its join again.
 */
final class Board {

    static final String META_ROOM = "room";
    static final String META_USER = "user";
    static final String META_HOST = "host";

    /** A user id the page made up and keeps in localStorage: a UUID or anything alike. */
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_-]{8,64}");

    private final Rooms rooms;
    private final RoomPublisher publisher;

    Board(Rooms rooms, RoomPublisher publisher) {
        this.rooms = Objects.requireNonNull(rooms, "rooms");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
    }

    /** Every request from a joined socket, keep-alives included: it is still online. */
    void onRequest(Connection conn) {
        session(conn).ifPresent(s -> s.room.touch(conn.id(), s.userId));
    }

    /** A text message from the page. Refusals go back to the sender as {@code error} messages. */
    void onMessage(Connection conn, String text) {
        Optional<JsonNode> parsed = Messages.parseCommand(text);
        if (parsed.isEmpty()) {
            conn.send(Messages.error("The board did not understand that message."));
            return;
        }
        JsonNode cmd = parsed.get();
        String type = cmd.path("type").asText();
        try {
            if (type.equals("join")) {
                onJoin(conn, cmd);
                return;
            }
            Optional<Session> session = session(conn);
            if (session.isEmpty()) {
                conn.send(conn.meta(META_ROOM) == null ? Messages.error("Join a room first.") : Messages.rejoin());
                return;
            }
            Session s = session.get();
            Room room = s.room;
            switch (type) {
                case "ask" -> room.ask(s.userId, text(cmd, "text"));
                case "upvote" -> {
                    room.upvote(s.userId, text(cmd, "id"));
                    sendYou(conn, room, s);
                }
                case "answer" -> room.answer(s.actor(), text(cmd, "id"), text(cmd, "text"));
                case "reopen" -> room.reopen(s.actor(), text(cmd, "id"));
                case "delete" -> room.delete(s.actor(), text(cmd, "id"));
                case "rename-room" -> room.rename(s.actor(), text(cmd, "title"));
                case "theme" -> room.setTheme(s.actor(), Theme.fromWireName(text(cmd, "theme"))
                        .orElseThrow(() -> new BoardException("Unknown theme.")));
                case "set-name" -> {
                    room.setName(s.userId, text(cmd, "name"));
                    sendYou(conn, room, s);
                }
                default -> {
                    conn.send(Messages.error("Unknown command: " + Texts.truncate(Texts.clean(type), 40)));
                    return;
                }
            }
            publisher.publish(room);
        } catch (BoardException e) {
            conn.send(Messages.error(e.getMessage()));
        }
    }

    /** The client closed its socket or vanished: it is no longer online. */
    void onGone(Connection conn) {
        session(conn).ifPresent(s -> {
            if (s.room.leave(conn.id())) {
                publisher.publish(s.room);
            }
        });
    }

    private void onJoin(Connection conn, JsonNode cmd) {
        String userId = cmd.path("user").asText("");
        if (!USER_ID.matcher(userId).matches()) {
            userId = UUID.randomUUID().toString();
        }
        boolean joinedAsHost = cmd.path("host").asBoolean(false);
        String name = Texts.line(text(cmd, "name"), "your name", Room.MAX_NAME_LENGTH);
        Room room = rooms.open(text(cmd, "room"), userId);
        Room.Member member = room.join(userId, name, conn.id());

        String previous = conn.meta(META_ROOM);
        if (previous != null && !previous.equals(room.id())) {
            conn.unsubscribe(Room.channelOf(previous));
            rooms.find(previous).filter(r -> r.leave(conn.id())).ifPresent(publisher::publish);
        }
        conn.setMeta(META_ROOM, room.id());
        conn.setMeta(META_USER, userId);
        conn.setMeta(META_HOST, joinedAsHost ? "1" : null);
        conn.subscribe(room.channel());

        Session s = new Session(room, userId, joinedAsHost);
        conn.send(Messages.you(room, member, room.isHost(s.actor()), room.votedBy(userId)));
        conn.send(Messages.state(room.snapshot()));
        publisher.publishSoon(room);
    }

    private static void sendYou(Connection conn, Room room, Session s) {
        room.member(s.userId).ifPresent(m ->
                conn.send(Messages.you(room, m, room.isHost(s.actor()), room.votedBy(s.userId))));
    }

    /** The socket's room and user from its meta, when the room and its member still exist here. */
    private Optional<Session> session(Connection conn) {
        String userId = conn.meta(META_USER);
        if (userId == null) {
            return Optional.empty();
        }
        return rooms.find(conn.meta(META_ROOM))
                .filter(r -> r.member(userId).isPresent())
                .map(r -> new Session(r, userId, "1".equals(conn.meta(META_HOST))));
    }

    private static String text(JsonNode cmd, String field) {
        JsonNode v = cmd.path(field);
        return v.isTextual() ? v.asText() : "";
    }

    private record Session(Room room, String userId, boolean joinedAsHost) {
        Room.Actor actor() {
            return new Room.Actor(userId, joinedAsHost);
        }
    }
}
