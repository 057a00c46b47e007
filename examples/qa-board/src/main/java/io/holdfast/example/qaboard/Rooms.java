package io.holdfast.example.qaboard;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Every room of the board, in memory. The first person to open a room creates it and becomes its
 * creator; the number of rooms is capped so a stream of made-up room names cannot fill the heap.
 */
public final class Rooms {

    public static final int DEFAULT_MAX_ROOMS = 10_000;

    private final ConcurrentMap<String, Room> rooms = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int maxRooms;

    public Rooms(Clock clock) {
        this(clock, DEFAULT_MAX_ROOMS);
    }

    public Rooms(Clock clock, int maxRooms) {
        if (maxRooms <= 0) {
            throw new IllegalArgumentException("maxRooms: " + maxRooms + " (expected: > 0)");
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxRooms = maxRooms;
    }

    /**
     * The room for what someone typed in the room field, created with {@code userId} as creator and
     * the typed text as title when it does not exist yet.
     */
    public Room open(String typedRoom, String userId) {
        String id = Texts.roomId(typedRoom);
        Room existing = rooms.get(id);
        if (existing != null) {
            return existing;
        }
        if (rooms.size() >= maxRooms) {
            throw new BoardException("The board is full: no new rooms can be opened right now.");
        }
        return rooms.computeIfAbsent(id, k -> new Room(k, titleOf(typedRoom, k), userId, clock));
    }

    public Optional<Room> find(String roomId) {
        return roomId == null ? Optional.empty() : Optional.ofNullable(rooms.get(roomId));
    }

    public int size() {
        return rooms.size();
    }

    /** The typed room name as the first title, cut to the title limit ("Keynote Q&A", not "keynote-q-a"). */
    private static String titleOf(String typed, String id) {
        String t = Texts.truncate(Texts.clean(typed), Room.MAX_TITLE_LENGTH);
        return t.isEmpty() ? id : t;
    }
}
