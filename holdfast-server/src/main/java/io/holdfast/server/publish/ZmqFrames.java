package io.holdfast.server.publish;

import com.fasterxml.jackson.databind.JsonNode;
import io.holdfast.grip.json.GripJson;
import io.holdfast.grip.publish.PublishFormatException;
import io.holdfast.grip.publish.PublishItem;
import io.holdfast.grip.publish.PublishRequestParser;
import io.holdfast.grip.tnetstring.TNetStringItems;
import io.holdfast.grip.tnetstring.TNetStrings;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the payload framing of Pushpin's ZeroMQ inputs (spec 3.4): a leading {@code J} means a JSON
 * object follows, a leading {@code T} a tnetstring, and no marker a tnetstring (a tnetstring always
 * starts with a digit, so the three cannot be confused).
 */
final class ZmqFrames {

    private ZmqFrames() {
    }

    /**
     * One publish item from a PULL frame ({@code channel} null: the item names it) or from the
     * second frame of a SUB message ({@code channel} is the topic frame).
     *
     * @throws io.holdfast.grip.GripProtocolException (a {@link PublishFormatException} or a
     *                                                 tnetstring error) for anything invalid
     */
    static PublishItem item(byte[] frame, String channel) {
        if (frame.length == 0) {
            throw new PublishFormatException("empty message");
        }
        if (frame[0] == 'J') {
            JsonNode node = json(frame);
            return PublishRequestParser.parseItem(node, channel);
        }
        int offset = frame[0] == 'T' ? 1 : 0;
        return TNetStringItems.parseItem(TNetStrings.decode(frame, offset, frame.length - offset), channel);
    }

    /** The JSON object after a {@code J} marker. */
    static JsonNode json(byte[] frame) {
        return GripJson.readTree(Arrays.copyOfRange(frame, 1, frame.length))
                .orElseThrow(() -> new PublishFormatException(PublishRequestParser.NOT_JSON));
    }

    /** The SUB topic frame as a channel name: non-empty UTF-8. */
    static String channel(byte[] topic) {
        if (topic.length == 0) {
            throw new PublishFormatException("empty channel frame");
        }
        if (!GripJson.isUtf8(topic)) {
            throw new PublishFormatException("channel frame is not valid UTF-8");
        }
        return new String(topic, StandardCharsets.UTF_8);
    }
}
