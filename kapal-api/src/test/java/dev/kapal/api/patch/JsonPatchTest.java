package dev.kapal.api.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.Json;
import dev.kapal.api.StatusReason;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonPatchTest {

    private static JsonNode json(String text) {
        return Json.parse(text.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode apply(String document, String patch) {
        return JsonPatch.apply(json(document), patch.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    private static JsonPatch.Result tryApply(String document, String patch) {
        return JsonPatch.parse(patch.replace('\'', '"').getBytes(StandardCharsets.UTF_8)).tryApply(json(document));
    }

    @Test
    void appliesEveryOperation() {
        assertThat(apply("{'a':1}", "[{'op':'add','path':'/b','value':{'c':[1]}}]")).isEqualTo(json("{'a':1,'b':{'c':[1]}}"));
        assertThat(apply("{'a':[1,3]}", "[{'op':'add','path':'/a/1','value':2}]")).isEqualTo(json("{'a':[1,2,3]}"));
        assertThat(apply("{'a':[1]}", "[{'op':'add','path':'/a/-','value':2}]")).isEqualTo(json("{'a':[1,2]}"));
        assertThat(apply("{'a':[1]}", "[{'op':'add','path':'/a/1','value':2}]")).isEqualTo(json("{'a':[1,2]}"));
        assertThat(apply("{'a':1,'b':2}", "[{'op':'remove','path':'/a'}]")).isEqualTo(json("{'b':2}"));
        assertThat(apply("{'a':[1,2,3]}", "[{'op':'remove','path':'/a/1'}]")).isEqualTo(json("{'a':[1,3]}"));
        assertThat(apply("{'a':1}", "[{'op':'replace','path':'/a','value':null}]")).isEqualTo(json("{'a':null}"));
        assertThat(apply("{'a':{'x':1},'b':{}}", "[{'op':'move','from':'/a/x','path':'/b/y'}]"))
                .isEqualTo(json("{'a':{},'b':{'y':1}}"));
        assertThat(apply("{'a':{'x':[1]}}", "[{'op':'copy','from':'/a/x','path':'/b'}]"))
                .isEqualTo(json("{'a':{'x':[1]},'b':[1]}"));
        assertThat(apply("{'a':1.0}", "[{'op':'test','path':'/a','value':1},{'op':'add','path':'/t','value':true}]"))
                .isEqualTo(json("{'a':1.0,'t':true}"));
        assertThat(apply("{'a':1}", "[{'op':'replace','path':'','value':[1]}]")).isEqualTo(json("[1]"));
        assertThat(apply("{'a':1}", "[]")).isEqualTo(json("{'a':1}"));
        assertThat(apply("{'a':1}", "null")).isEqualTo(json("{'a':1}"));
    }

    @Test
    void unescapesPointerTokens() {
        assertThat(apply("{'metadata':{'labels':{'app.kubernetes.io/name':'x','a~b':'y'}}}",
                "[{'op':'replace','path':'/metadata/labels/app.kubernetes.io~1name','value':'z'},"
                        + "{'op':'remove','path':'/metadata/labels/a~0b'}]"))
                .isEqualTo(json("{'metadata':{'labels':{'app.kubernetes.io/name':'z'}}}"));
        assertThat(new JsonPointer(java.util.List.of("a/b", "c~d"))).hasToString("/a~1b/c~0d");
        assertThat(JsonPointer.parse("/~01")).isEqualTo(new JsonPointer(java.util.List.of("~1")));
    }

    @Test
    void negativeIndexesCountFromTheEndAsInKubernetes() {
        assertThat(apply("{'a':[1,2,3]}", "[{'op':'remove','path':'/a/-1'}]")).isEqualTo(json("{'a':[1,2]}"));
        assertThat(apply("{'a':[1,2]}", "[{'op':'replace','path':'/a/-2','value':0}]")).isEqualTo(json("{'a':[0,2]}"));
    }

    @Test
    void isAllOrNothingAndNeverTouchesTheOriginal() {
        JsonNode original = json("{'a':1}");
        JsonPatch patch = JsonPatch.parse("[{'op':'add','path':'/b','value':2},{'op':'test','path':'/a','value':2}]"
                .replace('\'', '"').getBytes(StandardCharsets.UTF_8));
        assertThat(patch.tryApply(original)).isInstanceOf(JsonPatch.Result.Failed.class);
        assertThat(original).isEqualTo(json("{'a':1}"));
        JsonNode patched = JsonPatch.parse("[{'op':'add','path':'/b','value':2}]".replace('\'', '"')
                .getBytes(StandardCharsets.UTF_8)).apply(original);
        assertThat(patched).isEqualTo(json("{'a':1,'b':2}"));
        assertThat(original).isEqualTo(json("{'a':1}"));
    }

    @Test
    void failuresThatDoNotApplyAreUpstreams422() {
        for (String patch : new String[]{
                "[{'op':'remove','path':'/missing'}]",
                "[{'op':'replace','path':'/missing','value':1}]",
                "[{'op':'add','path':'/x/y','value':1}]",
                "[{'op':'add','path':'/a/5','value':1}]",
                "[{'op':'remove','path':'/a/x'}]",
                "[{'op':'test','path':'/a','value':[2]}]",
                "[{'op':'test','path':'/nope','value':1}]",
                "[{'op':'move','from':'/a','path':'/a/0'}]",
                "[{'op':'bogus','path':'/a'}]",
                "[{'op':'add','path':'/b'}]",
                "[{'op':'add','value':1}]",
                "[{'op':'add','path':'b','value':1}]",
                "[null]",
        }) {
            assertThatThrownBy(() -> apply("{'a':[1]}", patch)).as(patch)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.code()).isEqualTo(422);
                        assertThat(e.reason()).isEqualTo(StatusReason.INVALID);
                        assertThat(e.getMessage()).isEqualTo(JsonPatch.DOES_NOT_APPLY);
                    });
        }
        assertThat(tryApply("{'a':[1]}", "[{'op':'remove','path':'/missing'}]"))
                .isEqualTo(new JsonPatch.Result.Failed(
                        "operation 0 (remove /missing): remove operation does not apply: doc is missing key: /missing"));
        // Testing for null on an absent member passes, as in the library Kubernetes uses.
        assertThat(apply("{}", "[{'op':'test','path':'/nope','value':null}]")).isEqualTo(json("{}"));
    }

    @Test
    void malformedBodiesAreBadRequests() {
        assertThatThrownBy(() -> apply("{}", "{'op':'add'}"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400))
                .hasMessage("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
        assertThatThrownBy(() -> apply("{}", "[1]"))
                .hasMessage("json: cannot unmarshal number into Go value of type jsonpatch.Operation");
        assertThatThrownBy(() -> apply("{}", "[{"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
    }

    @Test
    void tooManyOperationsIs413() {
        String body = "[" + "{\"op\":\"test\",\"path\":\"\",\"value\":{}},".repeat(JsonPatch.MAX_OPERATIONS)
                + "{\"op\":\"test\",\"path\":\"\",\"value\":{}}]";
        assertThatThrownBy(() -> JsonPatch.parse(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(413))
                .hasMessage("The allowed maximum operations in a JSON patch is 10000, got 10001");
    }

    @Test
    void copyBombsAreRefused() {
        StringBuilder patch = new StringBuilder("[{\"op\":\"add\",\"path\":\"/a\",\"value\":[1,2,3,4,5,6,7,8]}");
        for (int i = 0; i < 40; i++) {
            patch.append(",{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/a/-\"}");
        }
        patch.append(']');
        JsonPatch.Result result = JsonPatch.parse(patch.toString().getBytes(StandardCharsets.UTF_8)).tryApply(json("{}"));
        assertThat(result).isInstanceOfSatisfying(JsonPatch.Result.Failed.class,
                failed -> assertThat(failed.reason()).contains("copies grow the document"));
    }
}
