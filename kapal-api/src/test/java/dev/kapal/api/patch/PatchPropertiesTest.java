package dev.kapal.api.patch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.Json;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class PatchPropertiesTest {

    @Provide
    Arbitrary<JsonNode> documents() {
        return JsonArbitraries.objects(3, false);
    }

    @Provide
    Arbitrary<JsonNode> documentsWithNulls() {
        return JsonArbitraries.objects(3, true);
    }

    @Property(tries = 500)
    void mergePatchDiffTurnsTheSourceIntoTheTarget(@ForAll("documents") JsonNode source,
                                                   @ForAll("documents") JsonNode target) {
        String before = source.toString();
        JsonNode patch = MergePatch.diff(source, target);
        assertThat(MergePatch.apply(source, patch)).isEqualTo(target);
        // ... also through the byte-level entry point the API server uses.
        assertThat(MergePatch.apply(source, Json.write(patch))).isEqualTo(target);
        assertThat(source.toString()).as("source untouched").isEqualTo(before);
    }

    @Property(tries = 300)
    void mergePatchOfADocumentWithItselfChangesNothing(@ForAll("documents") JsonNode document) {
        assertThat(MergePatch.diff(document, document)).isEqualTo(Json.object());
        assertThat(MergePatch.apply(document, Json.object())).isEqualTo(document);
    }

    @Property(tries = 300)
    void mergePatchResultsNeverHoldNullMembers(@ForAll("documents") JsonNode target,
                                               @ForAll("documentsWithNulls") JsonNode patch) {
        assertThat(MergePatch.apply(target, patch).toString()).doesNotContain(":null");
    }

    @Property(tries = 500)
    void jsonPatchDiffTurnsTheSourceIntoTheTarget(@ForAll("documentsWithNulls") JsonNode source,
                                                  @ForAll("documentsWithNulls") JsonNode target) {
        String before = source.toString();
        JsonPatch patch = JsonPatch.diff(source, target);
        assertThat(patch.apply(source)).isEqualTo(target);
        assertThat(source.toString()).as("source untouched").isEqualTo(before);
    }

    @Property(tries = 500)
    void jsonPatchRoundTripsThroughItsJsonForm(@ForAll("documentsWithNulls") JsonNode source,
                                               @ForAll("documentsWithNulls") JsonNode target) {
        JsonPatch patch = JsonPatch.diff(source, target);
        JsonPatch reparsed = JsonPatch.parse(patch.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(reparsed).isEqualTo(patch);
        assertThat(JsonPatch.apply(source, Json.write(patch.toJson()))).isEqualTo(target);
    }

    @Property(tries = 300)
    void jsonPatchInverseRestoresTheSource(@ForAll("documentsWithNulls") JsonNode source,
                                           @ForAll("documentsWithNulls") JsonNode target) {
        JsonNode patched = JsonPatch.diff(source, target).apply(source);
        assertThat(JsonPatch.diff(patched, source).apply(patched)).isEqualTo(source);
    }

    @Property(tries = 1000)
    void arbitraryJsonPatchBodiesFailOnlyWithStatusErrors(@ForAll("documentsWithNulls") JsonNode document,
                                                          @ForAll("patchish") String body) {
        try {
            JsonPatch.apply(document, body.getBytes(StandardCharsets.UTF_8));
        } catch (ApiException e) {
            assertThat(e.code()).isIn(400, 422);
        }
    }

    @Provide
    Arbitrary<String> patchish() {
        Arbitrary<String> op = net.jqwik.api.Arbitraries.of("add", "remove", "replace", "move", "copy", "test", "bogus");
        Arbitrary<String> path = net.jqwik.api.Arbitraries.of("", "/", "/a", "/a/0", "/a/-", "/b/c", "/d~1e", "/f~0g",
                "/a/-1", "/a/9", "a", "/a/x");
        return net.jqwik.api.Combinators.combine(op, path, path, JsonArbitraries.values(1, true))
                .as((o, p, f, v) -> "[{\"op\":\"" + o + "\",\"path\":\"" + p + "\",\"from\":\"" + f + "\",\"value\":" + v + "}]");
    }
}
