package dev.kapal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Server-side apply and managedFields through the real server: apply creating and updating
 * objects, conflicts as upstream's 409, force, pruning of fields an applier gave up, and the
 * Update entries every other write leaves (manager from fieldManager or the user agent).
 */
@Timeout(60)
class ServerSideApplyTest {
    @RegisterExtension
    static final TestCluster cluster = TestCluster.memory();

    private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";
    private static final String CONFIG_MAPS = "/api/v1/namespaces/default/configmaps";
    private static final String APPLY = "application/apply-patch+yaml";

    private final KubernetesClient client = cluster.client();

    private static RawHttp http() {
        return new RawHttp(cluster.adminHttpClient(HttpClient.Version.HTTP_1_1), cluster.baseUri());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String deployment(String name, int replicas, String image) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: %s
                  labels:
                    app: %s
                spec:
                  replicas: %d
                  selector:
                    matchLabels:
                      app: %s
                  template:
                    metadata:
                      labels:
                        app: %s
                    spec:
                      containers:
                      - name: nginx
                        image: %s
                        ports:
                        - containerPort: 80
                """.formatted(name, name, replicas, name, name, image);
    }

    private static JsonNode entry(JsonNode object, String manager, String operation) {
        for (JsonNode entry : object.path("metadata").path("managedFields")) {
            if (entry.path("manager").asText().equals(manager) && entry.path("operation").asText().equals(operation)) {
                return entry;
            }
        }
        throw new AssertionError("no " + operation + " entry for " + manager + " in " + object.path("metadata"));
    }

    @Test
    void applyCreatesTheObjectAndRecordsExactlyTheAppliedFields() throws Exception {
        RawHttp.Answer created = http().send("PATCH", DEPLOYMENTS + "/ssa-create?fieldManager=mgr", APPLY,
                bytes(deployment("ssa-create", 2, "nginx:1.25")));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        JsonNode object = created.jsonOrFail();
        assertThat(object.path("spec").path("replicas").asInt()).isEqualTo(2);
        // Defaults were applied, but the applier does not own them.
        assertThat(object.path("spec").path("strategy").path("type").asText()).isEqualTo("RollingUpdate");
        JsonNode entry = entry(object, "mgr", "Apply");
        assertThat(entry.path("apiVersion").asText()).isEqualTo("apps/v1");
        assertThat(entry.path("fieldsType").asText()).isEqualTo("FieldsV1");
        assertThat(entry.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(entry.path("fieldsV1")).isEqualTo(RawHttp.JSON.readTree("""
                {"f:metadata":{"f:labels":{"f:app":{}}},
                 "f:spec":{"f:replicas":{},"f:selector":{},
                   "f:template":{"f:metadata":{"f:labels":{"f:app":{}}},
                     "f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{},
                       "f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}}}}}}}}
                """));
        assertThat(object.path("metadata").path("managedFields")).hasSize(1);

        RawHttp.Answer again = http().send("PATCH", DEPLOYMENTS + "/ssa-create?fieldManager=mgr", APPLY,
                bytes(deployment("ssa-create", 2, "nginx:1.25")));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.jsonOrFail().path("metadata").path("resourceVersion"))
                .isEqualTo(object.path("metadata").path("resourceVersion"));
    }

    @Test
    void aConflictIsUpstreamsStatusAndForceTakesTheField() {
        assertThat(http().send("PATCH", DEPLOYMENTS + "/ssa-conflict?fieldManager=mgr", APPLY,
                bytes(deployment("ssa-conflict", 1, "nginx:1.25"))).status()).isEqualTo(201);
        RawHttp.Answer scaled = http().send("PATCH", DEPLOYMENTS + "/ssa-conflict?fieldManager=scaler",
                "application/merge-patch+json", bytes("{\"spec\":{\"replicas\":3}}"));
        assertThat(scaled.status()).isEqualTo(200);
        assertThat(entry(scaled.jsonOrFail(), "scaler", "Update").path("fieldsV1").toString())
                .isEqualTo("{\"f:spec\":{\"f:replicas\":{}}}");
        assertThat(entry(scaled.jsonOrFail(), "mgr", "Apply").path("fieldsV1").path("f:spec").has("f:replicas")).isFalse();

        RawHttp.Answer conflict = http().send("PATCH", DEPLOYMENTS + "/ssa-conflict?fieldManager=mgr", APPLY,
                bytes(deployment("ssa-conflict", 5, "nginx:1.25")));
        assertThat(conflict.status()).isEqualTo(409);
        JsonNode status = conflict.jsonOrFail();
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("reason").asText()).isEqualTo("Conflict");
        assertThat(status.path("message").asText())
                .isEqualTo("Apply failed with 1 conflict: conflict with \"scaler\" using apps/v1: .spec.replicas");
        assertThat(status.path("details").path("causes")).singleElement().satisfies(cause -> {
            assertThat(cause.path("reason").asText()).isEqualTo("FieldManagerConflict");
            assertThat(cause.path("message").asText()).isEqualTo("conflict with \"scaler\" using apps/v1");
            assertThat(cause.path("field").asText()).isEqualTo(".spec.replicas");
        });

        // Applying the value the other manager set is no conflict: nothing changes.
        assertThat(http().send("PATCH", DEPLOYMENTS + "/ssa-conflict?fieldManager=mgr", APPLY,
                bytes(deployment("ssa-conflict", 3, "nginx:1.25"))).status()).isEqualTo(200);

        RawHttp.Answer forced = http().send("PATCH", DEPLOYMENTS + "/ssa-conflict?fieldManager=mgr&force=true", APPLY,
                bytes(deployment("ssa-conflict", 5, "nginx:1.25")));
        assertThat(forced.status()).as(forced.text()).isEqualTo(200);
        JsonNode object = forced.jsonOrFail();
        assertThat(object.path("spec").path("replicas").asInt()).isEqualTo(5);
        assertThat(entry(object, "mgr", "Apply").path("fieldsV1").path("f:spec").has("f:replicas")).isTrue();
        assertThat(object.path("metadata").path("managedFields").findValuesAsText("manager")).doesNotContain("scaler");
    }

    @Test
    void fieldsTheApplierGaveUpAreRemovedUnlessSomeoneElseOwnsThem() {
        String first = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: ssa-prune
                  labels: {a: "1", b: "2"}
                data: {one: "1", two: "2", three: "3"}
                """;
        assertThat(http().send("PATCH", CONFIG_MAPS + "/ssa-prune?fieldManager=mgr", APPLY, bytes(first)).status())
                .isEqualTo(201);
        // Another manager takes over "three" by setting it to a new value.
        assertThat(http().send("PATCH", CONFIG_MAPS + "/ssa-prune?fieldManager=editor", "application/merge-patch+json",
                bytes("{\"data\":{\"three\":\"drei\"}}")).status()).isEqualTo(200);
        String second = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: ssa-prune
                  labels: {a: "1"}
                data: {one: "1"}
                """;
        RawHttp.Answer applied = http().send("PATCH", CONFIG_MAPS + "/ssa-prune?fieldManager=mgr", APPLY, bytes(second));
        assertThat(applied.status()).as(applied.text()).isEqualTo(200);
        ConfigMap result = client.configMaps().inNamespace("default").withName("ssa-prune").get();
        assertThat(result.getData()).containsExactlyInAnyOrderEntriesOf(Map.of("one", "1", "three", "drei"));
        assertThat(result.getMetadata().getLabels()).containsExactlyEntriesOf(Map.of("a", "1"));
    }

    @Test
    void updatesAreRecordedUnderTheFieldManagerOrTheUserAgentsFirstSegment() throws Exception {
        RawHttp.Answer created = http().send("POST", CONFIG_MAPS, "application/json",
                bytes("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"ssa-update\",\"labels\":{\"app\":\"x\"}},"
                        + "\"data\":{\"k\":\"v\"}}"), false,
                Map.of("User-Agent", "kubectl-create/v1.33.0 (linux/amd64) kubernetes/abcdef"));
        assertThat(created.status()).isEqualTo(201);
        JsonNode createEntry = entry(created.jsonOrFail(), "kubectl-create", "Update");
        assertThat(createEntry.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(createEntry.path("fieldsV1")).isEqualTo(RawHttp.JSON.readTree(
                "{\"f:data\":{\".\":{},\"f:k\":{}},\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{}}}}"));

        JsonNode live = created.jsonOrFail();
        ((com.fasterxml.jackson.databind.node.ObjectNode) live.path("data")).put("k2", "v2");
        RawHttp.Answer edited = http().send("PUT", CONFIG_MAPS + "/ssa-update", "application/json",
                RawHttp.JSON.writeValueAsBytes(live), false, Map.of("User-Agent", "kubectl/v1.33.0"));
        assertThat(edited.status()).as(edited.text()).isEqualTo(200);
        JsonNode editEntry = entry(edited.jsonOrFail(), "kubectl", "Update");
        assertThat(editEntry.path("fieldsV1").toString()).isEqualTo("{\"f:data\":{\"f:k2\":{}}}");

        // The same manager's later updates collapse into its one entry.
        RawHttp.Answer again = http().send("PATCH", CONFIG_MAPS + "/ssa-update", "application/merge-patch+json",
                bytes("{\"data\":{\"k3\":\"v3\"}}"), false, Map.of("User-Agent", "kubectl/v1.33.0"));
        assertThat(again.jsonOrFail().path("metadata").path("managedFields")).hasSize(2);
        assertThat(entry(again.jsonOrFail(), "kubectl", "Update").path("fieldsV1").toString())
                .isEqualTo("{\"f:data\":{\"f:k2\":{},\"f:k3\":{}}}");

        // fabric8 writes through the typed client show up under its fieldManager.
        ConfigMap viaFabric8 = client.configMaps().inNamespace("default").withName("ssa-update").edit(cm ->
                new ConfigMapBuilder(cm).addToData("k4", "v4").build());
        List<ManagedFieldsEntry> entries = viaFabric8.getMetadata().getManagedFields();
        assertThat(entries).extracting(ManagedFieldsEntry::getManager).hasSize(3);
    }

    @Test
    void statusWritesAreRecordedWithTheirSubresource() {
        Deployment created = client.apps().deployments().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
                .withNewMetadata().withName("ssa-status").endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", "s").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "s").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("i").endContainer().endSpec().endTemplate()
                .endSpec().build()).create();
        created.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withObservedGeneration(1L).build());
        RawHttp.Answer status = http().send("PUT", DEPLOYMENTS + "/ssa-status/status?fieldManager=ctrl", "application/json",
                bytes(io.fabric8.kubernetes.client.utils.Serialization.asJson(created)));
        assertThat(status.status()).as(status.text()).isEqualTo(200);
        JsonNode entry = entry(status.jsonOrFail(), "ctrl", "Update");
        assertThat(entry.path("subresource").asText()).isEqualTo("status");
        assertThat(entry.path("fieldsV1").toString()).isEqualTo("{\"f:status\":{\"f:observedGeneration\":{}}}");
    }

    @Test
    void applyRequiresAFieldManagerAndAReadableBody() {
        RawHttp.Answer noManager = http().send("PATCH", CONFIG_MAPS + "/ssa-bad", APPLY,
                bytes("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa-bad\n"));
        assertThat(noManager.status()).isEqualTo(422);
        assertThat(noManager.jsonOrFail().path("message").asText())
                .isEqualTo("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
        RawHttp.Answer garbage = http().send("PATCH", CONFIG_MAPS + "/ssa-bad?fieldManager=m", APPLY, bytes("{ nope: ["));
        assertThat(garbage.status()).isEqualTo(400);
        RawHttp.Answer list = http().send("PATCH", CONFIG_MAPS + "/ssa-bad?fieldManager=m", APPLY, bytes("- a\n- b\n"));
        assertThat(list.status()).isEqualTo(400);
        RawHttp.Answer noKind = http().send("PATCH", CONFIG_MAPS + "/ssa-bad?fieldManager=m", APPLY,
                bytes("metadata:\n  name: ssa-bad\n"));
        assertThat(noKind.status()).isEqualTo(400);
        RawHttp.Answer forceOnMerge = http().send("PATCH", CONFIG_MAPS + "/ssa-bad?force=true",
                "application/merge-patch+json", bytes("{}"));
        assertThat(forceOnMerge.status()).isEqualTo(422);
    }
}
