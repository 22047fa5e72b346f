package dev.kapal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OpenAPI and discovery documents over HTTP: the v3 index, per-group-version documents,
 * caching headers, v2 in both forms, 304s.
 */
@Timeout(60)
class OpenApiHttpTest {
    @RegisterExtension
    static final TestCluster cluster = TestCluster.memory();

    private static HttpResponse<byte[]> get(String path, String accept, String ifNoneMatch) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.baseUri() + path))
                .timeout(Duration.ofSeconds(30)).header("Accept", accept);
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        return cluster.adminHttpClient(HttpClient.Version.HTTP_1_1).send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void perGroupVersionDocumentsAreImmutableUnderTheirHashAndAnswer304ToTheirEtag() throws Exception {
        JsonNode index = RawHttp.JSON.readTree(get("/openapi/v3", "application/json", null).body());
        String url = index.path("paths").path("apis/apps/v1").path("serverRelativeURL").asText();
        assertThat(url).matches("/openapi/v3/apis/apps/v1\\?hash=[0-9A-F]{128}");

        HttpResponse<byte[]> document = get(url, "application/json", null);
        assertThat(document.statusCode()).isEqualTo(200);
        assertThat(document.headers().firstValue("Cache-Control")).contains("public, immutable");
        assertThat(document.headers().firstValue("Expires")).isPresent();
        String etag = document.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).isEqualTo("\"" + url.substring(url.indexOf("hash=") + 5) + "\"");
        JsonNode schemas = RawHttp.JSON.readTree(document.body()).path("components").path("schemas");
        assertThat(schemas.path("io.k8s.api.apps.v1.Deployment").path("description").asText())
                .startsWith("Deployment enables declarative updates");
        assertThat(schemas.has("io.k8s.api.core.v1.Pod")).isFalse();

        assertThat(get(url, "application/json", etag).statusCode()).isEqualTo(304);
        HttpResponse<byte[]> unhashed = get("/openapi/v3/apis/apps/v1", "application/json", null);
        assertThat(unhashed.headers().firstValue("Cache-Control")).isEmpty();
        assertThat(unhashed.headers().firstValue("ETag")).contains(etag);
    }

    @Test
    void swaggerV2ComesAsJsonOrProtobufEachWithItsEtag() throws Exception {
        HttpResponse<byte[]> json = get("/openapi/v2", "application/json", null);
        assertThat(json.statusCode()).isEqualTo(200);
        JsonNode swagger = RawHttp.JSON.readTree(json.body());
        assertThat(swagger.path("definitions").path("io.k8s.api.core.v1.PodSpec").path("properties").path("containers")
                .path("x-kubernetes-patch-merge-key").asText()).isEqualTo("name");
        String jsonEtag = json.headers().firstValue("ETag").orElseThrow();
        assertThat(get("/openapi/v2", "application/json", jsonEtag).statusCode()).isEqualTo(304);

        HttpResponse<byte[]> protobuf = get("/openapi/v2", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf", null);
        assertThat(protobuf.statusCode()).isEqualTo(200);
        assertThat(protobuf.headers().firstValue("Content-Type")).contains("application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
        assertThat(protobuf.headers().firstValue("ETag")).isPresent().isNotEqualTo(java.util.Optional.of(jsonEtag));
    }

    @Test
    void notModifiedCarriesNoContentTypeSoACacheKeepsTheStoredRepresentation() throws Exception {
        String aggregated = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
        HttpResponse<byte[]> first = get("/apis", aggregated, null);
        assertThat(first.headers().firstValue("Content-Type"))
                .contains("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
        HttpResponse<byte[]> again = get("/apis", aggregated, first.headers().firstValue("ETag").orElseThrow());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.headers().firstValue("Content-Type")).isEmpty();
        assertThat(again.headers().firstValue("ETag")).isEqualTo(first.headers().firstValue("ETag"));
        assertThat(again.body()).isEmpty();
    }
}
