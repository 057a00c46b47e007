package io.holdfast.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Applies the runner's logging choices to Logback at start-up: level, text or JSON lines, console or
 * {@code --logfile}, Pushpin's {@code --id} in every text line, and {@code --merge-output} (the
 * process's own stdout and stderr go to the log's destination too). When the operator brings their
 * own Logback file ({@code -Dlogback.configurationFile}), that file rules: nothing here touches it.
 */
final class Logging {
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n";

    /** What the command line and config ask for. */
    record Settings(String level, boolean json, Path file, boolean mergeOutput, String id) {}

    private Logging() {}

    /** True when a user's own Logback file is in charge. */
    static boolean userConfigured() {
        return System.getProperty("logback.configurationFile") != null;
    }

    /**
     * Configures the root logger; returns a note for the log when something asked for was left to the
     * user's Logback file, else null.
     */
    static String apply(Settings s) throws IOException {
        if (userConfigured()) {
            return "logging is configured by " + System.getProperty("logback.configurationFile")
                    + "; --loglevel/log_level, --logfile, --id and log_format are left to it";
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(s.level(), Level.INFO));
        if (!s.json() && s.file() == null && s.id() == null && !s.mergeOutput()) {
            return null; // the packaged logback.xml already logs text to the console
        }
        Encoder<ILoggingEvent> encoder = encoder(context, s);
        OutputStreamAppender<ILoggingEvent> appender;
        if (s.file() != null) {
            FileAppender<ILoggingEvent> file = new FileAppender<>();
            file.setFile(s.file().toString());
            file.setAppend(true);
            appender = file;
        } else {
            appender = new ConsoleAppender<>();
        }
        appender.setContext(context);
        appender.setName(s.file() != null ? "FILE" : "CONSOLE");
        appender.setEncoder(encoder);
        appender.start();
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
        if (s.mergeOutput() && s.file() != null) {
            PrintStream out = new PrintStream(new FileOutputStream(s.file().toFile(), true), true);
            System.setOut(out);
            System.setErr(out);
        } else if (s.mergeOutput()) {
            System.setErr(System.out);
        }
        return null;
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext context, Settings s) {
        if (s.json()) {
            if (s.id() != null) {
                context.putProperty("holdfast.id", s.id()); // JSON lines carry context properties
            }
            JsonEncoder json = new JsonEncoder();
            json.setContext(context);
            // The text a person would read, not the "{}" pattern and its arguments apart.
            json.setWithFormattedMessage(true);
            json.setWithMessage(false);
            json.setWithArguments(false);
            json.start();
            return json;
        }
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern(s.id() == null ? PATTERN : PATTERN.replace("%-5level", "%-5level " + s.id().replace("%", "%%")));
        text.start();
        return text;
    }
}
