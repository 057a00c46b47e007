package io.holdfast.example.qaboard;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One Q&amp;A room: its title, colour theme, members, who is online, and its questions with their votes
 * and answers. A room is one GRIP channel: every change is published to it as a whole {@link RoomSnapshot}.
 *
 * <p>Thread-safe: the origin's HTTP threads apply commands from many sockets at once, so every method
 * holds the room's lock, and each change bumps {@link RoomSnapshot#version()}. Pages keep the highest
 * version they have seen, which makes full-state broadcasts safe to deliver out of order.
 *
 * <p>Hosts (the room's creator, or anyone who joined with "join as host") answer and delete
 * questions, rename the room and change its theme; everyone else asks, upvotes and renames themself.
 * Every question starts with one vote, its author's, which cannot be taken back.
 */
public final class Room {

    public static final int MAX_QUESTIONS = 200;
    public static final int MAX_QUESTION_LENGTH = 280;
    public static final int MAX_ANSWER_LENGTH = 500;
    public static final int MAX_TITLE_LENGTH = 60;
    public static final int MAX_NAME_LENGTH = 40;
    public static final int MAX_MEMBERS = 5_000;

    /**
     * A connection not heard from for this long no longer counts as online. Holdfast sends an empty
     * keep-alive request at least every 20 s (the origin asks for it), so a live socket refreshes well
     * within it; a socket lost without a DISCONNECT (Holdfast restarted) drops out after it.
     */
    public static final Duration PRESENCE_TIMEOUT = Duration.ofSeconds(70);

    /** Who is acting: a member's user id, and whether they joined as host. */
    public record Actor(String userId, boolean joinedAsHost) {
        public Actor {
            Objects.requireNonNull(userId, "userId");
        }
    }

    /** A member of the room: a short public id ({@code m3}), the private user id, and a display name. */
    public record Member(String id, String userId, String name) {
    }

    private static final class Question {
        final String id;
        final String authorUserId;
        final String text;
        final long createdAt;
        final Set<String> voters = new LinkedHashSet<>();
        boolean answered;
        String answer = "";
        long answeredAt;

        Question(String id, String authorUserId, String text, long createdAt) {
            this.id = id;
            this.authorUserId = authorUserId;
            this.text = text;
            this.createdAt = createdAt;
            voters.add(authorUserId);
        }
    }

    private record Presence(String userId, long lastSeen) {
    }

    /** Open questions: most votes first, then the oldest first. */
    private static final Comparator<Question> OPEN_ORDER = Comparator.<Question>comparingInt(q -> q.voters.size())
            .reversed()
            .thenComparingLong(q -> q.createdAt)
            .thenComparing(q -> q.id);

    /** Answered questions: the latest answer first. */
    private static final Comparator<Question> ANSWERED_ORDER = Comparator.<Question>comparingLong(q -> q.answeredAt)
            .reversed()
            .thenComparing(q -> q.id);

    private final String id;
    private final String epoch;
    private final String creatorUserId;
    private final Clock clock;
    private final Map<String, Member> membersByUser = new LinkedHashMap<>();
    private final Map<String, Question> questions = new LinkedHashMap<>();
    private final Map<String, Presence> presenceByConnection = new HashMap<>();
    private String title;
    private Theme theme = Theme.DEFAULT;
    private long version;
    private int nextQuestion = 1;
    private int nextMember = 1;

    /**
     * @param id            the room id (a slug; also the channel name)
     * @param title         the title shown on the page
     * @param creatorUserId the user who opened the room; always a host here
     * @param clock         time for question stamps and presence
     */
    public Room(String id, String title, String creatorUserId, Clock clock) {
        this.id = Objects.requireNonNull(id, "id");
        this.title = Texts.line(title, "the room name", MAX_TITLE_LENGTH);
        this.creatorUserId = Objects.requireNonNull(creatorUserId, "creatorUserId");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.epoch = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    }

    public String id() {
        return id;
    }

    /** Random per room instance: a restarted origin's room of the same id has another. */
    public String epoch() {
        return epoch;
    }

    /** The GRIP channel of this room. */
    public String channel() {
        return channelOf(id);
    }

    /** The GRIP channel of the room with this id. */
    public static String channelOf(String roomId) {
        return "qa-board:" + roomId;
    }

    /**
     * Adds or updates a member and marks {@code connectionId} online for them.
     *
     * @return the member, with their (possibly new) name
     * @throws BoardException if the name is empty or too long, or the room is full
     */
    public synchronized Member join(String userId, String name, String connectionId) {
        String clean = Texts.line(name, "your name", MAX_NAME_LENGTH);
        Member m = membersByUser.get(userId);
        if (m == null) {
            if (membersByUser.size() >= MAX_MEMBERS) {
                throw new BoardException("This room is full (" + MAX_MEMBERS + " people).");
            }
            m = new Member("m" + nextMember++, userId, clean);
        } else {
            m = new Member(m.id(), userId, clean);
        }
        membersByUser.put(userId, m);
        presenceByConnection.put(connectionId, new Presence(userId, clock.millis()));
        version++;
        return m;
    }

    /**
     * Marks a connection gone.
     *
     * @return whether it was online here
     */
    public synchronized boolean leave(String connectionId) {
        if (presenceByConnection.remove(connectionId) == null) {
            return false;
        }
        version++;
        return true;
    }

    /** Notes that a connection is still there (any request from it, keep-alives included). */
    public synchronized void touch(String connectionId, String userId) {
        if (membersByUser.containsKey(userId)) {
            presenceByConnection.put(connectionId, new Presence(userId, clock.millis()));
        }
    }

    public synchronized Optional<Member> member(String userId) {
        return Optional.ofNullable(membersByUser.get(userId));
    }

    /** Whether the actor may moderate: the creator, or anyone who joined as host. */
    public synchronized boolean isHost(Actor actor) {
        return actor.joinedAsHost() || actor.userId().equals(creatorUserId);
    }

    /**
     * Posts a question with one vote, its author's.
     *
     * @return the new question's id
     */
    public synchronized String ask(String userId, String text) {
        requireMember(userId);
        String clean = Texts.paragraph(text, "your question", MAX_QUESTION_LENGTH);
        if (questions.size() >= MAX_QUESTIONS) {
            throw new BoardException("This room has " + MAX_QUESTIONS + " questions; a host can delete some to make room.");
        }
        String qid = "q" + nextQuestion++;
        questions.put(qid, new Question(qid, userId, clean, clock.millis()));
        version++;
        return qid;
    }

    /**
     * Adds the user's vote to a question, or takes it back if they had voted. The author's own vote
     * stays.
     *
     * @return whether the user now votes for it
     */
    public synchronized boolean upvote(String userId, String questionId) {
        requireMember(userId);
        Question q = requireQuestion(questionId);
        if (q.authorUserId.equals(userId)) {
            throw new BoardException("That is your question: it already has your vote.");
        }
        if (q.answered) {
            throw new BoardException("That question has been answered.");
        }
        boolean voted = q.voters.add(userId);
        if (!voted) {
            q.voters.remove(userId);
        }
        version++;
        return voted;
    }

    /** Marks a question answered, with an optional written answer (a second call edits it). */
    public synchronized void answer(Actor actor, String questionId, String answerText) {
        requireHost(actor, "answer questions");
        Question q = requireQuestion(questionId);
        q.answer = Texts.optionalParagraph(answerText, "the answer", MAX_ANSWER_LENGTH);
        if (!q.answered) {
            q.answered = true;
            q.answeredAt = clock.millis();
        }
        version++;
    }

    /** Moves an answered question back to the open list. */
    public synchronized void reopen(Actor actor, String questionId) {
        requireHost(actor, "reopen questions");
        Question q = requireQuestion(questionId);
        q.answered = false;
        q.answer = "";
        q.answeredAt = 0;
        version++;
    }

    public synchronized void delete(Actor actor, String questionId) {
        requireHost(actor, "delete questions");
        requireQuestion(questionId);
        questions.remove(questionId);
        version++;
    }

    public synchronized void rename(Actor actor, String newTitle) {
        requireHost(actor, "rename the room");
        title = Texts.line(newTitle, "the room name", MAX_TITLE_LENGTH);
        version++;
    }

    public synchronized void setTheme(Actor actor, Theme newTheme) {
        requireHost(actor, "change the theme");
        theme = Objects.requireNonNull(newTheme, "newTheme");
        version++;
    }

    /** Changes a member's display name; their questions show the new name. */
    public synchronized Member setName(String userId, String name) {
        Member m = requireMember(userId);
        Member renamed = new Member(m.id(), userId, Texts.line(name, "your name", MAX_NAME_LENGTH));
        membersByUser.put(userId, renamed);
        version++;
        return renamed;
    }

    /** The questions this user has voted for, their own included. */
    public synchronized List<String> votedBy(String userId) {
        List<String> out = new ArrayList<>();
        for (Question q : questions.values()) {
            if (q.voters.contains(userId)) {
                out.add(q.id);
            }
        }
        return out;
    }

    /** The room as everyone sees it: open questions by votes, then answered ones, newest answer first. */
    public synchronized RoomSnapshot snapshot() {
        long now = clock.millis();
        long staleBefore = now - PRESENCE_TIMEOUT.toMillis();
        Set<String> online = new HashSet<>();
        for (Iterator<Presence> it = presenceByConnection.values().iterator(); it.hasNext(); ) {
            Presence p = it.next();
            if (p.lastSeen() < staleBefore) {
                it.remove();
            } else {
                online.add(p.userId());
            }
        }
        List<Question> open = new ArrayList<>();
        List<Question> answered = new ArrayList<>();
        for (Question q : questions.values()) {
            (q.answered ? answered : open).add(q);
        }
        open.sort(OPEN_ORDER);
        answered.sort(ANSWERED_ORDER);
        List<RoomSnapshot.QuestionView> views = new ArrayList<>(questions.size());
        for (Question q : open) {
            views.add(view(q));
        }
        for (Question q : answered) {
            views.add(view(q));
        }
        Member creator = membersByUser.get(creatorUserId);
        return new RoomSnapshot(id, epoch, version, title, theme, online.size(),
                creator == null ? "" : creator.name(), views);
    }

    private RoomSnapshot.QuestionView view(Question q) {
        Member author = membersByUser.get(q.authorUserId);
        return new RoomSnapshot.QuestionView(q.id, q.text, author == null ? "" : author.id(),
                author == null ? "Someone" : author.name(), q.createdAt, q.voters.size(), q.answered, q.answer,
                q.answeredAt);
    }

    private Member requireMember(String userId) {
        Member m = membersByUser.get(userId);
        if (m == null) {
            throw new BoardException("Join the room first.");
        }
        return m;
    }

    private Question requireQuestion(String questionId) {
        Question q = questionId == null ? null : questions.get(questionId);
        if (q == null) {
            throw new BoardException("That question is no longer on the board.");
        }
        return q;
    }

    private void requireHost(Actor actor, String what) {
        if (!isHost(actor)) {
            throw new BoardException("Only hosts can " + what + ".");
        }
    }
}
