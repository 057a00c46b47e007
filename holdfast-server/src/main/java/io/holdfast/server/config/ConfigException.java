package io.holdfast.server.config;

/**
 * A configuration problem that stops start-up. The message always names where the problem is
 * (file and line, or the command-line option), so an operator can fix it without guessing.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    static ConfigException at(String source, int line, String problem) {
        return new ConfigException(source + ":" + line + ": " + problem);
    }
}
