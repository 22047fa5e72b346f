package dev.kapal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Real kubectl (1.27, 1.30, 1.33) against one real kapal server. */
@Timeout(120)
class KubectlIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> VERSIONS = Kubectl.VERSIONS;
    private static KapalProcess server;

    @BeforeAll
    static void startServer() throws Exception {
        server = KapalProcess.startFresh();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static Kubectl kubectl(String version) {
        return Kubectl.of(version, server.kubeconfig());
    }

    private static String configMapYaml(String name, String value) {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %s
                  labels:
                    suite: e2e
                data:
                  greeting: %s
                """.formatted(name, value);
    }

    private static String tag(String version) {
        return version.replace(".", "-");
    }

    @ParameterizedTest(name = "kubectl {0}")
    @FieldSource("VERSIONS")
    void createGetAndDelete(String version) {
        Kubectl kubectl = kubectl(version);
        String name = "created-" + tag(version);
        Kubectl.Result created = kubectl.runWithInput(configMapYaml(name, "hello"), "create", "-f", "-");
        assertThat(created.ok()).as("%s", created).isTrue();
        assertThat(created.out()).isEqualTo("configmap/" + name + " created\n");

        Kubectl.Result table = kubectl.run("get", "configmap", name);
        assertThat(table.ok()).as("%s", table).isTrue();
        assertThat(table.out().lines().toList()).hasSize(2);
        assertThat(table.out().lines().findFirst().orElseThrow()).matches("NAME\\s+DATA\\s+AGE");
        assertThat(table.out().lines().skip(1).findFirst().orElseThrow()).matches(name + "\\s+1\\s+\\d+s");

        Kubectl.Result yaml = kubectl.run("get", "configmap", name, "-o", "yaml");
        assertThat(yaml.ok()).as("%s", yaml).isTrue();
        assertThat(yaml.out()).contains("kind: ConfigMap", "name: " + name, "greeting: hello", "resourceVersion: \"",
                "uid: ", "creationTimestamp: \"", "namespace: default");

        Kubectl.Result jsonPath = kubectl.run("get", "configmap", name, "-o", "jsonpath={.data.greeting}");
        assertThat(jsonPath.out()).isEqualTo("hello");

        Kubectl.Result deleted = kubectl.run("delete", "configmap", name);
        assertThat(deleted.ok()).as("%s", deleted).isTrue();
        assertThat(deleted.out()).isEqualTo("configmap \"" + name + "\" deleted\n");

        Kubectl.Result missing = kubectl.run("get", "configmap", name);
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("Error from server (NotFound): configmaps \"" + name + "\" not found");
    }

    @ParameterizedTest(name = "kubectl {0}")
    @FieldSource("VERSIONS")
    void createConfigMapFromLiteral(String version) {
        // kubectl sends this body as protobuf (application/vnd.kubernetes.protobuf).
        Kubectl kubectl = kubectl(version);
        String name = "literal-" + tag(version);
        Kubectl.Result created = kubectl.run("create", "configmap", name, "--from-literal=a=b");
        assertThat(created.ok()).as("%s", created).isTrue();
        assertThat(created.out()).isEqualTo("configmap/" + name + " created\n");
        assertThat(kubectl.run("get", "configmap", name, "-o", "jsonpath={.data.a}").out()).isEqualTo("b");
    }

    @ParameterizedTest(name = "kubectl {0}")
    @FieldSource("VERSIONS")
    void applyCreatesThenLeavesUnchangedThenConfigures(String version) {
        Kubectl kubectl = kubectl(version);
        String name = "applied-" + tag(version);
        Kubectl.Result first = kubectl.runWithInput(configMapYaml(name, "one"), "apply", "-f", "-");
        assertThat(first.ok()).as("%s", first).isTrue();
        assertThat(first.out()).isEqualTo("configmap/" + name + " created\n");

        Kubectl.Result second = kubectl.runWithInput(configMapYaml(name, "one"), "apply", "-f", "-");
        assertThat(second.ok()).as("%s", second).isTrue();
        assertThat(second.out()).isEqualTo("configmap/" + name + " unchanged\n");

        Kubectl.Result third = kubectl.runWithInput(configMapYaml(name, "two"), "apply", "-f", "-");
        assertThat(third.ok()).as("%s", third).isTrue();
        assertThat(third.out()).isEqualTo("configmap/" + name + " configured\n");
        assertThat(kubectl.run("get", "configmap", name, "-o", "jsonpath={.data.greeting}").out()).isEqualTo("two");
        assertThat(kubectl.run("get", "configmap", name, "-o",
                "jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}").out())
                .contains("\"greeting\":\"two\"");

        Kubectl.Result deleted = kubectl.runWithInput(configMapYaml(name, "two"), "delete", "-f", "-");
        assertThat(deleted.ok()).as("%s", deleted).isTrue();
    }

    @ParameterizedTest(name = "kubectl {0}")
    @FieldSource("VERSIONS")
    void systemNamespacesAndTheKubernetesService(String version) {
        Kubectl kubectl = kubectl(version);
        Kubectl.Result namespaces = kubectl.run("get", "ns", "-o", "name");
        assertThat(namespaces.ok()).as("%s", namespaces).isTrue();
        assertThat(namespaces.out().lines().toList())
                .contains("namespace/default", "namespace/kube-system", "namespace/kube-public", "namespace/kube-node-lease");

        Kubectl.Result service = kubectl.run("get", "svc", "kubernetes");
        assertThat(service.ok()).as("%s", service).isTrue();
        assertThat(service.out().lines().findFirst().orElseThrow())
                .matches("NAME\\s+TYPE\\s+CLUSTER-IP\\s+EXTERNAL-IP\\s+PORT\\(S\\)\\s+AGE");
        assertThat(service.out().lines().skip(1).findFirst().orElseThrow())
                .matches("kubernetes\\s+ClusterIP\\s+10\\.43\\.0\\.1\\s+<none>\\s+443/TCP\\s+\\S+");
    }

    @Test
    void getWatchSeesAChange() throws Exception {
        Kubectl kubectl = kubectl("1.33");
        assertThat(kubectl.run("create", "namespace", "watched").ok()).isTrue();
        Process watch = kubectl.start("get", "configmaps", "-n", "watched", "-w", "-o", "name");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (Exception ignored) {
                // The process ended.
            }
        });
        try {
            // kube-root-ca.crt may or may not exist yet; wait until the watch is certainly open.
            Thread.sleep(1_500);
            assertThat(kubectl.runWithInput(configMapYaml("seen-by-watch", "x"), "create", "-n", "watched", "-f", "-").ok()).isTrue();
            String line;
            do {
                line = lines.poll(20, TimeUnit.SECONDS);
                assertThat(line).as("a line from kubectl get -w").isNotNull();
            } while (!line.equals("configmap/seen-by-watch"));
        } finally {
            watch.destroy();
            watch.waitFor(5, TimeUnit.SECONDS);
            reader.join(5_000);
        }
    }

    private static HttpResponse<String> send(HttpClient client, String method, String path, String contentType, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anonymousRequestIsUnauthorized() throws Exception {
        HttpClient anonymous = Tls.anonymousClient(Kubeconfig.read(server.kubeconfig()), HttpClient.Version.HTTP_1_1);
        HttpResponse<String> answer = send(anonymous, "GET", "/api/v1/namespaces/default/configmaps", null, null);
        assertThat(answer.statusCode()).isEqualTo(401);
        JsonNode status = JSON.readTree(answer.body());
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("reason").asText()).isEqualTo("Unauthorized");
        assertThat(status.path("code").asInt()).isEqualTo(401);
        assertThat(send(anonymous, "GET", "/version", null, null).statusCode()).isEqualTo(200);
        assertThat(send(anonymous, "GET", "/readyz?verbose", null, null).body()).contains("readyz check passed");
    }

    @Test
    void malformedJsonIsABadRequest() throws Exception {
        HttpClient admin = Tls.adminClient(Kubeconfig.read(server.kubeconfig()), HttpClient.Version.HTTP_1_1);
        HttpResponse<String> answer = send(admin, "POST", "/api/v1/namespaces/default/configmaps", "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":");
        assertThat(answer.statusCode()).isEqualTo(400);
        JsonNode status = JSON.readTree(answer.body());
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("reason").asText()).isEqualTo("BadRequest");
        HttpClient h2 = Tls.adminClient(Kubeconfig.read(server.kubeconfig()), HttpClient.Version.HTTP_2);
        HttpResponse<String> overH2 = send(h2, "GET", "/api/v1/namespaces/default/configmaps", null, null);
        assertThat(overH2.statusCode()).isEqualTo(200);
        assertThat(overH2.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }

    @Test
    void discoveryStaysUsableAfterALegacyDiscoveryRequestFilledTheHttpCache() {
        for (String version : List.of("1.27", "1.33")) {
            Kubectl kubectl = kubectl(version);
            assertThat(kubectl.run("api-resources").ok()).isTrue();
            // The same URLs asked for in the legacy form: the cache then holds both and
            // revalidates with If-None-Match (304s) on the next aggregated request.
            assertThat(kubectl.run("get", "--raw", "/apis").ok()).isTrue();
            assertThat(kubectl.run("get", "--raw", "/api").ok()).isTrue();
            Kubectl.Result resources = kubectl.run("api-resources");
            assertThat(resources.ok()).as("%s", resources).isTrue();
            assertThat(resources.out()).as(version).contains("deployments", "configmaps");
            Kubectl.Result get = kubectl.run("get", "deploy", "-A");
            assertThat(get.ok()).as("%s", get).isTrue();
        }
    }

    @Test
    void kubectlVersionSeesKubernetes133() {
        Kubectl.Result version = kubectl("1.33").run("version", "-o", "json");
        assertThat(version.ok()).as("%s", version).isTrue();
        assertThat(version.out()).contains("\"minor\": \"33\"");
        assertThat(version.err()).doesNotContain("WARNING");
    }
}
