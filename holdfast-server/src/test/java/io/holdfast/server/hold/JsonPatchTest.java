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

    @Test
    void refusesArrayIndicesThatRfc6901Forbids() {
        for (String bad : new String[] {"+1", "01", "-1", "1e0", " 1"}) {
            assertThatThrownBy(() -> patch("{\"a\":[1,2,3]}", "[{\"op\":\"remove\",\"path\":\"/a/" + bad + "\"}]"))
                    .as(bad).isInstanceOf(JsonPatch.PatchException.class);
            assertThatThrownBy(() -> patch("[1,2,3]", "[{\"op\":\"add\",\"path\":\"/" + bad + "\",\"value\":0}]"))
                    .as(bad).isInstanceOf(JsonPatch.PatchException.class);
        }
    }

    @Test
    void readsDigitsAsObjectKeysOnObjects() throws Exception {
        assertThat(patch("{\"01\":1,\"+1\":2}", "[{\"op\":\"remove\",\"path\":\"/01\"},"
                         + "{\"op\":\"replace\",\"path\":\"/+1\",\"value\":3}]"))
                .isEqualTo("{\"+1\":3}");
    }
}
