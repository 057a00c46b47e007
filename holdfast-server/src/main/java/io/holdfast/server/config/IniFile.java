package io.holdfast.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed {@code pushpin.conf}-style INI file: {@code [section]} headers, {@code key=value} lines,
 * {@code #} and {@code ;} comments. Each value remembers its line so that validation errors can
 * point at it. Pushpin reads these files with Qt's QSettings; we accept the same plain subset and
 * reject anything else with the line number rather than silently ignoring it.
 */
public final class IniFile {

    /** One {@code key=value} entry and where it came from. */
    public record Entry(String section, String key, String value, int line) {}

    private final String source;
    private final Map<String, Map<String, Entry>> sections;

    private IniFile(String source, Map<String, Map<String, Entry>> sections) {
        this.source = source;
        this.sections = sections;
    }

    public static IniFile read(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    public static IniFile parse(String text, String source) throws ConfigException {
        Map<String, Map<String, Entry>> sections = new LinkedHashMap<>();
        String section = "";
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]") || line.length() < 3) {
                    throw ConfigException.at(source, lineNo, "malformed section header: " + line);
                }
                section = line.substring(1, line.length() - 1).strip();
                sections.computeIfAbsent(section, s -> new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw ConfigException.at(source, lineNo, "expected key=value, got: " + line);
            }
            String key = line.substring(0, eq).strip();
            if (!key.matches("[A-Za-z0-9_.\\-/]+")) {
                throw ConfigException.at(source, lineNo, "invalid key: " + key);
            }
            if (section.isEmpty()) {
                throw ConfigException.at(source, lineNo, "key " + key + " is outside any [section]");
            }
            String value = unquote(line.substring(eq + 1).strip(), source, lineNo);
            sections.computeIfAbsent(section, s -> new LinkedHashMap<>())
                    .put(key, new Entry(section, key, value, lineNo));
        }
        return new IniFile(source, sections);
    }

    // QSettings allows a value wrapped in double quotes; a lone quote is a typo worth reporting.
    private static String unquote(String value, String source, int line) throws ConfigException {
        if (value.startsWith("\"")) {
            if (value.length() < 2 || !value.endsWith("\"")) {
                throw ConfigException.at(source, line, "unterminated quoted value: " + value);
            }
            return value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return value;
    }

    public String source() {
        return source;
    }

    public Optional<Entry> entry(String section, String key) {
        Map<String, Entry> entries = sections.get(section);
        return entries == null ? Optional.empty() : Optional.ofNullable(entries.get(key));
    }

    /** A copy with {@code overrides} replacing (or adding) entries: the environment over the file. */
    public IniFile with(java.util.List<Entry> overrides) {
        Map<String, Map<String, Entry>> copy = new LinkedHashMap<>();
        sections.forEach((name, entries) -> copy.put(name, new LinkedHashMap<>(entries)));
        for (Entry e : overrides) {
            copy.computeIfAbsent(e.section(), s -> new LinkedHashMap<>()).put(e.key(), e);
        }
        return new IniFile(source, copy);
    }

    public Map<String, Map<String, Entry>> sections() {
        return Collections.unmodifiableMap(sections);
    }
}
