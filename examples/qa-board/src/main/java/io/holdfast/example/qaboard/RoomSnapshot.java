package io.holdfast.example.qaboard;

import java.util.List;

/**
 * An immutable copy of a room at one version: what is broadcast to the room's channel and sent to a
 * socket that joins. Questions are in display order (open by votes, then answered).
 *
 * @param id        the room id
 * @param epoch     random per room instance, so a page can tell a restarted origin's room from the old one
 * @param version   bumped by every change; pages ignore a snapshot older than the one they show
 * @param title     the room's name
 * @param theme     its colour theme
 * @param online    people with a live connection
 * @param creator   the creator's display name
 * @param questions the questions in display order
 */
public record RoomSnapshot(String id, String epoch, long version, String title, Theme theme, int online,
                           String creator, List<QuestionView> questions) {

    public RoomSnapshot {
        questions = List.copyOf(questions);
    }

    /**
     * One question as the page shows it.
     *
     * @param authorId   the author's public member id, so a page can mark its own questions
     * @param votes      votes, the author's included
     * @param answer     the host's written answer, possibly empty
     * @param answeredAt millis, 0 while open
     */
    public record QuestionView(String id, String text, String authorId, String author, long createdAt, int votes,
                               boolean answered, String answer, long answeredAt) {
    }
}
