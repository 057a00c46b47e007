package io.holdfast.server.mqtt;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Wildcard subscriptions of one event loop, as a tree of topic levels: matching a published topic
 * walks one path per level (plus the {@code +} and {@code #} branches), so its cost grows with the
 * topic's depth and the matches, not with the number of subscriptions (a scan of every filter per
 * publish was the alternative; it is what the issue rules out). Not thread-safe: one loop owns it.
 *
 * @param <S> the subscriber type; each (filter, subscriber) pair holds a value, the granted QoS
 */
final class TopicTrie<S> {
    private final Node<S> root = new Node<>();
    private int size;

    private static final class Node<S> {
        final Map<String, Node<S>> children = new HashMap<>(4);
        final Map<S, Integer> subscribers = new HashMap<>(2);

        boolean isEmpty() {
            return children.isEmpty() && subscribers.isEmpty();
        }
    }

    /** Adds or replaces {@code subscriber}'s grant on {@code filter} (already validated). */
    void add(String filter, S subscriber, int qos) {
        Node<S> node = root;
        for (String level : filter.split("/", -1)) {
            node = node.children.computeIfAbsent(level, l -> new Node<>());
        }
        if (node.subscribers.put(subscriber, qos) == null) {
            size++;
        }
    }

    /** Removes the pair; prunes nodes left empty. Returns whether it was there. */
    boolean remove(String filter, S subscriber) {
        return remove(root, filter.split("/", -1), 0, subscriber);
    }

    private boolean remove(Node<S> node, String[] levels, int i, S subscriber) {
        if (i == levels.length) {
            if (node.subscribers.remove(subscriber) != null) {
                size--;
                return true;
            }
            return false;
        }
        Node<S> child = node.children.get(levels[i]);
        if (child == null || !remove(child, levels, i + 1, subscriber)) {
            return false;
        }
        if (child.isEmpty()) {
            node.children.remove(levels[i]);
        }
        return true;
    }

    /** The number of (filter, subscriber) pairs. */
    int size() {
        return size;
    }

    /**
     * Calls {@code onMatch} for every (subscriber, qos) whose filter matches {@code topic}; a
     * subscriber with several matching filters is called once per filter (MQTT 5 §3.3.4 allows one
     * copy per matching subscription).
     */
    void match(String topic, BiConsumer<S, Integer> onMatch) {
        String[] levels = topic.split("/", -1);
        match(root, levels, 0, topic.startsWith("$"), onMatch);
    }

    private void match(Node<S> node, String[] levels, int i, boolean system, BiConsumer<S, Integer> onMatch) {
        boolean wildcardsAllowed = !(system && i == 0); // §4.7.2: '$' topics escape leading wildcards
        if (wildcardsAllowed) {
            Node<S> hash = node.children.get("#");
            if (hash != null) {
                hash.subscribers.forEach(onMatch); // '#' matches the parent level and everything below
            }
        }
        if (i == levels.length) {
            node.subscribers.forEach(onMatch);
            return;
        }
        Node<S> exact = node.children.get(levels[i]);
        if (exact != null) {
            match(exact, levels, i + 1, system, onMatch);
        }
        if (wildcardsAllowed) {
            Node<S> plus = node.children.get("+");
            if (plus != null) {
                match(plus, levels, i + 1, system, onMatch);
            }
        }
    }
}
