package dev.kapal.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Decoding write bodies that repeat fields, as field validation needs them. */
class JsonTest {
    private static byte[] json(String text) {
        return text.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void repeatedFieldsKeepTheLastValueAndAreReportedWithTheirPaths() {
        Json.Decoded decoded = Json.parseObjectReportingDuplicates(json(
                "{'kind':'A','spec':{'replicas':1,'replicas':2,'items':[{'name':'a','name':'b'}]},'kind':'B'}"));

        assertThat(decoded.object().path("kind").asText()).isEqualTo("B");
        assertThat(decoded.object().path("spec").path("replicas").asInt()).isEqualTo(2);
        assertThat(decoded.object().path("spec").path("items").get(0).path("name").asText()).isEqualTo("b");
        assertThat(decoded.duplicates()).containsExactly("spec.replicas", "spec.items[0].name", "kind");
    }

    @Test
    void documentsWithoutRepeatsReportNoneAndSyntaxErrorsStayBadRequests() {
        assertThat(Json.parseObjectReportingDuplicates(json("{'a':{'b':[1,{'c':2}]}}")).duplicates()).isEmpty();
        assertThatThrownBy(() -> Json.parseObjectReportingDuplicates(json("{'a':1,'a':")))
                .isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(400));
        assertThatThrownBy(() -> Json.parseObjectReportingDuplicates(json("[1,2]")))
                .isInstanceOf(ApiException.class);
    }
}
