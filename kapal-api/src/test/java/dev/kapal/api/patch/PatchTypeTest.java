package dev.kapal.api.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapal.api.ApiException;
import dev.kapal.api.Json;
import dev.kapal.api.StatusReason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PatchTypeTest {

    @Test
    void readsContentTypesIgnoringParameters() {
        assertThat(PatchType.fromContentType("application/json-patch+json")).contains(PatchType.JSON_PATCH);
        assertThat(PatchType.fromContentType("application/merge-patch+json; charset=utf-8")).contains(PatchType.MERGE_PATCH);
        assertThat(PatchType.fromContentType("application/strategic-merge-patch+json")).contains(PatchType.STRATEGIC_MERGE_PATCH);
        assertThat(PatchType.fromContentType("application/apply-patch+yaml")).contains(PatchType.APPLY_PATCH);
        assertThat(PatchType.fromContentType("application/json")).isEmpty();
        assertThat(PatchType.fromContentType("")).isEmpty();
    }

    @Test
    void unsupportedTypesAre415ListingWhatIsAccepted() {
        List<PatchType> customResource = List.of(PatchType.JSON_PATCH, PatchType.MERGE_PATCH, PatchType.APPLY_PATCH);
        assertThat(PatchType.require("application/merge-patch+json", customResource)).isEqualTo(PatchType.MERGE_PATCH);
        assertThatThrownBy(() -> PatchType.require("application/strategic-merge-patch+json", customResource))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(415);
                    assertThat(e.reason()).isEqualTo(StatusReason.UNSUPPORTED_MEDIA_TYPE);
                })
                .hasMessage("the body of the request was in an unknown format - accepted media types include: "
                        + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
    }

    @Test
    void schemaFreePatchersAreAvailableTheOthersAreNot() {
        assertThat(PatchType.values()).allSatisfy(type -> assertThat(Patcher.of(type).isPresent())
                .isEqualTo(type == PatchType.JSON_PATCH || type == PatchType.MERGE_PATCH));
        Patcher merge = Patcher.of(PatchType.MERGE_PATCH).orElseThrow();
        assertThat(merge.apply(Json.object().put("a", 1), "{\"b\":2}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(Json.object().put("a", 1).put("b", 2));
    }
}
