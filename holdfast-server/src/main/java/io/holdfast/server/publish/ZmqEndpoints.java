package io.holdfast.server.publish;

import java.util.List;

/**
 * Where the ZeroMQ publish sockets actually are once bound: a spec with port {@code *} or 0 is
 * reported with the port the system picked, so tests and {@code get-zmq-uris} can name it.
 *
 * @param pull       the PULL socket's endpoint, or null when it is off
 * @param sub        the SUB socket's endpoints (bound, or connected to), empty when it is off
 * @param subConnect whether the SUB socket connects to {@code sub} instead of binding them
 * @param command    the REP command socket's endpoint, or null when it is off
 * @param stats      the PUB stats socket's endpoint ({@code stats_spec}), or null when it is off
 */
public record ZmqEndpoints(String pull, List<String> sub, boolean subConnect, String command, String stats) {

    public ZmqEndpoints {
        sub = List.copyOf(sub);
    }
}
