package dev.kapal.api.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MediaTypeTest {

    @Test
    void readsKubectlsTableAcceptHeader() {
        List<MediaType> accept = MediaType.parseAccept(
                "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json");
        assertThat(accept).hasSize(3);
        assertThat(accept.get(0).essence()).isEqualTo("application/json");
        assertThat(accept.get(0).parameters()).containsExactly(
                Map.entry("as", "Table"), Map.entry("v", "v1"), Map.entry("g", "meta.k8s.io"));
        assertThat(accept.get(1).parameter("v")).contains("v1beta1");
        assertThat(accept.get(2).parameters()).isEmpty();
        assertThat(accept.get(0)).hasToString("application/json;as=Table;v=v1;g=meta.k8s.io");
    }

    @Test
    void ordersByQualityThenSpecificityThenHeaderOrder() {
        List<MediaType> accept = MediaType.parseAccept(
                "*/*;q=0.1, application/vnd.kubernetes.protobuf;q=0.9, application/*, application/json, text/plain;q=0");
        assertThat(accept).extracting(MediaType::essence).containsExactly(
                "application/json", "application/*", "application/vnd.kubernetes.protobuf", "*/*", "text/plain");
        assertThat(accept).extracting(MediaType::quality).containsExactly(1.0, 1.0, 0.9, 0.1, 0.0);
        assertThat(accept.get(1).accepts("application", "yaml")).isTrue();
        assertThat(accept.get(0).accepts("application", "yaml")).isFalse();
    }

    @Test
    void toleratesOddButHarmlessHeaders() {
        assertThat(MediaType.parseAccept("")).isEmpty();
        assertThat(MediaType.parseAccept("*")).containsExactly(new MediaType("*", "*", Map.of(), 1));
        assertThat(MediaType.parseAccept("garbage, Application/JSON ; Q=0.5 ; Pretty=\"a,b\""))
                .containsExactly(new MediaType("application", "json", Map.of("pretty", "a,b"), 0.5));
        assertThat(MediaType.parseAccept("application/json;q=abc").get(0).quality()).isZero();
    }

    @Test
    void readsContentTypes() {
        assertThat(MediaType.parseContentType("application/json; charset=utf-8"))
                .contains(new MediaType("application", "json", Map.of("charset", "utf-8"), 1));
        assertThat(MediaType.parseContentType("application/apply-patch+yaml").map(MediaType::essence))
                .contains("application/apply-patch+yaml");
        assertThat(MediaType.parseContentType("application")).isEmpty();
        assertThat(MediaType.parseContentType("*/*")).isEmpty();
        assertThat(MediaType.parseContentType("")).isEmpty();
        assertThat(MediaType.parseContentType("a/b/c")).isEmpty();
    }
}
