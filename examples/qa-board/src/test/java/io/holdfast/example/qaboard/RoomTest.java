package io.holdfast.example.qaboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.example.qaboard.Room.Actor;
import io.holdfast.example.qaboard.RoomSnapshot.QuestionView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoomTest {

    private final MutableClock clock = new MutableClock();
    private Room room;

    @BeforeEach
    void openRoom() {
        room = new Room("keynote", "Keynote Q&A", "ada", clock);
        room.join("ada", "Ada", "c1");
        room.join("bob", "Bob", "c2");
        room.join("cy", "Cy", "c3");
    }

    @Test
    void aNewQuestionStartsWithItsAuthorsVote() {
        String q = room.ask("bob", "  Will the  slides be shared?  ");

        QuestionView view = room.snapshot().questions().get(0);
        assertThat(view.id()).isEqualTo(q);
        assertThat(view.text()).isEqualTo("Will the slides be shared?");
        assertThat(view.votes()).isEqualTo(1);
        assertThat(view.author()).isEqualTo("Bob");
        assertThat(room.votedBy("bob")).containsExactly(q);
    }

    @Test
    void openQuestionsAreOrderedByVotesThenAge() {
        String first = room.ask("ada", "first");
        clock.advance(Duration.ofSeconds(1));
        String second = room.ask("bob", "second");
        clock.advance(Duration.ofSeconds(1));
        String third = room.ask("cy", "third");
        assertThat(ids()).containsExactly(first, second, third);

        room.upvote("ada", third);
        assertThat(ids()).containsExactly(third, first, second);

        room.upvote("cy", second);
        room.upvote("ada", second);
        assertThat(ids()).containsExactly(second, third, first);
    }

    @Test
    void upvotingAgainTakesTheVoteBack() {
        String q = room.ask("bob", "question");

        assertThat(room.upvote("cy", q)).isTrue();
        assertThat(room.snapshot().questions().get(0).votes()).isEqualTo(2);
        assertThat(room.upvote("cy", q)).isFalse();
        assertThat(room.snapshot().questions().get(0).votes()).isEqualTo(1);
    }

    @Test
    void theAuthorCannotTakeBackTheirOwnVote() {
        String q = room.ask("bob", "question");

        assertThatThrownBy(() -> room.upvote("bob", q))
                .isInstanceOf(BoardException.class).hasMessageContaining("your question");
    }

    @Test
    void theCreatorAndJoinedHostsModerateOthersDoNot() {
        String q = room.ask("bob", "question");

        assertThat(room.isHost(new Actor("ada", false))).isTrue();
        assertThat(room.isHost(new Actor("cy", true))).isTrue();
        assertThatThrownBy(() -> room.delete(new Actor("bob", false), q))
                .isInstanceOf(BoardException.class).hasMessage("Only hosts can delete questions.");
        assertThatThrownBy(() -> room.rename(new Actor("bob", false), "Mine now"))
                .hasMessage("Only hosts can rename the room.");
        assertThatThrownBy(() -> room.setTheme(new Actor("bob", false), Theme.ROSE))
                .hasMessage("Only hosts can change the theme.");
        assertThatThrownBy(() -> room.answer(new Actor("bob", false), q, ""))
                .hasMessage("Only hosts can answer questions.");
    }

    @Test
    void answeredQuestionsFollowTheOpenOnesLatestAnswerFirst() {
        String a = room.ask("ada", "a");
        String b = room.ask("bob", "b");
        String c = room.ask("cy", "c");
        room.answer(new Actor("ada", false), a, "Yes, tomorrow.");
        clock.advance(Duration.ofSeconds(5));
        room.answer(new Actor("cy", true), b, "");

        assertThat(ids()).containsExactly(c, b, a);
        QuestionView answered = room.snapshot().questions().get(2);
        assertThat(answered.answered()).isTrue();
        assertThat(answered.answer()).isEqualTo("Yes, tomorrow.");
        assertThatThrownBy(() -> room.upvote("bob", a)).hasMessageContaining("answered");

        room.reopen(new Actor("ada", false), a);
        assertThat(room.snapshot().questions().get(0).answered()).isFalse();
    }

    @Test
    void aHostDeletesAQuestion() {
        String q = room.ask("bob", "spam");

        room.delete(new Actor("ada", false), q);

        assertThat(room.snapshot().questions()).isEmpty();
        assertThatThrownBy(() -> room.upvote("cy", q)).hasMessageContaining("no longer on the board");
    }

    @Test
    void hostsRenameTheRoomAndChangeItsTheme() {
        room.rename(new Actor("ada", false), "  Closing   keynote ");
        room.setTheme(new Actor("ada", false), Theme.TEAL);

        RoomSnapshot s = room.snapshot();
        assertThat(s.title()).isEqualTo("Closing keynote");
        assertThat(s.theme()).isEqualTo(Theme.TEAL);
        assertThat(s.creator()).isEqualTo("Ada");
    }

    @Test
    void aNewNameShowsOnTheAuthorsQuestions() {
        room.ask("bob", "question");

        room.setName("bob", "Robert");

        assertThat(room.snapshot().questions().get(0).author()).isEqualTo("Robert");
        assertThat(room.member("bob")).get().extracting(Room.Member::name).isEqualTo("Robert");
    }

    @Test
    void everyChangeBumpsTheVersion() {
        long v0 = room.snapshot().version();
        String q = room.ask("bob", "q");
        long v1 = room.snapshot().version();
        room.upvote("cy", q);
        long v2 = room.snapshot().version();
        room.touch("c1", "ada");
        long v3 = room.snapshot().version();

        assertThat(v1).isGreaterThan(v0);
        assertThat(v2).isGreaterThan(v1);
        assertThat(v3).as("a keep-alive is not a change").isEqualTo(v2);
    }

    @Test
    void refusesEmptyAndOverlongText() {
        assertThatThrownBy(() -> room.ask("bob", " \n ")).hasMessage("Your question cannot be empty.");
        assertThatThrownBy(() -> room.ask("bob", "x".repeat(Room.MAX_QUESTION_LENGTH + 1)))
                .hasMessageContaining("too long");
        assertThat(room.ask("bob", "😀".repeat(Room.MAX_QUESTION_LENGTH))).isNotNull();
        assertThatThrownBy(() -> room.setName("bob", "")).hasMessage("Your name cannot be empty.");
        assertThatThrownBy(() -> room.ask("stranger", "hi")).hasMessage("Join the room first.");
    }

    @Test
    void onlineCountsPeopleNotSocketsAndForgetsSilentOnes() {
        assertThat(room.snapshot().online()).isEqualTo(3);
        room.join("ada", "Ada", "c4"); // a second tab
        assertThat(room.snapshot().online()).isEqualTo(3);

        assertThat(room.leave("c2")).isTrue();
        assertThat(room.leave("c2")).isFalse();
        assertThat(room.snapshot().online()).isEqualTo(2);

        clock.advance(Room.PRESENCE_TIMEOUT.plusSeconds(1));
        room.touch("c1", "ada");
        assertThat(room.snapshot().online()).as("only ada's touched socket is fresh").isEqualTo(1);
    }

    @Test
    void concurrentVotesAreAllCounted() throws Exception {
        String q = room.ask("ada", "popular?");
        int voters = 200;
        for (int i = 0; i < voters; i++) {
            room.join("user" + i, "User " + i, "conn" + i);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < voters; i++) {
                String user = "user" + i;
                futures.add(pool.submit(() -> {
                    start.await();
                    room.upvote(user, q);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(room.snapshot().questions().get(0).votes()).isEqualTo(voters + 1);
    }

    private List<String> ids() {
        return room.snapshot().questions().stream().map(QuestionView::id).toList();
    }
}
