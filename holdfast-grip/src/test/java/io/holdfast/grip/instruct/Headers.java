package io.holdfast.grip.instruct;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds header lists for tests: {@code of("Name", "value", "Name2", "value2")}. */
final class Headers {

    private Headers() {
    }

    static List<Map.Entry<String, String>> of(String... nameValues) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            out.add(Map.entry(nameValues[i], nameValues[i + 1]));
        }
        return out;
    }
}
