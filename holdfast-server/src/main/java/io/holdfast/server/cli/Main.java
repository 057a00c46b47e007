package io.holdfast.server.cli;

import picocli.CommandLine;

/** Entry point of {@code holdfast.jar}: parses the command line and exits with the command's status. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = new CommandLine(new RunCommand())
                .addSubcommand("publish", new PublishCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
