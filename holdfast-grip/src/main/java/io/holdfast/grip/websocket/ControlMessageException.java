package io.holdfast.grip.websocket;

import io.holdfast.grip.GripProtocolException;

/**
 * A GRIP WebSocket control message ({@code c:} + JSON, spec 2.3) that is not valid JSON or has a bad
 * field. Pushpin logs these and ignores the message; the message text names the field, e.g.
 * {@code subscribe: channel: required}. Unchecked (see {@link GripProtocolException}).
 */
public final class ControlMessageException extends GripProtocolException {

    private static final long serialVersionUID = 1L;

    public ControlMessageException(String message) {
        super(message);
    }
}
