package io.holdfast.server.cli;

import picocli.CommandLine;

/** Entry point of {@code holdfast.jar}: parses the command line and exits with the command's status. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        allowNettyDirectMemory();
        int code = new CommandLine(new RunCommand())
                .addSubcommand("publish", new PublishCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Must run before any Netty class loads. With {@code java.nio} opened (the jar's
     * {@code Add-Opens}, or {@code --add-opens java.base/java.nio=ALL-UNNAMED}) and this property,
     * Netty allocates direct buffers itself and counts them against its own limit, failing fast when
     * it is reached. Without it, Netty falls back to {@code ByteBuffer.allocateDirect}, whose
     * {@code java.nio.Bits.reserveMemory} calls {@code System.gc()} and sleeps on the event loop when
     * direct memory runs short: the permanent jam of issue 10. An explicit setting wins.
     */
    static void allowNettyDirectMemory() {
        if (System.getProperty("io.netty.tryReflectionSetAccessible") == null) {
            System.setProperty("io.netty.tryReflectionSetAccessible", "true");
        }
    }
}
