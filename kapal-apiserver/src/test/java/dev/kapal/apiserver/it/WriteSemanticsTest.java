package dev.kapal.apiserver.it;

import static dev.kapal.apiserver.it.Errors.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a write does beyond storing the body: generation, the status/spec split, optimistic
 * concurrency, preconditions, dry runs, the three patch flavours, finalizers, graceful deletion,
 * binding, scale and eviction.
 */
@Timeout(30)
class WriteSemanticsTest {
    @RegisterExtension
    static final TestCluster cluster = TestCluster.memory();

    private final KubernetesClient client = cluster.client();

    private RawHttp http() {
        return new RawHttp(cluster.adminHttpClient(HttpClient.Version.HTTP_1_1), cluster.baseUri());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private ConfigMap createConfigMap(String name, Map<String, String> data) {
        return client.configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withName(name).endMetadata().withData(data).build()).create();
    }

    private Deployment createDeployment(String name) {
        return client.apps().deployments().inNamespace("default").resource(DefaultsTest.deployment(name, "nginx:1.25")).create();
    }

    @Test
    void generationBumpsOnSpecChangesOnly() {
        Deployment created = createDeployment("gen-deploy");
        assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);

        Deployment labelled = client.apps().deployments().inNamespace("default").withName("gen-deploy")
                .edit(d -> { d.getMetadata().setLabels(Map.of("team", "a")); return d; });
        assertThat(labelled.getMetadata().getGeneration()).isEqualTo(1L);

        Deployment scaled = client.apps().deployments().inNamespace("default").withName("gen-deploy")
                .edit(d -> { d.getSpec().setReplicas(3); return d; });
        assertThat(scaled.getMetadata().getGeneration()).isEqualTo(2L);

