package io.holdfast.server.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the public JSON Patch test suite (json-patch/json-patch-tests, Apache-2.0, copied under
 * {@code src/test/resources/json-patch-tests} with its attribution) against {@link JsonPatch}.
 */
class JsonPatchSuiteTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> tests() throws IOException {
        return suite("tests.json");
    }

    @TestFactory
    Stream<DynamicTest> specTests() throws IOException {
        return suite("spec_tests.json");
    }

    private static Stream<DynamicTest> suite(String file) throws IOException {
        JsonNode records;
        try (InputStream in = JsonPatchSuiteTest.class.getResourceAsStream("/json-patch-tests/" + file)) {
            assertThat(in).as(file).isNotNull();
            records = JSON.readTree(in);
        }
        List<DynamicTest> tests = new ArrayList<>();
        int n = 0;
        for (JsonNode record : records) {
            n++;
            if (!record.has("patch") || record.path("disabled").asBoolean(false)) {
                continue;
            }
            String name = file + " #" + n + ": " + record.path("comment").asText("(no comment)");
            tests.add(DynamicTest.dynamicTest(name, () -> run(record)));
        }
        assertThat(tests).as("records in " + file).hasSizeGreaterThan(10);
        return tests.stream();
    }

    private static void run(JsonNode record) throws Exception {
        JsonNode doc = record.get("doc");
        JsonNode patch = record.get("patch");
        if (record.has("error")) {
            assertThatThrownBy(() -> JsonPatch.apply(doc, patch))
                    .as(record.get("error").asText())
                    .isInstanceOf(JsonPatch.PatchException.class);
        } else if (record.has("expected")) {
            assertThat(JsonPatch.apply(doc, patch)).isEqualTo(record.get("expected"));
        } else {
            JsonPatch.apply(doc, patch); // must apply without error
        }
    }
}
