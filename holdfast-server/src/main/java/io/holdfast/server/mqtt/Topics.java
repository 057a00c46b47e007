package io.holdfast.server.mqtt;

/**
 * MQTT topic names and topic filters (MQTT 3.1.1 §4.7, MQTT 5 §4.7): which strings are valid, and
 * whether a filter matches a name. The broker's hot path matches through {@link TopicTrie}; this
 * one-pair test serves the rarer walk over retained messages when a client subscribes.
 */
final class Topics {
    private Topics() {
    }

    /** A PUBLISH topic name: non-empty, no wildcards, no NUL (§4.7.1, §4.7.3). */
    static boolean isValidName(String topic) {
        if (topic == null || topic.isEmpty()) {
            return false;
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '+' || c == '#' || c == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * A SUBSCRIBE topic filter: non-empty; {@code #} only as the whole last level; {@code +} only as
     * a whole level (§4.7.1.2, §4.7.1.3).
     */
    static boolean isValidFilter(String filter) {
        if (filter == null || filter.isEmpty()) {
            return false;
        }
        int start = 0;
        while (true) {
            int slash = filter.indexOf('/', start);
            int end = slash < 0 ? filter.length() : slash;
            for (int i = start; i < end; i++) {
                char c = filter.charAt(i);
                if (c == 0 || ((c == '+' || c == '#') && end - start != 1)) {
                    return false;
                }
            }
            if (end - start == 1 && filter.charAt(start) == '#' && slash >= 0) {
                return false; // '#' must be last
            }
            if (slash < 0) {
                return true;
            }
            start = slash + 1;
        }
    }

    static boolean hasWildcard(String filter) {
        return filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0;
    }

    /**
     * Whether {@code filter} matches {@code topic}. A topic starting with {@code $} is not matched by
     * a filter starting with a wildcard (§4.7.2).
     */
    static boolean matches(String filter, String topic) {
        if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
            return false;
        }
        int f = 0;
        int t = 0;
        while (true) {
            int fEnd = filter.indexOf('/', f);
            fEnd = fEnd < 0 ? filter.length() : fEnd;
            String level = filter.substring(f, fEnd);
            if (level.equals("#")) {
                return true;
            }
            if (t > topic.length()) {
                return false; // the topic ran out of levels
            }
            int tEnd = topic.indexOf('/', t);
            tEnd = tEnd < 0 ? topic.length() : tEnd;
            if (!level.equals("+") && !level.equals(topic.substring(t, tEnd))) {
                return false;
            }
            boolean filterDone = fEnd == filter.length();
            boolean topicDone = tEnd == topic.length();
            if (filterDone || topicDone) {
                // "a/#" also matches "a" (§4.7.1.2): the filter's remaining level is a lone '#'.
                return filterDone && topicDone
                        || topicDone && filter.length() == fEnd + 2 && filter.endsWith("/#");
            }
            f = fEnd + 1;
            t = tEnd + 1;
        }
    }
}
