package io.holdfast.grip.instruct;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits GRIP header values into elements and parameters: {@code value; k=v; k2="quoted", value2}.
 *
 * <p>Follows Pushpin's header grammar (spec 1.3): elements are separated by commas outside quotes;
 * the first part of an element runs to the first {@code ;} and is taken literally; parameters are
 * {@code name=value} or {@code name="quoted"} with backslash escapes. Two deliberate differences: a
 * comma inside a leading {@code <uri>} does not split (so {@code Grip-Link} URIs may contain commas),
 * and an unterminated quote is an error rather than a silently dropped element.
 */
final class HeaderValues {

    /** One parameter; {@code value} is null for a bare {@code ; name}. */
    record Param(String name, String value) {
    }

    /**
     * One element: its leading value and its parameters. For {@code Grip-Set-Meta}, which is parsed
     * "all parameters", the leading value is empty and {@code key=value} is the first parameter.
     */
    record Element(String value, List<Param> params) {

        /** The first parameter with this name (case-insensitive), or null. */
        String param(String name) {
            for (Param p : params) {
                if (p.name().equalsIgnoreCase(name)) {
                    return p.value() == null ? "" : p.value();
                }
            }
            return null;
        }

        /** Every value of a repeatable parameter, in order. */
        List<String> paramValues(String name) {
            List<String> out = new ArrayList<>();
            for (Param p : params) {
                if (p.name().equalsIgnoreCase(name)) {
                    out.add(p.value() == null ? "" : p.value());
                }
            }
            return out;
        }
    }

    private HeaderValues() {
    }

    /**
     * Splits one header value at commas outside quotes and outside a leading {@code <...>}; elements
     * are trimmed and empty ones dropped.
     */
    static List<String> split(String header, String value) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int n = value.length();
        boolean inQuote = false;
        boolean inAngle = false;
        boolean atElementStart = true;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (inQuote) {
                if (c == '\\') {
                    i++; // the escaped character cannot end the quote
                } else if (c == '"') {
                    inQuote = false;
                }
            } else if (inAngle) {
                if (c == '>') {
                    inAngle = false;
                }
            } else if (c == '"') {
                inQuote = true;
                atElementStart = false;
            } else if (c == '<' && atElementStart) {
                inAngle = true;
                atElementStart = false;
            } else if (c == ',') {
                addTrimmed(out, value.substring(start, i));
                start = i + 1;
                atElementStart = true;
            } else if (!Character.isWhitespace(c)) {
                atElementStart = false;
            }
        }
        if (inQuote) {
            throw new GripInstructException(header, "unterminated quoted string in \"" + value + "\"");
        }
        addTrimmed(out, value.substring(start));
        return out;
    }

    private static void addTrimmed(List<String> out, String part) {
        String t = part.strip();
        if (!t.isEmpty()) {
            out.add(t);
        }
    }

    /**
     * Parses one element.
     *
     * @param allParams true to parse the leading part as a parameter too ({@code key=value})
     */
    static Element parse(String header, String element, boolean allParams) {
        String value = "";
        int pos = 0;
        int n = element.length();
        if (!allParams) {
            int semi = element.indexOf(';');
            if (semi < 0) {
                return new Element(element.strip(), List.of());
            }
            value = element.substring(0, semi).strip();
            pos = semi + 1;
        }
        List<Param> params = new ArrayList<>();
        while (pos < n) {
            int eq = indexOfAny(element, pos, '=', ';');
            if (eq < 0) {
                addParam(params, element.substring(pos).strip(), null);
                break;
            }
            String name = element.substring(pos, eq).strip();
            if (element.charAt(eq) == ';') {
                addParam(params, name, null);
                pos = eq + 1;
                continue;
            }
            int v = eq + 1;
            while (v < n && (element.charAt(v) == ' ' || element.charAt(v) == '\t')) {
                v++;
            }
            if (v < n && element.charAt(v) == '"') {
                StringBuilder sb = new StringBuilder();
                int i = v + 1;
                boolean closed = false;
                for (; i < n; i++) {
                    char c = element.charAt(i);
                    if (c == '\\') {
                        if (i + 1 >= n) {
                            break;
                        }
                        sb.append(element.charAt(++i));
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        sb.append(c);
                    }
                }
                if (!closed) {
                    throw new GripInstructException(header, "unterminated quoted string in \"" + element + "\"");
                }
                addParam(params, name, sb.toString());
                int semi = element.indexOf(';', i + 1);
                pos = semi < 0 ? n : semi + 1;
            } else {
                int semi = element.indexOf(';', v);
                int end = semi < 0 ? n : semi;
                addParam(params, name, element.substring(v, end).strip());
                pos = semi < 0 ? n : semi + 1;
            }
        }
        return new Element(value, List.copyOf(params));
    }

    private static void addParam(List<Param> params, String name, String value) {
        if (!name.isEmpty() || value != null) {
            params.add(new Param(name, value));
        }
    }

    private static int indexOfAny(String s, int from, char a, char b) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == a || c == b) {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code s} is an RFC 9110 token, so it can be written without quotes. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** {@code s} as a token if it is one, else as a quoted string with {@code \} escapes. */
    static String quoteIfNeeded(String s) {
        return isToken(s) ? s : quote(s);
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    /** Whether {@code s} has a character no header value may carry (CR, LF, NUL, other controls but tab). */
    static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return true;
            }
        }
        return false;
    }
}
