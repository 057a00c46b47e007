package io.holdfast.server.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonPatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String patch(String doc, String patch) throws Exception {
        return JSON.writeValueAsString(JsonPatch.apply(JSON.readTree(doc), JSON.readTree(patch)));
    }

    @Test
    void appliesTheRfc6902Operations() throws Exception {
        assertThat(patch("{\"a\":1,\"list\":[1,2]}", """
                [{"op":"add","path":"/b","value":2},
                 {"op":"replace","path":"/a","value":9},
                 {"op":"add","path":"/list/-","value":3},
                 {"op":"remove","path":"/list/0"},
                 {"op":"copy","from":"/b","path":"/c"},
                 {"op":"move","from":"/c","path":"/d~1e"},
                 {"op":"test","path":"/b","value":2}]"""))
                .isEqualTo("{\"a\":9,\"list\":[2,3],\"b\":2,\"d/e\":2}");
    }

    @Test
    void aFailingOperationRejectsThePatch() {
        assertThatThrownBy(() -> patch("{\"a\":1}", "[{\"op\":\"test\",\"path\":\"/a\",\"value\":2}]"))
                .isInstanceOf(JsonPatch.PatchException.class).hasMessageContaining("test failed");
        assertThatThrownBy(() -> patch("{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"/zz\"}]"))
                .hasMessageContaining("nothing at /zz");
    }
}
