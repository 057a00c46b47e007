package io.holdfast.example.qaboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The JSON the page and the origin exchange over the WebSocket.
 *
 * <p>Page to origin: {@code {"type": "join" | "ask" | "upvote" | "answer" | "reopen" | "delete" |
 * "rename-room" | "theme" | "set-name", ...}}. Origin to page: {@code state} (the whole room, to
 * everyone in it), {@code you} (this person's member id, name, host flag and votes, to this socket
 * only), {@code error} (a refusal, to this socket only) and {@code rejoin} (the origin no longer
 * knows the room, e.g. after a restart: join again).
 */
final class Messages {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Messages() {
    }

    /** A command from the page: a JSON object with a string {@code type}, if the text is one. */
    static Optional<JsonNode> parseCommand(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            return node != null && node.isObject() && node.path("type").isTextual() ? Optional.of(node) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    static String state(RoomSnapshot s) {
        ObjectNode room = MAPPER.createObjectNode()
                .put("id", s.id())
                .put("epoch", s.epoch())
                .put("version", s.version())
                .put("title", s.title())
                .put("theme", s.theme().wireName())
                .put("online", s.online())
                .put("creator", s.creator());
        ArrayNode qs = room.putArray("questions");
        for (RoomSnapshot.QuestionView q : s.questions()) {
            qs.addObject()
                    .put("id", q.id())
                    .put("text", q.text())
                    .put("authorId", q.authorId())
                    .put("author", q.author())
                    .put("createdAt", q.createdAt())
                    .put("votes", q.votes())
                    .put("answered", q.answered())
                    .put("answer", q.answer())
                    .put("answeredAt", q.answeredAt());
        }
        ObjectNode msg = MAPPER.createObjectNode().put("type", "state");
        msg.set("room", room);
        return write(msg);
    }

    /** This person in this room; {@code epoch} names the room instance the member id belongs to. */
    static String you(Room room, Room.Member member, boolean host, List<String> voted) {
        ObjectNode msg = MAPPER.createObjectNode()
                .put("type", "you")
                .put("epoch", room.epoch())
                .put("member", member.id())
                .put("user", member.userId())
                .put("name", member.name())
                .put("host", host);
        ArrayNode v = msg.putArray("voted");
        voted.forEach(v::add);
        return write(msg);
    }

    static String error(String message) {
        return write(MAPPER.createObjectNode().put("type", "error").put("message", message));
    }

    static String rejoin() {
        return write(MAPPER.createObjectNode().put("type", "rejoin"));
    }

    private static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
