package dev.kapal.api.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MergePatchTest {

    private static JsonNode json(String text) {
        return Json.parse(text.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String text) {
        return text.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void followsTheRfc7386Examples() {
        assertThat(MergePatch.apply(json("{'a':'b'}"), json("{'a':'c'}"))).isEqualTo(json("{'a':'c'}"));
        assertThat(MergePatch.apply(json("{'a':'b'}"), json("{'b':'c'}"))).isEqualTo(json("{'a':'b','b':'c'}"));
        assertThat(MergePatch.apply(json("{'a':'b'}"), json("{'a':null}"))).isEqualTo(json("{}"));
        assertThat(MergePatch.apply(json("{'a':'b','b':'c'}"), json("{'a':null}"))).isEqualTo(json("{'b':'c'}"));
        assertThat(MergePatch.apply(json("{'a':['b']}"), json("{'a':'c'}"))).isEqualTo(json("{'a':'c'}"));
        assertThat(MergePatch.apply(json("{'a':'c'}"), json("{'a':['b']}"))).isEqualTo(json("{'a':['b']}"));
        assertThat(MergePatch.apply(json("{'a':{'b':'c'}}"), json("{'a':{'b':'d','c':null}}")))
                .isEqualTo(json("{'a':{'b':'d'}}"));
        assertThat(MergePatch.apply(json("{'a':[{'b':'c'}]}"), json("{'a':[1]}"))).isEqualTo(json("{'a':[1]}"));
        assertThat(MergePatch.apply(json("['a','b']"), json("['c','d']"))).isEqualTo(json("['c','d']"));
        assertThat(MergePatch.apply(json("{'a':'b'}"), json("['c']"))).isEqualTo(json("['c']"));
        assertThat(MergePatch.apply(json("{'a':'foo'}"), json("null"))).isEqualTo(json("null"));
        assertThat(MergePatch.apply(json("{'e':null}"), json("{'a':1}"))).isEqualTo(json("{'e':null,'a':1}"));
        assertThat(MergePatch.apply(json("[1,2]"), json("{'a':'b','c':null}"))).isEqualTo(json("{'a':'b'}"));
        assertThat(MergePatch.apply(json("{}"), json("{'a':{'bb':{'ccc':null}}}"))).isEqualTo(json("{'a':{'bb':{}}}"));
    }

    @Test
    void dropsNullMembersInsideReplacingArraysAsKubernetesDoes() {
        assertThat(MergePatch.apply(json("{}"), json("{'a':[{'x':null,'y':1}]}"))).isEqualTo(json("{'a':[{'y':1}]}"));
    }

    @Test
    void labelsAndFinalizersPatchAsKubectlSendsThem() {
        JsonNode pod = json("{'metadata':{'name':'p','labels':{'app':'web','tier':'front'},'finalizers':['a','b']}}");
        JsonNode patched = MergePatch.apply(pod, bytes("{'metadata':{'labels':{'tier':null,'env':'prod'},'finalizers':['b']}}"));
        assertThat(patched).isEqualTo(json("{'metadata':{'name':'p','labels':{'app':'web','env':'prod'},'finalizers':['b']}}"));
        assertThat(pod.at("/metadata/labels/tier").asText()).isEqualTo("front");
    }

    @Test
    void theApiEntryPointWantsAnObject() {
        for (String body : List.of("[1]", "1", "null", "\"x\"")) {
            assertThatThrownBy(() -> MergePatch.apply(json("{}"), bytes(body))).as(body)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
        }
        assertThatThrownBy(() -> MergePatch.apply(json("{}"), bytes("{")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
    }

    @Test
    void diffProducesTheMinimalPatch() {
        assertThat(MergePatch.diff(json("{'a':1,'b':{'c':1,'d':2},'e':[1]}"), json("{'a':1,'b':{'c':1},'e':[2],'f':'x'}")))
                .isEqualTo(json("{'b':{'d':null},'e':[2],'f':'x'}"));
    }
}
