package dev.kapal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupList;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The HTTP front: authentication, the non-resource endpoints, body handling, HTTP/2, discovery. */
@Timeout(30)
class HttpFrontTest {
    @RegisterExtension
    static final TestCluster cluster = TestCluster.memory();

    private final KubernetesClient client = cluster.client();

    private RawHttp admin() {
        return new RawHttp(cluster.adminHttpClient(HttpClient.Version.HTTP_1_1), cluster.baseUri());
    }

    private RawHttp anonymous() {
        return new RawHttp(cluster.anonymousHttpClient(), cluster.baseUri());
    }

    private static void assertStatus(RawHttp.Answer answer, int code, String reason) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(code);
        assertThat(answer.contentType()).startsWith("application/json");
        JsonNode status = answer.jsonOrFail();
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(status.path("status").asText()).isEqualTo("Failure");
        assertThat(status.path("code").asInt()).isEqualTo(code);
        assertThat(status.path("reason").asText()).isEqualTo(reason);
        assertThat(status.path("message").asText()).isNotEmpty();
    }

    @Test
    void anonymousResourceRequestIsUnauthorized() {
        assertStatus(anonymous().get("/api/v1/namespaces/default/configmaps"), 401, "Unauthorized");
        assertStatus(anonymous().get("/api"), 401, "Unauthorized");
    }

    @Test
    void versionAndHealthAreOpenToAnonymous() {
        RawHttp.Answer version = anonymous().get("/version");
        assertThat(version.status()).isEqualTo(200);
        assertThat(version.jsonOrFail().path("major").asText()).isEqualTo("1");
        assertThat(version.jsonOrFail().path("minor").asText()).isEqualTo("33");
        assertThat(version.jsonOrFail().path("gitVersion").asText()).startsWith("v1.33.");

        RawHttp.Answer healthz = anonymous().get("/healthz");
        assertThat(healthz.status()).isEqualTo(200);
        assertThat(healthz.text()).isEqualTo("ok");

        RawHttp.Answer readyz = anonymous().get("/readyz?verbose");
        assertThat(readyz.status()).isEqualTo(200);
        assertThat(readyz.text()).contains("[+]ping ok").contains("[+]etcd ok").endsWith("readyz check passed\n");

        assertThat(anonymous().get("/livez").status()).isEqualTo(200);
        assertThat(admin().get("/healthz/ping").text()).isEqualTo("ok");
    }

    @Test
    void unknownHealthCheckIsNotFound() {
        assertThat(admin().get("/healthz/no-such-check").status()).isEqualTo(404);
    }

    @Test
    void malformedJsonIsABadRequest() {
        assertStatus(admin().send("POST", "/api/v1/namespaces/default/configmaps", "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{".getBytes(StandardCharsets.UTF_8)), 400, "BadRequest");
        assertStatus(admin().send("POST", "/api/v1/namespaces/default/configmaps", "application/json",
                "[1,2,3]".getBytes(StandardCharsets.UTF_8)), 400, "BadRequest");
    }

    @Test
    void kindMismatchIsABadRequest() {
        RawHttp.Answer answer = admin().send("POST", "/api/v1/namespaces/default/configmaps", "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"mismatch\"}}".getBytes(StandardCharsets.UTF_8));
        assertStatus(answer, 400, "BadRequest");
    }

    @Test
    void bodyOverFourMebibytesIsTooLarge() {
        byte[] body = new byte[4 * 1024 * 1024];
        byte[] head = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"huge\"},\"data\":{\"x\":\""
                .getBytes(StandardCharsets.UTF_8);
        Arrays.fill(body, (byte) 'a');
        System.arraycopy(head, 0, body, 0, head.length);
        body[body.length - 3] = '"';
        body[body.length - 2] = '}';
        body[body.length - 1] = '}';
        // The server answers 413 and closes while a client still uploads, and the JDK client then
        // reports the reset instead of the answer; with Expect: 100-continue it sees the answer.
        RawHttp.Answer answer = admin().send("POST", "/api/v1/namespaces/default/configmaps", "application/json", body, true);
        assertStatus(answer, 413, "RequestEntityTooLarge");
        assertThat(answer.jsonOrFail().path("message").asText()).isEqualTo("Request entity too large: limit is 3145728");
        assertThat(client.configMaps().inNamespace("default").withName("huge").get()).isNull();
        // The connection pool and server are still fine afterwards.
        assertThat(admin().get("/api/v1/namespaces/default/configmaps").status()).isEqualTo(200);
    }

    @Test
    void unsupportedContentTypeIsUnsupportedMediaType() {
        assertStatus(admin().send("POST", "/api/v1/namespaces/default/configmaps", "text/plain",
                "hello".getBytes(StandardCharsets.UTF_8)), 415, "UnsupportedMediaType");
        assertStatus(admin().send("PATCH", "/api/v1/namespaces/default/configmaps/whatever", "application/json",
                "{}".getBytes(StandardCharsets.UTF_8)), 415, "UnsupportedMediaType");
    }

    @Test
    void yamlBodyIsAccepted() {
        RawHttp.Answer answer = admin().send("POST", "/api/v1/namespaces/default/configmaps", "application/yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  k: v\n".getBytes(StandardCharsets.UTF_8));
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        assertThat(client.configMaps().inNamespace("default").withName("from-yaml").get().getData()).containsEntry("k", "v");
    }

    @Test
    void unknownPathIsNotFoundStatus() {
        assertStatus(admin().get("/api/v1/namespaces/default/widgets"), 404, "NotFound");
        assertStatus(admin().get("/apis/no.such.group/v1/things"), 404, "NotFound");
    }

    @Test
    void http2IsNegotiated() {
        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("over-h2").endMetadata().build()).create();
        RawHttp h2 = new RawHttp(cluster.adminHttpClient(HttpClient.Version.HTTP_2), cluster.baseUri());
        RawHttp.Answer answer = h2.get("/api/v1/namespaces/default/configmaps/over-h2");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(answer.jsonOrFail().path("metadata").path("name").asText()).isEqualTo("over-h2");
        RawHttp.Answer created = h2.send("POST", "/api/v1/namespaces/default/configmaps", "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"posted-over-h2\"}}".getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }

    @Test
    void userFromAClientCertificateIsAuthenticated() {
        KubernetesClient alice = cluster.clientFor("alice", "developers");
        assertThat(alice.configMaps().inNamespace("default").list().getItems()).isNotNull();
        RawHttp.Answer review = admin().send("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", "application/json",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(review.status()).as(review.text()).isEqualTo(201);
        assertThat(review.jsonOrFail().path("status").path("userInfo").path("username").asText()).isEqualTo("system:admin");
    }

    @Test
    void discoveryThroughFabric8() {
        APIGroupList groups = client.getApiGroups();
        assertThat(groups.getGroups()).extracting(APIGroup::getName)
                .contains("apps", "batch", "policy", "rbac.authorization.k8s.io", "coordination.k8s.io", "apiextensions.k8s.io");
        APIGroup apps = groups.getGroups().stream().filter(g -> g.getName().equals("apps")).findFirst().orElseThrow();
        assertThat(apps.getPreferredVersion().getGroupVersion()).isEqualTo("apps/v1");

        APIResourceList resources = client.getApiResources("apps/v1");
        assertThat(resources.getGroupVersion()).isEqualTo("apps/v1");
        APIResource deployments = resources.getResources().stream().filter(r -> r.getName().equals("deployments"))
                .findFirst().orElseThrow();
        assertThat(deployments.getKind()).isEqualTo("Deployment");
        assertThat(deployments.getNamespaced()).isTrue();
        assertThat(deployments.getShortNames()).containsExactly("deploy");
        assertThat(deployments.getVerbs()).contains("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
        assertThat(resources.getResources()).extracting(APIResource::getName)
                .contains("deployments/scale", "deployments/status", "replicasets", "statefulsets", "daemonsets");

        APIResourceList core = client.getApiResources("v1");
        assertThat(core.getResources()).extracting(APIResource::getName)
                .contains("pods", "pods/binding", "pods/eviction", "pods/status", "configmaps", "secrets", "services", "namespaces");
    }
}
