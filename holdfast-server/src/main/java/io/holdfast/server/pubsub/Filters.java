package io.holdfast.server.pubsub;

import io.holdfast.grip.publish.PublishItem;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Subscription filters (spec 1.6), run per delivery in the order the subscription lists them:
 * delivery filters ({@code skip-self}, {@code skip-users}, {@code require-sub}) decide whether a
 * subscriber gets an item, content filters ({@code build-id}, {@code var-subst}) rewrite its content
 * for that subscriber. A format's {@code content-filters} restricts delivery to subscriptions whose
 * content filters are exactly that list. Unknown filter names are ignored, as in Pushpin.
 */
public final class Filters {
    public static final String SKIP_SELF = "skip-self";
    public static final String SKIP_USERS = "skip-users";
    public static final String REQUIRE_SUB = "require-sub";
    public static final String BUILD_ID = "build-id";
    public static final String VAR_SUBST = "var-subst";
    private static final Set<String> CONTENT_FILTERS = Set.of(BUILD_ID, VAR_SUBST, "http-modify");

    /** Deliver the shared content unchanged. */
    public static final Outcome PASS = new Outcome(true, null, null);

    /** Whether to deliver, the rewritten content if a filter changed it, and why not when dropped. */
    public record Outcome(boolean deliver, byte[] content, String dropReason) {
        static Outcome drop(String reason) {
            return new Outcome(false, null, reason);
        }
    }

    /** What a filter may read of the subscriber. */
    public interface Context {
        /** Subscription meta ({@code Grip-Set-Meta}, {@code set-meta}, {@code Set-Meta-*}). */
        Map<String, String> meta();

        /** Whether the subscriber is subscribed to a channel (unprefixed name, as published). */
        boolean isSubscribed(String channel);

        /** The last item id the subscriber saw on a channel, or null. */
        String lastId(String channel);
    }

    private Filters() {}

    /**
     * Runs {@code filters} for one delivery of {@code item} whose content is {@code content} (may be
     * null for content-less actions).
     */
    public static Outcome apply(List<String> filters, List<String> formatContentFilters, Context sub,
                                PublishItem item, byte[] content) {
        if (formatContentFilters != null && !formatContentFilters.equals(contentFilters(filters))) {
            return Outcome.drop("content-filters " + formatContentFilters + " do not match the subscription's");
        }
        if (filters.isEmpty()) {
            return PASS;
        }
        byte[] out = null;
        Map<String, String> pubMeta = item.meta();
        for (String filter : filters) {
            switch (filter) {
                case SKIP_SELF -> {
                    String user = sub.meta().get("user");
                    String sender = pubMeta.get("sender");
                    if (notEmpty(user) && user.equals(sender)) {
                        return Outcome.drop("skip-self");
                    }
                }
                case SKIP_USERS -> {
                    String user = sub.meta().get("user");
                    String skip = pubMeta.get("skip_users");
                    if (notEmpty(user) && skip != null) {
                        for (String u : skip.split(",")) {
                            if (u.strip().equals(user)) {
                                return Outcome.drop("skip-users");
                            }
                        }
                    }
                }
                case REQUIRE_SUB -> {
                    String required = pubMeta.get("require_sub");
                    if (notEmpty(required) && !sub.isSubscribed(required)) {
                        return Outcome.drop("require-sub " + required);
                    }
                }
                case VAR_SUBST -> {
                    if (content != null) {
                        String text = substituteVariables(new String(out != null ? out : content, StandardCharsets.UTF_8),
                                sub.meta());
                        if (text == null) {
                            return Outcome.drop("var-subst: a variable is missing from the subscription meta");
                        }
                        out = text.getBytes(StandardCharsets.UTF_8);
                    }
                }
                case BUILD_ID -> {
                    if (content != null) {
                        String format = sub.meta().get("id_format");
                        if (format == null) {
                            return Outcome.drop("build-id: no id_format in the subscription meta");
                        }
                        String id = renderId(format, sub, "hex".equalsIgnoreCase(sub.meta().get("id_encoding")));
                        out = new String(out != null ? out : content, StandardCharsets.UTF_8)
                                .replace("%%", "\u0000").replace("%I", id).replace("\u0000", "%")
                                .getBytes(StandardCharsets.UTF_8);
                    }
                }
                default -> { }
            }
        }
        return out == null ? PASS : new Outcome(true, out, null);
    }

    /** The content-type filters of a subscription, in order (what {@code content-filters} must equal). */
    static List<String> contentFilters(List<String> filters) {
        return filters.stream().filter(CONTENT_FILTERS::contains).toList();
    }

    /** {@code %(name)s} → meta value, {@code %%} → {@code %}; null when a variable is missing. */
    static String substituteVariables(String text, Map<String, String> meta) {
        StringBuilder sb = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '%' && i + 1 < text.length() && text.charAt(i + 1) == '%') {
                sb.append('%');
                i += 2;
            } else if (c == '%' && i + 1 < text.length() && text.charAt(i + 1) == '(') {
                int close = text.indexOf(")s", i + 2);
                if (close < 0) {
                    sb.append(c);
                    i++;
                    continue;
                }
                String value = meta.get(text.substring(i + 2, close));
                if (value == null) {
                    return null;
                }
                sb.append(value);
                i = close + 2;
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }

    /** Renders {@code id_format}: {@code %(channel)s} → that channel's last id; optional hex encoding. */
    private static String renderId(String format, Context sub, boolean hex) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i);
            if (c == '%' && i + 1 < format.length() && format.charAt(i + 1) == '(') {
                int close = format.indexOf(")s", i + 2);
                if (close > 0) {
                    String id = sub.lastId(format.substring(i + 2, close));
                    sb.append(id == null ? "" : id);
                    i = close + 2;
                    continue;
                }
            }
            if (c == '%' && i + 1 < format.length() && format.charAt(i + 1) == '%') {
                sb.append('%');
                i += 2;
                continue;
            }
            sb.append(c);
            i++;
        }
        if (!hex) {
            return sb.toString();
        }
        StringBuilder h = new StringBuilder();
        for (byte b : sb.toString().getBytes(StandardCharsets.UTF_8)) {
            h.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return h.toString();
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }
}
