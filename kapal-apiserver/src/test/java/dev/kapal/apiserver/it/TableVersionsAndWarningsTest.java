package dev.kapal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tables in meta.k8s.io/v1beta1 for older clients, and the deprecation warning of v1 Endpoints. */
@Timeout(30)
class TableVersionsAndWarningsTest {
    @RegisterExtension
    static final TestCluster cluster = TestCluster.memory();

    private static HttpResponse<byte[]> get(String path, String accept) throws Exception {
        HttpClient client = cluster.adminHttpClient(HttpClient.Version.HTTP_1_1);
        return client.send(HttpRequest.newBuilder(URI.create(cluster.baseUri() + path)).timeout(Duration.ofSeconds(20))
                .header("Accept", accept).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void olderClientsGetTheSameTableInV1beta1() throws Exception {
        JsonNode v1 = RawHttp.JSON.readTree(get("/api/v1/namespaces?includeObject=Metadata",
                "application/json;as=Table;v=v1;g=meta.k8s.io").body());
        JsonNode beta = RawHttp.JSON.readTree(get("/api/v1/namespaces?includeObject=Metadata",
                "application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json").body());
        assertThat(v1.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
        assertThat(beta.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1beta1");
        assertThat(beta.path("kind").asText()).isEqualTo("Table");
        assertThat(beta.path("columnDefinitions")).isEqualTo(v1.path("columnDefinitions"));
        assertThat(beta.path("rows").get(0).path("object").path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1beta1");
        assertThat(beta.path("rows").size()).isEqualTo(v1.path("rows").size());
    }

    @Test
    void v1EndpointsAreDeprecatedAsUpstreamSays() throws Exception {
        HttpResponse<byte[]> endpoints = get("/api/v1/namespaces/default/endpoints", "application/json");
        assertThat(endpoints.statusCode()).isEqualTo(200);
        assertThat(endpoints.headers().allValues("Warning"))
                .containsExactly("299 - \"v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\"");
        assertThat(get("/api/v1/namespaces/default/configmaps", "application/json").headers().allValues("Warning")).isEmpty();
    }
}
