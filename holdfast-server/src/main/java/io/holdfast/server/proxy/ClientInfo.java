package io.holdfast.server.proxy;

/**
 * What the proxy knows about the client side of a request, beyond the request itself: its address,
 * whether it arrived over TLS (or, with {@code accept_x_forwarded_protocol}, says it did), and
 * whether it carries a valid {@code Grip-Sig} from a trusted upstream proxy, and the connection's key
 * (its implicit channel is {@code conn:<key>}).
 */
public record ClientInfo(String remoteAddress, boolean secure, boolean trustedUpstream, String connectionKey) {}
