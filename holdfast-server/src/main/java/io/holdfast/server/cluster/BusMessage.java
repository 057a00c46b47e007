package io.holdfast.server.cluster;

import io.holdfast.grip.publish.PublishFormatException;
import io.holdfast.grip.publish.PublishItem;
import io.holdfast.grip.publish.PublishRequestParser;
import io.holdfast.grip.publish.PublishRequestWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One item as it travels between nodes: the channel's epoch and sequence number from the publish
 * script, and the item itself in the publish API's own JSON ({@code {"items":[...]}}), so a node
 * reads it with the same parser that judged it at the edge. On the wire: {@code "<epoch> <n> <json>"}.
 *
 * @param epoch when the channel's sequence (re)started in Redis
 * @param seq the item's position in the channel, 1, 2, 3, … within an epoch
 */
record BusMessage(String epoch, long seq, PublishItem item) {

    static String json(PublishItem item) {
        return new String(PublishRequestWriter.toJson(List.of(item)), StandardCharsets.UTF_8);
    }

    /** Reads a pub/sub message; throws if it is not one Holdfast wrote. */
    static BusMessage parse(String message) throws PublishFormatException {
        int a = message.indexOf(' ');
        int b = a < 0 ? -1 : message.indexOf(' ', a + 1);
        if (a <= 0 || b <= a + 1) {
            throw new PublishFormatException("not a Holdfast bus message");
        }
        long seq;
        try {
            seq = Long.parseLong(message, a + 1, b, 10);
        } catch (NumberFormatException e) {
            throw new PublishFormatException("bad sequence number in bus message");
        }
        return new BusMessage(message.substring(0, a), seq, item(message.substring(b + 1)));
    }

    static PublishItem item(String json) throws PublishFormatException {
        List<PublishItem> items = PublishRequestParser.parse(json.getBytes(StandardCharsets.UTF_8));
        if (items.size() != 1) {
            throw new PublishFormatException("a bus message holds one item, not " + items.size());
        }
        return items.get(0);
    }

    /** A history entry read back from the stream. */
    record Entry(long seq, long atMillis, PublishItem item) {}

    /**
     * Reads XRANGE's answer ({@code [[ "n-0", ["t", ms, "p", json]], …]}); entries that do not parse
     * are skipped (they cannot have been written by this version).
     */
    static List<Entry> entries(Object xrange) {
        List<Entry> out = new ArrayList<>();
        if (!(xrange instanceof List<?> list)) {
            return out;
        }
        for (Object o : list) {
            if (!(o instanceof List<?> entry) || entry.size() < 2 || !(entry.get(1) instanceof List<?> fields)) {
                continue;
            }
            String id = String.valueOf(entry.get(0));
            long at = 0;
            String json = null;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                String f = String.valueOf(fields.get(i));
                if (f.equals("t")) {
                    at = Long.parseLong(String.valueOf(fields.get(i + 1)));
                } else if (f.equals("p")) {
                    json = String.valueOf(fields.get(i + 1));
                }
            }
            int dash = id.indexOf('-');
            if (json == null || dash <= 0) {
                continue;
            }
            try {
                out.add(new Entry(Long.parseLong(id.substring(0, dash)), at, item(json)));
            } catch (PublishFormatException | NumberFormatException e) {
                // skipped, see above
            }
        }
        return out;
    }
}
