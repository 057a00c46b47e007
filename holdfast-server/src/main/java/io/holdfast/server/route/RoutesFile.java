package io.holdfast.server.route;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns a routes file on disk into a {@link RouteTable}: the one way both startup and
 * {@link RoutesFileWatcher} read it, so an error reads the same in both places. Errors name the
 * file by its file name ({@code routes:3: ...}), like Pushpin's {@code routesfile} messages.
 * Blocking file I/O: never call it on an event loop.
 */
public final class RoutesFile {

    private RoutesFile() {
    }

    /**
     * Reads, parses and indexes the file (UTF-8). Parse warnings and skipped duplicates are logged.
     *
     * @throws IOException          if the file cannot be read
     * @throws RouteSyntaxException if a line is wrong; nothing is loaded then
     */
    public static RouteTable load(Path file) throws IOException, RouteSyntaxException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return RouteTable.of(RoutesParser.parse(text, sourceName(file)));
    }

    /** How errors name the file: its last path element, e.g. {@code routes}. */
    static String sourceName(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }
}
