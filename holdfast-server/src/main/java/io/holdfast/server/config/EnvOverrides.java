package io.holdfast.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Configuration from the environment, as containers and service managers prefer: every
 * {@code pushpin.conf} key can be given as {@code HOLDFAST_<SECTION>_<KEY>} (upper or lower case,
 * e.g. {@code HOLDFAST_PROXY_SIG_KEY} for {@code [proxy] sig_key}), and the environment wins over the
 * file. Section names contain no underscore, so the first word after {@code HOLDFAST_} is the section
 * and the rest is the key. Variables naming another section (such as the launcher's
 * {@code HOLDFAST_JAVA_OPTS}) are not configuration and are left alone.
 */
public final class EnvOverrides {
    public static final String PREFIX = "HOLDFAST_";
    /** The sections {@link PushpinConfLoader} reads; a new section adds its name here. */
    public static final Set<String> SECTIONS = Set.of("global", "runner", "proxy", "handler", "holdfast", "cluster");

    private EnvOverrides() {}

    /** The entries the environment sets, in a stable order; {@code line} is -1 for all of them. */
    public static List<IniFile.Entry> entries(Map<String, String> env) {
        List<IniFile.Entry> out = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                continue;
            }
            String rest = name.substring(PREFIX.length()).toLowerCase(Locale.ROOT);
            int underscore = rest.indexOf('_');
            if (underscore <= 0 || underscore == rest.length() - 1) {
                continue;
            }
            String section = rest.substring(0, underscore);
            if (SECTIONS.contains(section)) {
                out.add(new IniFile.Entry(section, rest.substring(underscore + 1), e.getValue(), -1));
            }
        }
        return out;
    }

    /** The variable that sets an entry, for messages. */
    public static String variable(IniFile.Entry e) {
        return PREFIX + e.section().toUpperCase(Locale.ROOT) + "_" + e.key().toUpperCase(Locale.ROOT);
    }
}
