package io.holdfast.example.qaboard;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Cleans the text people type before it enters a room: trims, folds runs of whitespace (questions
 * keep their line breaks), removes control characters, and enforces a length in code points so an
 * emoji is never cut in half.
 */
final class Texts {

    /** Longest room id (the slug in the URL and the channel name). */
    static final int MAX_ROOM_ID_LENGTH = 40;

    private Texts() {
    }

    /**
     * A single-line value such as a name or a room title.
     *
     * @throws BoardException naming {@code what} when it is empty or longer than {@code max}
     */
    static String line(String raw, String what, int max) {
        return checked(clean(raw), what, max);
    }

    /** A single-line value cleaned but not checked: controls removed, whitespace folded, trimmed. */
    static String clean(String raw) {
        return raw == null ? "" : stripControls(raw, false).replaceAll("\\s+", " ").strip();
    }

    /** At most {@code max} code points of {@code s}. */
    static String truncate(String s, int max) {
        return s.codePointCount(0, s.length()) <= max ? s : s.substring(0, s.offsetByCodePoints(0, max)).strip();
    }

    /** A multi-line value such as a question: line breaks kept (at most two in a row). */
    static String paragraph(String raw, String what, int max) {
        String s = raw == null ? "" : stripControls(raw, true)
                .replaceAll("[\\t\\x0B\\f\\r ]+", " ")
                .replaceAll(" ?\\n ?", "\n")
                .replaceAll("\\n{3,}", "\n\n")
                .strip();
        return checked(s, what, max);
    }

    /** Like {@link #paragraph} but an empty value is allowed (an answer with no text). */
    static String optionalParagraph(String raw, String what, int max) {
        if (raw == null || raw.isBlank()) {
            return "";
        }
        return paragraph(raw, what, max);
    }

    /**
     * The room id for what someone typed in the room field: lower-case letters, digits and single
     * dashes ("Keynote Q&A" becomes "keynote-q-a"). Accents are folded so "Café" is "cafe".
     *
     * @throws BoardException when nothing usable is left
     */
    static String roomId(String raw) {
        String s = raw == null ? "" : Normalizer.normalize(raw, Normalizer.Form.NFKD)
                .replaceAll("\\p{M}+", "")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        if (s.length() > MAX_ROOM_ID_LENGTH) {
            s = s.substring(0, MAX_ROOM_ID_LENGTH).replaceAll("-+$", "");
        }
        if (s.isEmpty()) {
            throw new BoardException("Pick a room name with at least one letter or digit.");
        }
        return s;
    }

    private static String checked(String s, String what, int max) {
        if (s.isEmpty()) {
            throw new BoardException(capitalise(what) + " cannot be empty.");
        }
        int codePoints = s.codePointCount(0, s.length());
        if (codePoints > max) {
            throw new BoardException(capitalise(what) + " is too long (" + codePoints + " characters; at most " + max + ").");
        }
        return s;
    }

    private static String stripControls(String s, boolean keepNewlines) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (cp == '\n' && keepNewlines) {
                b.append('\n');
            } else if (cp == '\n' || cp == '\t' || cp == '\r') {
                b.append(' ');
            } else if (!Character.isISOControl(cp) && Character.getType(cp) != Character.FORMAT
                    || cp == 0x200D) { // keep the zero-width joiner inside emoji sequences
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