        Deployment statusChanged = client.apps().deployments().inNamespace("default").withName("gen-deploy")
                .editStatus(d -> { d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(2L).withReplicas(3).build()); return d; });
        assertThat(statusChanged.getMetadata().getGeneration()).isEqualTo(2L);
        assertThat(statusChanged.getStatus().getReplicas()).isEqualTo(3);
    }

    @Test
    void deploymentAnnotationsBumpGenerationAndTheStatusEndpointWritesThemWithoutABump() {
        createDeployment("annotated-deploy");
        Deployment annotated = client.apps().deployments().inNamespace("default").withName("annotated-deploy")
                .edit(d -> { d.getMetadata().setAnnotations(Map.of("kubernetes.io/change-cause", "why")); return d; });
        assertThat(annotated.getMetadata().getGeneration()).as("upstream: annotations are copied to replica sets").isEqualTo(2L);

        annotated.getMetadata().getAnnotations().put("deployment.kubernetes.io/revision", "1");
        annotated.getMetadata().setLabels(Map.of("ignored", "by-status"));
        annotated.setStatus(new DeploymentStatusBuilder().withObservedGeneration(2L).build());
        Deployment recorded = client.apps().deployments().inNamespace("default").resource(annotated).updateStatus();
        assertThat(recorded.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "1")
                .containsEntry("kubernetes.io/change-cause", "why");
        assertThat(recorded.getMetadata().getLabels()).as("deployments/status keeps labels").isNullOrEmpty();
        assertThat(recorded.getMetadata().getGeneration()).isEqualTo(2L);
        assertThat(recorded.getStatus().getObservedGeneration()).isEqualTo(2L);
    }

    @Test
    void mainResourceIgnoresStatusAndStatusSubresourceIgnoresSpec() {
        Deployment toCreate = DefaultsTest.deployment("split-deploy", "nginx:1.25");
        toCreate.setStatus(new DeploymentStatusBuilder().withReplicas(5).build());
        Deployment created = client.apps().deployments().inNamespace("default").resource(toCreate).create();
        assertThat(created.getStatus() == null ? null : created.getStatus().getReplicas()).isNull();

        Deployment current = client.apps().deployments().inNamespace("default").withName("split-deploy").get();
        current.setStatus(new DeploymentStatusBuilder().withReplicas(7).withObservedGeneration(9L).build());
        Deployment updated = client.apps().deployments().inNamespace("default").resource(current).update();
        assertThat(updated.getStatus() == null ? null : updated.getStatus().getReplicas()).isNull();

        updated.getSpec().setReplicas(9);
        updated.setStatus(new DeploymentStatusBuilder().withReplicas(4).withObservedGeneration(1L).build());
        Deployment statusUpdated = client.apps().deployments().inNamespace("default").resource(updated).updateStatus();
        assertThat(statusUpdated.getSpec().getReplicas()).isEqualTo(1);
        assertThat(statusUpdated.getStatus().getReplicas()).isEqualTo(4);
        Deployment read = client.apps().deployments().inNamespace("default").withName("split-deploy").get();
        assertThat(read.getSpec().getReplicas()).isEqualTo(1);
        assertThat(read.getStatus().getReplicas()).isEqualTo(4);
        assertThat(read.getMetadata().getGeneration()).isEqualTo(1L);
    }

    @Test
    void staleResourceVersionIsAConflict() {
        ConfigMap original = createConfigMap("occ", Map.of("v", "1"));
        ConfigMap first = new ConfigMapBuilder(original).withData(Map.of("v", "2")).build();
        client.configMaps().inNamespace("default").resource(first).update();
        ConfigMap stale = new ConfigMapBuilder(original).withData(Map.of("v", "3")).build();
        Status status = statusOf(409, () -> client.configMaps().inNamespace("default").resource(stale).update());
        assertThat(status.getReason()).isEqualTo("Conflict");
        assertThat(status.getMessage()).isEqualTo("Operation cannot be fulfilled on configmaps \"occ\": the object has been"
                + " modified; please apply your changes to the latest version and try again");
        assertThat(status.getDetails().getName()).isEqualTo("occ");
        assertThat(client.configMaps().inNamespace("default").withName("occ").get().getData()).containsEntry("v", "2");
    }

    @Test
    void deleteWithMismatchedUidPreconditionIsAConflict() {
        ConfigMap created = createConfigMap("precondition", Map.of());
        RawHttp.Answer answer = http().send("DELETE", "/api/v1/namespaces/default/configmaps/precondition", "application/json",
                utf8("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"preconditions\":{\"uid\":\"00000000-0000-0000-0000-000000000000\"}}"));
        assertThat(answer.status()).isEqualTo(409);
        JsonNode status = answer.jsonOrFail();
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("reason").asText()).isEqualTo("Conflict");
        assertThat(status.path("message").asText()).contains("Precondition failed: UID in precondition: "
                + "00000000-0000-0000-0000-000000000000, UID in object meta: " + created.getMetadata().getUid());
        assertThat(client.configMaps().inNamespace("default").withName("precondition").get()).isNotNull();

        RawHttp.Answer staleVersion = http().send("DELETE", "/api/v1/namespaces/default/configmaps/precondition", "application/json",
                utf8("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"preconditions\":{\"resourceVersion\":\"1\"}}"));
        assertThat(staleVersion.status()).isEqualTo(409);

        RawHttp.Answer matching = http().send("DELETE", "/api/v1/namespaces/default/configmaps/precondition", "application/json",
                utf8("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"preconditions\":{\"uid\":\""
                        + created.getMetadata().getUid() + "\"}}"));
        assertThat(matching.status()).isEqualTo(200);
        assertThat(client.configMaps().inNamespace("default").withName("precondition").get()).isNull();
    }

    @Test
    void dryRunPersistsNothing() {
        ConfigMap dryCreated = client.configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("dry").endMetadata().addToData("a", "1").build()).dryRun().create();
        assertThat(dryCreated.getMetadata().getName()).isEqualTo("dry");
        assertThat(dryCreated.getData()).containsEntry("a", "1");
        assertThat(client.configMaps().inNamespace("default").withName("dry").get()).isNull();

        ConfigMap real = createConfigMap("dry", Map.of("a", "1"));
        ConfigMap changed = new ConfigMapBuilder(real).withData(Map.of("a", "2")).build();
        ConfigMap dryUpdated = client.configMaps().inNamespace("default").resource(changed).dryRun().update();
        assertThat(dryUpdated.getData()).containsEntry("a", "2");
        client.configMaps().inNamespace("default").withName("dry").dryRun()
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"a\":\"3\"}}");
        client.configMaps().inNamespace("default").withName("dry").dryRun().delete();

        ConfigMap after = client.configMaps().inNamespace("default").withName("dry").get();
        assertThat(after).isNotNull();
        assertThat(after.getData()).containsEntry("a", "1");
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(real.getMetadata().getResourceVersion());
    }

    @Test
    void dryRunWithAnUnknownValueIsABadRequest() {
        RawHttp.Answer answer = http().send("POST", "/api/v1/namespaces/default/configmaps?dryRun=Some", "application/json",
                utf8("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"dry-bad\"}}"));
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.jsonOrFail().path("reason").asText()).isEqualTo("BadRequest");
    }

    @Test
    void concurrentPatchesWithoutAResourceVersionAllApply() throws Exception {
        // A patch that does not name a resourceVersion is re-applied to fresh state when another
        // write wins the race (upstream's GuaranteedUpdate): writers never see a 409.
        createConfigMap("contended", Map.of());
        int writers = 6;
        int patchesEach = 15;
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(writers)) {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int writer = 0; writer < writers; writer++) {
                int w = writer;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < patchesEach; i++) {
                        client.configMaps().inNamespace("default").withName("contended").patch(
                                PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"w" + w + "-" + i + "\":\"x\"}}");
                    }
                    return null;
                }));
            }
            for (var future : done) {
                future.get();
            }
        }
        assertThat(client.configMaps().inNamespace("default").withName("contended").get().getData())
                .hasSize(writers * patchesEach);
    }

    @Test
    void patchNamingAStaleResourceVersionIsAConflict() {
        ConfigMap original = createConfigMap("pinned-patch", Map.of("v", "1"));
        client.configMaps().inNamespace("default").withName("pinned-patch")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"v\":\"2\"}}");
        Status status = statusOf(409, () -> client.configMaps().inNamespace("default").withName("pinned-patch")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"resourceVersion\":\""
                        + original.getMetadata().getResourceVersion() + "\"},\"data\":{\"v\":\"3\"}}"));
        assertThat(status.getReason()).isEqualTo("Conflict");
        assertThat(client.configMaps().inNamespace("default").withName("pinned-patch").get().getData())
                .containsEntry("v", "2");
    }

    @Test
    void jsonPatchMergePatchAndEdit() {
        createConfigMap("patched", Map.of("a", "1", "b", "2"));
        ConfigMap jsonPatched = client.configMaps().inNamespace("default").withName("patched").patch(
                PatchContext.of(PatchType.JSON), "[{\"op\":\"replace\",\"path\":\"/data/a\",\"value\":\"10\"},"
                        + "{\"op\":\"remove\",\"path\":\"/data/b\"}]");
        assertThat(jsonPatched.getData()).containsExactlyEntriesOf(Map.of("a", "10"));

        ConfigMap mergePatched = client.configMaps().inNamespace("default").withName("patched").patch(
                PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"c\":\"3\",\"a\":null},\"metadata\":{\"labels\":{\"x\":\"y\"}}}");
        assertThat(mergePatched.getData()).containsExactlyEntriesOf(Map.of("c", "3"));
        assertThat(mergePatched.getMetadata().getLabels()).containsEntry("x", "y");

        ConfigMap edited = client.configMaps().inNamespace("default").withName("patched")
                .edit(cm -> new ConfigMapBuilder(cm).addToData("d", "4").build());
        assertThat(edited.getData()).containsEntry("d", "4").containsEntry("c", "3");

    }

    @Test
    void finalizersKeepAnObjectUntilRemoved() {
        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("finalized").addToFinalizers("example.com/keep").endMetadata().build()).create();
        client.configMaps().inNamespace("default").withName("finalized").delete();
        ConfigMap terminating = client.configMaps().inNamespace("default").withName("finalized").get();
        assertThat(terminating).isNotNull();
        assertThat(terminating.getMetadata().getDeletionTimestamp()).isNotNull();
        assertThat(terminating.getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(0L);

        client.configMaps().inNamespace("default").withName("finalized").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"finalizers\":null}}");
        assertThat(client.configMaps().inNamespace("default").withName("finalized").get()).isNull();
    }

    @Test
    void unboundPodIsDeletedAtOnce() {
        client.pods().inNamespace("default").resource(DefaultsTest.pod("unbound", "nginx:1.25")).create();
        client.pods().inNamespace("default").withName("unbound").delete();
        assertThat(client.pods().inNamespace("default").withName("unbound").get()).isNull();
    }

    @Test
    void scaleSubresource() {
        createDeployment("scaled");
        Scale scale = client.apps().deployments().inNamespace("default").withName("scaled").scale();
        assertThat(scale.getKind()).isEqualTo("Scale");
        assertThat(scale.getApiVersion()).isEqualTo("autoscaling/v1");
        assertThat(scale.getSpec().getReplicas()).isEqualTo(1);
        assertThat(scale.getStatus().getSelector()).isEqualTo("app=scaled");

        client.apps().deployments().inNamespace("default").withName("scaled").scale(4);
        Deployment read = client.apps().deployments().inNamespace("default").withName("scaled").get();
        assertThat(read.getSpec().getReplicas()).isEqualTo(4);
        assertThat(read.getMetadata().getGeneration()).isEqualTo(2L);
        assertThat(client.apps().deployments().inNamespace("default").withName("scaled").scale().getSpec().getReplicas())
                .isEqualTo(4);
    }

    @Test
    void evictionWithoutABudgetDeletesThePod() {
        client.pods().inNamespace("default").resource(DefaultsTest.pod("evict-free", "nginx:1.25")).create();
        assertThat(client.pods().inNamespace("default").withName("evict-free").evict()).isTrue();
        assertThat(client.pods().inNamespace("default").withName("evict-free").get()).isNull();
    }

}
