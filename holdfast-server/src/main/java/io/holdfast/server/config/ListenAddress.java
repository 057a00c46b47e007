package io.holdfast.server.config;

import java.net.InetSocketAddress;

/**
 * A host and port to listen on, parsed from Pushpin's {@code [addr:]port} form ({@code 7999},
 * {@code 127.0.0.1:7999}, {@code [::1]:7999}). Port 0 asks the OS for an ephemeral port (tests).
 */
public record ListenAddress(String host, int port) {

    public static final String ANY_HOST = "0.0.0.0";

    public ListenAddress {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
    }

    /** Parses {@code [addr:]port}; a bare port listens on {@code defaultHost}. */
    public static ListenAddress parse(String spec, String defaultHost) {
        String s = spec.strip();
        String host = defaultHost;
        String port = s;
        if (s.startsWith("[")) {
            int close = s.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException("bad listen address: " + spec + " (expected: [v6addr]:port)");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else if (s.indexOf(':') >= 0) {
            int colon = s.lastIndexOf(':');
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        try {
            return new ListenAddress(host.isEmpty() ? defaultHost : host, Integer.parseInt(port));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in listen address: " + spec);
        }
    }

    public ListenAddress withPortOffset(int offset) {
        return port == 0 ? this : new ListenAddress(host, port + offset);
    }

    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
