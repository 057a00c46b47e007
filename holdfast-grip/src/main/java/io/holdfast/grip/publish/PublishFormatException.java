package io.holdfast.grip.publish;

import io.holdfast.grip.GripProtocolException;

/**
 * A publish request body the proxy refuses; the whole request is rejected with 400 and this message
 * as the body (spec 3.1).
 *
 * <p>Messages keep Pushpin's wording where Pushpin has one ({@code Body is not valid JSON.},
 * {@code Invalid format: object does not contain 'items'}); otherwise they read
 * {@code Invalid format: item <n>: <field>: <problem>}, naming the item index and JSON path so the
 * publisher can find the fault. Unchecked (see {@link GripProtocolException}).
 */
public final class PublishFormatException extends GripProtocolException {

    private static final long serialVersionUID = 1L;

    /** Item index used when the fault is not inside an item. */
    public static final int NO_ITEM = -1;

    private final int itemIndex;
    private final String field;

    /** A body-level error with a fixed message. */
    public PublishFormatException(String message) {
        super(message);
        this.itemIndex = NO_ITEM;
        this.field = null;
    }

    /**
     * An error inside an item.
     *
     * @param itemIndex index in {@code items}, or {@link #NO_ITEM} for a lone item
     * @param field     JSON path inside the item, or empty when the item itself is at fault
     * @param problem   what is wrong
     */
    public PublishFormatException(int itemIndex, String field, String problem) {
        super("Invalid format: " + (itemIndex == NO_ITEM ? "" : "item " + itemIndex + ": ")
                + (field == null || field.isEmpty() ? "" : field + ": ") + problem);
        this.itemIndex = itemIndex;
        this.field = field;
    }

    /** The index of the faulty item, or {@link #NO_ITEM}. */
    public int itemIndex() {
        return itemIndex;
    }

    /** The JSON path inside the item, or null for body-level errors. */
    public String field() {
        return field;
    }
}
