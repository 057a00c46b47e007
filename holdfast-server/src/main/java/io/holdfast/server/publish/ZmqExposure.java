package io.holdfast.server.publish;

import io.holdfast.server.config.HoldfastConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the unauthenticated ZeroMQ publish inputs off the network unless the operator says
 * otherwise ({@code [holdfast] zmq_allow_non_loopback}), the ZeroMQ twin of
 * {@link PublishServer#checkExposure}'s rule for the HTTP API without {@code publish_key}. Runs
 * before anything binds, so a refused config opens nothing.
 */
final class ZmqExposure {
    private static final Logger LOG = LoggerFactory.getLogger(ZmqExposure.class);

    private ZmqExposure() {
    }

    /**
     * Fails when a socket would bind beyond loopback without {@code [holdfast] zmq_allow_non_loopback}:
     * the ZeroMQ inputs have no authentication, so anyone who reaches them could publish to every
     * client or run commands. {@code ipc://} endpoints are files guarded by their permissions, and a
     * SUB socket that connects ({@code push_in_sub_connect}) listens nowhere; both pass.
     *
     * @throws IllegalStateException naming the key, the endpoint and the two ways out
     */
    static void check(HoldfastConfig config) {
        if (!config.zmq()) {
            return;
        }
        List<String[]> binds = new ArrayList<>();
        binds.add(new String[] {"push_in_spec", config.pushInSpec()});
        if (!config.pushInSubConnect()) {
            config.pushInSubSpecs().forEach(spec -> binds.add(new String[] {"push_in_sub_specs", spec}));
        }
        binds.add(new String[] {"command_spec", config.commandSpec()});
        for (String[] bind : binds) {
            String spec = bind[1];
            if (spec == null || !spec.startsWith("tcp://") || isLoopback(spec)) {
                continue;
            }
            if (config.zmqAllowNonLoopback()) {
                LOG.warn("ZeroMQ {} binds {} beyond loopback without authentication (zmq_allow_non_loopback=true):"
                        + " anyone who reaches it can publish", bind[0], spec);
                continue;
            }
            throw new IllegalStateException("refusing to bind the ZeroMQ " + bind[0] + " socket to " + spec
                    + ": ZeroMQ inputs have no authentication, so anyone who can reach it could publish or run"
                    + " commands. Bind it to 127.0.0.1, or set [holdfast] zmq_allow_non_loopback=true on a trusted"
                    + " network.");
        }
    }

    /** Whether the host of {@code tcp://host:port} is loopback; {@code *} and names that do not resolve are not. */
    private static boolean isLoopback(String spec) {
        String host = spec.substring("tcp://".length(), spec.lastIndexOf(':'));
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty() || host.equals("*")) {
            return false;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
