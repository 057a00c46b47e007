package io.holdfast.server.route;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one routes line into sections and props, and nothing more: it knows the quoting rules of
 * spec 5.3 but not what any prop means. Kept apart from {@link RoutesParser} so that the lexical
 * rules (easy to get subtly wrong) can be read and tested on their own.
 *
 * <p>The rules, as in Pushpin: sections are separated by unquoted whitespace, the elements of a
 * section by unquoted commas; the first element of a section is its value ({@code *}, a domain, a
 * target) unless it contains an unquoted {@code =}, in which case the value was omitted and the
 * element is already a prop; an unquoted {@code #} ends the line; any part of an element may be
 * double-quoted, and inside quotes {@code \\} and {@code \"} are the only escapes.
 */
final class RouteLineTokenizer {

    /** One whitespace-separated part of a line: a value and the props after it. */
    record Section(String value, List<Prop> props) {
    }

    /** {@code name} or {@code name=value}; a flag has {@code hasValue == false} and value "". */
    record Prop(String name, String value, boolean hasValue) {
    }

    private final String line;
    private final String sourceName;
    private final int lineNumber;
    private int pos;

    private RouteLineTokenizer(String line, String sourceName, int lineNumber) {
        this.line = line;
        this.sourceName = sourceName;
        this.lineNumber = lineNumber;
    }

    /** The sections of the line; empty for a blank or comment-only line. */
    static List<Section> tokenize(String line, String sourceName, int lineNumber)
            throws RouteSyntaxException {
        return new RouteLineTokenizer(line, sourceName, lineNumber).sections();
    }

    private List<Section> sections() throws RouteSyntaxException {
        List<Section> out = new ArrayList<>();
        while (true) {
            skipWhitespace();
            if (pos >= line.length() || line.charAt(pos) == '#') {
                return out;
            }
            out.add(section());
        }
    }

    /** Reads elements until one ends at whitespace, a comment or the end of the line. */
    private Section section() throws RouteSyntaxException {
        String value = null;
        List<Prop> props = new ArrayList<>();
        boolean first = true;
        while (true) {
            StringBuilder text = new StringBuilder();
            int eq = element(text);
            if (first && eq < 0) {
                value = text.toString();
            } else {
                if (first) {
                    value = ""; // "prop=..." where the value belongs: the value was omitted
                }
                props.add(prop(text, eq));
            }
            first = false;
            if (pos < line.length() && line.charAt(pos) == ',') {
                pos++;
                if (atElementEnd()) {
                    throw error("expected a prop after ','");
                }
                continue;
            }
            return new Section(value, props);
        }
    }

    private Prop prop(StringBuilder text, int eq) throws RouteSyntaxException {
        String name = eq < 0 ? text.toString() : text.substring(0, eq);
        if (name.isEmpty()) {
            throw error(text.length() == 0 ? "empty prop" : "prop \"" + text + "\" has no name");
        }
        return eq < 0 ? new Prop(name, "", false) : new Prop(name, text.substring(eq + 1), true);
    }

    /**
     * Decodes one element into {@code text}, stopping before an unquoted comma, whitespace or
     * {@code #}. Returns the index in {@code text} of the first unquoted {@code =}, or -1, so a
     * quoted '=' stays part of a name or value.
     */
    private int element(StringBuilder text) throws RouteSyntaxException {
        int eq = -1;
        while (pos < line.length()) {
            char c = line.charAt(pos);
            if (c == ',' || c == '#' || Character.isWhitespace(c)) {
                break;
            }
            if (c == '"') {
                quoted(text);
                continue;
            }
            if (c == '=' && eq < 0) {
                eq = text.length();
            }
            text.append(c);
            pos++;
        }
        return eq;
    }

    private void quoted(StringBuilder text) throws RouteSyntaxException {
        int open = pos++;
        while (pos < line.length()) {
            char c = line.charAt(pos++);
            if (c == '"') {
                return;
            }
            if (c == '\\') {
                if (pos >= line.length()) {
                    break;
                }
                char escaped = line.charAt(pos++);
                if (escaped != '\\' && escaped != '"') {
                    // Spec 5.3: only \\ and \" are escapes; Pushpin rejects anything else.
                    throw error("bad escape \\" + escaped + " in quoted text (expected: \\\\ or \\\")");
                }
                text.append(escaped);
            } else {
                text.append(c);
            }
        }
        throw error("unterminated quote starting at column " + (open + 1));
    }

    private boolean atElementEnd() {
        if (pos >= line.length()) {
            return true;
        }
        char c = line.charAt(pos);
        return c == ',' || c == '#' || Character.isWhitespace(c);
    }

    private void skipWhitespace() {
        while (pos < line.length() && Character.isWhitespace(line.charAt(pos))) {
            pos++;
        }
    }

    private RouteSyntaxException error(String reason) {
        return new RouteSyntaxException(sourceName, lineNumber, reason);
    }
}
