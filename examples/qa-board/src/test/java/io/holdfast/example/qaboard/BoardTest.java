package io.holdfast.example.qaboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BoardTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MutableClock clock = new MutableClock();
    private final Rooms rooms = new Rooms(clock);
    private final RecordingPublisher publisher = new RecordingPublisher();
    private final Board board = new Board(rooms, publisher);

    @Test
    void joiningSubscribesBindsMetaAndAnswersWithTheRoom() throws Exception {
        FakeConnection ada = new FakeConnection("c1");

        board.onMessage(ada, join("Keynote Q&A", "Ada", "user-ada-1", false));

        assertThat(ada.subscribed).containsExactly("qa-board:keynote-q-a");
        assertThat(ada.meta).containsEntry("room", "keynote-q-a").containsEntry("user", "user-ada-1")
                .doesNotContainKey("host");
        JsonNode you = ada.sent(0);
        assertThat(you.path("type").asText()).isEqualTo("you");
        assertThat(you.path("host").asBoolean()).as("the creator hosts").isTrue();
        JsonNode state = ada.sent(1);
        assertThat(state.path("type").asText()).isEqualTo("state");
        assertThat(state.path("room").path("title").asText()).isEqualTo("Keynote Q&A");
        assertThat(publisher.soon).containsExactly("keynote-q-a");
    }

    @Test
    void laterRequestsFindTheirSessionThroughMeta() throws Exception {
        FakeConnection ada = joined("c1", "Ada", "user-ada-1", false);
        // A new request on the same socket: Holdfast replays only the meta.
        FakeConnection sameSocket = ada.nextRequest();

        board.onMessage(sameSocket, "{\"type\":\"ask\",\"text\":\"Where are the slides?\"}");

        assertThat(sameSocket.sentMessages).isEmpty();
        assertThat(publisher.now).containsExactly("room");
        assertThat(rooms.find("room").orElseThrow().snapshot().questions()).hasSize(1);
    }

    @Test
    void upvotingAnswersTheVoterWithTheirVotes() throws Exception {
        FakeConnection ada = joined("c1", "Ada", "user-ada-1", false);
        FakeConnection bob = joined("c2", "Bob", "user-bob-1", false);
        board.onMessage(ada.nextRequest(), "{\"type\":\"ask\",\"text\":\"q\"}");

        FakeConnection bobNext = bob.nextRequest();
        board.onMessage(bobNext, "{\"type\":\"upvote\",\"id\":\"q1\"}");

        JsonNode you = bobNext.sent(0);
        assertThat(you.path("type").asText()).isEqualTo("you");
        assertThat(you.path("voted").toString()).isEqualTo("[\"q1\"]");
    }

    @Test
    void aGuestIsToldWhatTheyCannotDo() throws Exception {
        joined("c1", "Ada", "user-ada-1", false);
        FakeConnection bob = joined("c2", "Bob", "user-bob-1", false).nextRequest();

        board.onMessage(bob, "{\"type\":\"rename-room\",\"title\":\"Bob's room\"}");

        assertThat(bob.sent(0).path("type").asText()).isEqualTo("error");
        assertThat(bob.sent(0).path("message").asText()).isEqualTo("Only hosts can rename the room.");
        assertThat(publisher.now).isEmpty();
    }

    @Test
    void joiningAsHostLetsAGuestModerate() throws Exception {
        joined("c1", "Ada", "user-ada-1", false);
        FakeConnection cy = joined("c2", "Cy", "user-cy-1", true);
        assertThat(cy.meta).containsEntry("host", "1");
        FakeConnection next = cy.nextRequest();

        board.onMessage(next, "{\"type\":\"theme\",\"theme\":\"rose\"}");

        assertThat(next.sentMessages).isEmpty();
        assertThat(rooms.find("room").orElseThrow().snapshot().theme()).isEqualTo(Theme.ROSE);
    }

    @Test
    void aSocketWhoseRoomTheOriginForgotIsAskedToRejoin() throws Exception {
        FakeConnection stranger = new FakeConnection("c9");
        stranger.meta.put("room", "gone");
        stranger.meta.put("user", "user-x-12345");

        board.onMessage(stranger, "{\"type\":\"ask\",\"text\":\"hello?\"}");

        assertThat(stranger.sent(0).path("type").asText()).isEqualTo("rejoin");
    }

    @Test
    void garbageGetsAnErrorNotAnException() throws Exception {
        FakeConnection c = new FakeConnection("c1");

        board.onMessage(c, "not json");
        board.onMessage(c, "{\"type\":\"ask\",\"text\":\"hi\"}");

        assertThat(c.sent(0).path("type").asText()).isEqualTo("error");
        assertThat(c.sent(1).path("message").asText()).isEqualTo("Join a room first.");
    }

    @Test
    void switchingRoomsMovesTheSubscription() throws Exception {
        FakeConnection ada = joined("c1", "Ada", "user-ada-1", false).nextRequest();

        board.onMessage(ada, join("other", "Ada", "user-ada-1", false));

        assertThat(ada.unsubscribed).containsExactly("qa-board:room");
        assertThat(ada.subscribed).containsExactly("qa-board:other");
        assertThat(rooms.find("room").orElseThrow().snapshot().online()).isZero();
    }

    @Test
    void leavingPublishesTheNewHeadcount() throws Exception {
        FakeConnection ada = joined("c1", "Ada", "user-ada-1", false);
        publisher.now.clear();

        board.onGone(ada.nextRequest());

        assertThat(publisher.now).containsExactly("room");
        assertThat(rooms.find("room").orElseThrow().snapshot().online()).isZero();
    }

    private FakeConnection joined(String id, String name, String user, boolean host) {
        FakeConnection c = new FakeConnection(id);
        board.onMessage(c, join("room", name, user, host));
        return c;
    }

    private static String join(String room, String name, String user, boolean host) {
        return JSON.createObjectNode().put("type", "join").put("room", room).put("name", name).put("user", user)
                .put("host", host).toString();
    }

    private static final class RecordingPublisher implements RoomPublisher {
        final List<String> now = new ArrayList<>();
        final List<String> soon = new ArrayList<>();

        @Override
        public void publish(Room room) {
            now.add(room.id());
        }

        @Override
        public void publishSoon(Room room) {
            soon.add(room.id());
        }
    }

    private static final class FakeConnection implements Connection {
        final String id;
        final Map<String, String> meta = new HashMap<>();
        final List<String> sentMessages = new ArrayList<>();
        final List<String> subscribed = new ArrayList<>();
        final List<String> unsubscribed = new ArrayList<>();

        FakeConnection(String id) {
            this.id = id;
        }

        /** The same socket's next request: same id and meta, nothing sent yet. */
        FakeConnection nextRequest() {
            FakeConnection next = new FakeConnection(id);
            next.meta.putAll(meta);
            return next;
        }

        JsonNode sent(int i) throws Exception {
            return JSON.readTree(sentMessages.get(i));
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String meta(String name) {
            return meta.get(name);
        }

        @Override
        public void setMeta(String name, String value) {
            if (value == null) {
                meta.remove(name);
            } else {
                meta.put(name, value);
            }
        }

        @Override
        public void send(String text) {
            sentMessages.add(text);
        }

        @Override
        public void subscribe(String channel) {
            subscribed.add(channel);
        }

        @Override
        public void unsubscribe(String channel) {
            unsubscribed.add(channel);
        }
    }
}
