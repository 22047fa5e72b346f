package dev.kapal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random requests sent with the admin certificate never make the server fail (5xx), every error
 * answer outside the health endpoints is a {@code Status} object, and the server stays healthy.
 */
class HttpFrontFuzzTest {
    private static final TestCluster cluster = TestCluster.memory();
    private static RawHttp http;

    private static final List<String> SEGMENTS = List.of(
            "api", "apis", "v1", "apps", "namespaces", "default", "kube-system", "configmaps", "pods", "services",
            "deployments", "secrets", "status", "scale", "binding", "eviction", "log", "finalize", "watch",
            "version", "healthz", "readyz", "openapi", "v2", "v3", "metrics", "nodes", "leases",
            "coordination.k8s.io", "%2F", "..", ".", "", "%00", "%20", "%2e%2e", "ü", "日本", "a:b", "-", "x".repeat(300),
            "UPPER", "0", "%25");
    private static final List<String> QUERIES = List.of(
            "", "watch=1", "watch=true&resourceVersion=0", "labelSelector=%21%21", "labelSelector=a%20in%20(",
            "fieldSelector=metadata.name%3D%3D", "fieldSelector=spec.nope%3Dx", "limit=-1", "limit=abc", "limit=2",
            "continue=garbage", "resourceVersion=abc", "resourceVersionMatch=Exact", "dryRun=All", "dryRun=Nope",
            "gracePeriodSeconds=x", "propagationPolicy=Sideways", "pretty=true", "fieldManager=%00", "verbose",
            "sendInitialEvents=true", "allowWatchBookmarks=true", "timeoutSeconds=-5", "force=maybe");
    private static final List<String> CONTENT_TYPES = List.of(
            "", "application/json", "application/yaml", "application/merge-patch+json", "application/json-patch+json",
            "application/strategic-merge-patch+json", "application/apply-patch+yaml", "application/vnd.kubernetes.protobuf",
            "text/plain", "multipart/form-data; boundary=x", "application/json; charset=latin1", "garbage", "*/*");

    @BeforeContainer
    static void start() throws Exception {
        cluster.start();
        http = new RawHttp(cluster.adminHttpClient(HttpClient.Version.HTTP_1_1), cluster.baseUri());
    }

    @AfterContainer
    static void stop() {
        cluster.close();
    }

    record Request(String method, String path, String query, String contentType, String body) {
    }

    @Provide
    Arbitrary<Request> requests() {
        Arbitrary<String> method = Arbitraries.of("GET", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
        Arbitrary<String> path = Arbitraries.of(SEGMENTS).list().ofMinSize(0).ofMaxSize(7)
                .map(segments -> "/" + String.join("/", segments));
        Arbitrary<String> query = Arbitraries.of(QUERIES).list().ofMaxSize(3).map(parts -> String.join("&", parts));
        Arbitrary<String> body = Arbitraries.oneOf(
                Arbitraries.of("", "{}", "[]", "null", "1e99999", "\"text\"", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"}",
                        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"fuzz\"},\"data\":{\"a\":1}}",
                        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"fuzz\"},\"spec\":{\"containers\":{}}}",
                        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"fuzz\"},\"spec\":7}",
                        "{\"metadata\":{\"name\":\"fuzz\",\"resourceVersion\":\"x\",\"uid\":5,\"labels\":[]}}",
                        "[{\"op\":\"move\",\"from\":\"/nope\",\"path\":\"/metadata\"}]", "[{\"op\":\"explode\"}]",
                        "{\"spec\":{\"containers\":[{\"$patch\":\"replace\"}]}}", "{\"$setElementOrder/containers\":7}",
                        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fuzz-yaml\n", "- a\n- : b\n  c: [",
                        "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"preconditions\":{\"uid\":7}}",
                        "[".repeat(5000), "{\"a\":".repeat(2000), "\u0000\u0001\u0002", "k8s\u0000\u0001\u0002\u0003"),
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.strings().withChars("{}[]\":,0123456789abcnulltrue ").ofMaxLength(100));
        Arbitrary<String> contentType = Arbitraries.of(CONTENT_TYPES);
        return Combinators.combine(method, path, query, contentType, body).as(Request::new);
    }

    @Property(tries = 400, shrinking = ShrinkingMode.BOUNDED)
    void noRequestBreaksTheServer(@ForAll("requests") Request request) {
        // Every watch ends quickly, so a random watch cannot hang the property.
        String query = request.query().isEmpty() ? "timeoutSeconds=1" : request.query() + "&timeoutSeconds=1";
        URI uri;
        try {
            uri = new URI(cluster.baseUri() + request.path() + "?" + query);
        } catch (URISyntaxException unrepresentable) {
            Assume.that(false);
            return;
        }
        boolean sendsBody = !request.method().equals("GET") && !request.method().equals("HEAD")
                && !request.method().equals("OPTIONS");
        RawHttp.Answer answer = http.send(request.method(), uri.getRawPath() + "?" + uri.getRawQuery(),
                request.contentType().isEmpty() ? null : request.contentType(),
                sendsBody ? request.body().getBytes(StandardCharsets.UTF_8) : null);

        assertThat(answer.status()).as("%s answered %s: %s", request, answer.status(), answer.text()).isLessThan(500);
        boolean healthEndpoint = request.path().startsWith("/healthz") || request.path().startsWith("/readyz")
                || request.path().startsWith("/livez");
        if (answer.status() >= 400 && !request.method().equals("HEAD") && !healthEndpoint) {
            JsonNode status = answer.json().orElseThrow(() -> new AssertionError(
                    request + " answered " + answer.status() + " without a JSON body: " + answer.text()));
            assertThat(status.path("kind").asText()).as("%s answered %s", request, answer.text()).isEqualTo("Status");
            assertThat(status.path("code").asInt()).as("%s answered %s", request, answer.text()).isEqualTo(answer.status());
        }
        assertThat(http.get("/readyz").status()).as("readyz after %s", request).isEqualTo(200);
    }
}
