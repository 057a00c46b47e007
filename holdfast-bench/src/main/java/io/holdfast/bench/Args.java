package io.holdfast.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The bench tools' command-line options: {@code --name value}, {@code --name=value} and bare
 * {@code --flag}. Small on purpose: the tools are driven by {@code bench/compare.sh}, and every option
 * a tool reads is checked off, so a misspelt option stops the run instead of being ignored.
 */
public final class Args {

    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();
    private final Set<String> read = new TreeSet<>();

    private Args() {
    }

    public static Args parse(String[] argv, int from) {
        Args a = new Args();
        for (int i = from; i < argv.length; i++) {
            String s = argv[i];
            if (!s.startsWith("--")) {
                a.positional.add(s);
                continue;
            }
            String name = s.substring(2);
            int eq = name.indexOf('=');
            if (eq >= 0) {
                a.values.put(name.substring(0, eq), name.substring(eq + 1));
            } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                a.values.put(name, argv[++i]);
            } else {
                a.values.put(name, "true");
            }
        }
        return a;
    }

    public String string(String name, String def) {
        read.add(name);
        return values.getOrDefault(name, def);
    }

    public String required(String name) {
        read.add(name);
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    public int integer(String name, int def) {
        String v = string(name, null);
        if (v == null) {
            return def;
        }
        try {
            return Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": " + v + " (expected: an integer)");
        }
    }

    public long longValue(String name, long def) {
        String v = string(name, null);
        if (v == null) {
            return def;
        }
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": " + v + " (expected: an integer)");
        }
    }

    public double decimal(String name, double def) {
        String v = string(name, null);
        if (v == null) {
            return def;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": " + v + " (expected: a number)");
        }
    }

    public boolean flag(String name) {
        String v = string(name, "false");
        return v.equals("true") || v.equals("yes") || v.equals("1");
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public List<String> positional() {
        return positional;
    }

    /** Fails on options nobody asked for; call after all reads. */
    public void rejectUnknown() {
        List<String> unknown = new ArrayList<>();
        for (String k : values.keySet()) {
            if (!read.contains(k)) {
                unknown.add("--" + k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): " + String.join(", ", unknown));
        }
    }
}
