package dev.kapal.api.apply;

import static dev.kapal.api.apply.Types.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapal.api.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FieldsV1 as upstream encodes it, and the set algebra ownership is computed with. */
class FieldSetTest {
    @Test
    void encodesMembersWithChildrenWithADot() {
        FieldSet set = new FieldSet()
                .insert(List.of("f:metadata", "f:labels"))
                .insert(List.of("f:metadata", "f:labels", "f:app"))
                .insert(List.of("f:spec", "f:replicas"));
        assertThat(set.toFieldsV1()).isEqualTo(json(
                "{'f:metadata':{'f:labels':{'.':{},'f:app':{}}},'f:spec':{'f:replicas':{}}}"));
    }

    @Test
    void ordersFieldsThenKeysThenValuesThenIndexesAsUpstream() {
        FieldSet set = new FieldSet()
                .insert(List.of("i:10"))
                .insert(List.of("i:2"))
                .insert(List.of("v:\"b\""))
                .insert(List.of("k:{\"name\":\"a\"}"))
                .insert(List.of("f:z"))
                .insert(List.of("f:a"));
        assertThat(Json.writeString(set.toFieldsV1()))
                .isEqualTo("{\"f:a\":{},\"f:z\":{},\"k:{\\\"name\\\":\\\"a\\\"}\":{},\"v:\\\"b\\\"\":{},\"i:2\":{},\"i:10\":{}}");
    }

    @Test
    void readsWhatItWrites() {
        JsonNode fields = json("{'f:spec':{'f:containers':{'k:{\\\"name\\\":\\\"x\\\"}':{'.':{},'f:image':{}}}}}");
        FieldSet set = FieldSet.fromFieldsV1(fields);
        assertThat(set.toFieldsV1()).isEqualTo(fields);
        assertThat(set.contains(List.of("f:spec", "f:containers", "k:{\"name\":\"x\"}"))).isTrue();
        assertThat(set.contains(List.of("f:spec", "f:containers"))).isFalse();
        assertThat(set.paths()).containsExactly(
                List.of("f:spec", "f:containers", "k:{\"name\":\"x\"}"),
                List.of("f:spec", "f:containers", "k:{\"name\":\"x\"}", "f:image"));
    }

    @Test
    void refusesWhatIsNotFieldsV1() {
        assertThatThrownBy(() -> FieldSet.fromFieldsV1(json("{'spec':{}}"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FieldSet.fromFieldsV1(json("{'f:spec':1}"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FieldSet.fromFieldsV1(json("{'i:x':{}}"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rendersPathsAsUpstreamPrintsThemInConflicts() {
        assertThat(FieldSet.render(List.of("f:spec", "f:replicas"))).isEqualTo(".spec.replicas");
        assertThat(FieldSet.render(List.of("f:spec", "f:containers", "k:{\"name\":\"web\"}", "f:image")))
                .isEqualTo(".spec.containers[name=\"web\"].image");
        assertThat(FieldSet.render(List.of("f:spec", "f:ports", "k:{\"port\":80,\"protocol\":\"TCP\"}")))
                .isEqualTo(".spec.ports[port=80,protocol=\"TCP\"]");
        assertThat(FieldSet.render(List.of("f:metadata", "f:finalizers", "v:\"x\""))).isEqualTo(".metadata.finalizers[=\"x\"]");
        assertThat(FieldSet.render(List.of("f:args", "i:0"))).isEqualTo(".args[0]");
    }

    @Test
    void algebra() {
        FieldSet a = new FieldSet().insert(List.of("f:a")).insert(List.of("f:b", "f:c"));
        FieldSet b = new FieldSet().insert(List.of("f:b", "f:c")).insert(List.of("f:d"));
        assertThat(a.union(b).paths()).containsExactly(List.of("f:a"), List.of("f:b", "f:c"), List.of("f:d"));
        assertThat(a.intersection(b).paths()).containsExactly(List.of("f:b", "f:c"));
        assertThat(a.difference(b).paths()).containsExactly(List.of("f:a"));
        assertThat(a.difference(a).isEmpty()).isTrue();
        assertThat(a.union(b).withoutPrefixes(new FieldSet().insert(List.of("f:b"))).paths())
                .containsExactly(List.of("f:a"), List.of("f:d"));
    }
}
