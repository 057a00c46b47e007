package io.holdfast.server.stats;

/** Where a publish came from, as the {@code input} label of {@code holdfast_publishes_total}. */
public enum PublishInput {
    HTTP("http"),
    /** The ZeroMQ PULL and SUB sockets (one code path receives both). */
    ZMQ("zmq"),
    ZMQ_COMMAND("zmq-command"),
    CLUSTER("cluster");

    private final String label;

    PublishInput(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
