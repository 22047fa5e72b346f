package dev.kapal.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.controllers.replicaset.Pods;
import dev.kapal.controllers.replicaset.ReplicaSetController;
import dev.kapal.controllers.runtime.Controller;
import dev.kapal.controllers.runtime.ControllerContext;
import dev.kapal.controllers.runtime.ObjectKey;
import dev.kapal.controllers.testing.ControllerTestCluster;
import dev.kapal.controllers.testing.FakeKubelet;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Deployment controller with the ReplicaSet controller against a real in-process API server;
 * the test plays the kubelet (marks pods Running and Ready) since no node agent runs here.
 */
class DeploymentControllerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static ControllerTestCluster cluster;
    private static KubernetesClient admin;
    private static FakeKubelet kubelet;
    private static ControllerContext context;
    private static Controller<ObjectKey> replicaSets;
    private static Controller<ObjectKey> deployments;

    @BeforeAll
    static void start() throws Exception {
        cluster = ControllerTestCluster.start("deploy-test-");
        admin = cluster.admin();
        kubelet = cluster.kubelet();
        context = cluster.context();
        replicaSets = ReplicaSetController.replicaSets(context);
        deployments = DeploymentController.create(context);
        cluster.run(replicaSets, deployments);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static String namespace() {
        return cluster.namespace();
    }

    private static Deployment seedDeployment(String namespace) throws Exception {
        try (InputStream yaml = DeploymentControllerTest.class.getResourceAsStream("/seeds/nginx-deployment.yaml")) {
            Deployment deployment = admin.getKubernetesSerialization().unmarshal(yaml, Deployment.class);
            return admin.apps().deployments().inNamespace(namespace).resource(deployment).create();
        }
    }

    private static Deployment deployment(String namespace, String name) {
        return admin.apps().deployments().inNamespace(namespace).withName(name).get();
    }

    private static List<ReplicaSet> replicaSets(String namespace) {
        return admin.apps().replicaSets().inNamespace(namespace).list().getItems();
    }

    private static Optional<ReplicaSet> withRevision(String namespace, long revision) {
        return replicaSets(namespace).stream().filter(rs -> Rollouts.revision(rs) == revision).findFirst();
    }

    private static List<Pod> activePods(String namespace) {
        return cluster.activePods(namespace);
    }

    /** Kubelet's part: every active pod not yet ready becomes Running and Ready. */
    private static void readyAll(String namespace) {
        activePods(namespace).stream().filter(pod -> !Pods.ready(pod)).forEach(kubelet::ready);
    }

    private static List<String> scalingEvents(String namespace) {
        return admin.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(event -> event.getReason().equals("ScalingReplicaSet"))
                .sorted(Comparator.comparing(Event::getMetadata, Comparator.comparing(meta -> meta.getName())))
                .map(Event::getMessage).toList();
    }

    private static Optional<DeploymentCondition> condition(Deployment deployment, String type) {
        return deployment.getStatus() == null || deployment.getStatus().getConditions() == null ? Optional.empty()
                : deployment.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst();
    }

    /** What kubectl rollout status calls done: observed, all updated, no old replicas, all available. */
    private static boolean rolledOut(Deployment d) {
        return d.getStatus() != null && d.getStatus().getObservedGeneration() != null
                && d.getStatus().getObservedGeneration() >= d.getMetadata().getGeneration()
                && Rollouts.intValue(d.getStatus().getUpdatedReplicas()) == d.getSpec().getReplicas()
                && Rollouts.intValue(d.getStatus().getReplicas()) == Rollouts.intValue(d.getStatus().getUpdatedReplicas())
                && Rollouts.intValue(d.getStatus().getAvailableReplicas()) == Rollouts.intValue(d.getStatus().getUpdatedReplicas());
    }

    /** Plays the kubelet until the deployment has rolled out; returns the largest replica total seen on the way. */
    private static int rollOut(String namespace, String name) {
        int[] largest = {0};
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            largest[0] = Math.max(largest[0], replicaSets(namespace).stream().mapToInt(Rollouts::replicas).sum());
            readyAll(namespace);
            Deployment d = deployment(namespace, name);
            return rolledOut(d) && condition(d, "Progressing").map(c -> c.getReason().equals("NewReplicaSetAvailable")).orElse(false);
        });
        return largest[0];
    }

    private static void setImage(String namespace, String name, String image) {
        admin.apps().deployments().inNamespace(namespace).withName(name).edit(d -> {
            d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
            return d;
        });
    }

    /** What {@code kubectl rollout undo --to-revision=N} sends: the revision's template (hash label removed) and annotations, as a JSON patch. */
    private static void undoTo(String namespace, String name, long revision) {
        ReplicaSet rs = withRevision(namespace, revision).orElseThrow();
        PodTemplateSpec template = Serialization.jsonMapper().convertValue(rs.getSpec().getTemplate(), PodTemplateSpec.class);
        template.getMetadata().getLabels().remove(Rollouts.TEMPLATE_HASH_LABEL);
        Deployment d = deployment(namespace, name);
        Map<String, String> annotations = new HashMap<>();
        for (String skipped : List.of(Rollouts.LAST_APPLIED, Rollouts.REVISION, Rollouts.REVISION_HISTORY,
                Rollouts.DESIRED_REPLICAS, Rollouts.MAX_REPLICAS, Rollouts.ROLLBACK_TO)) {
            if (d.getMetadata().getAnnotations().containsKey(skipped)) {
                annotations.put(skipped, d.getMetadata().getAnnotations().get(skipped));
            }
        }
        rs.getMetadata().getAnnotations().forEach((key, value) -> {
            if (!List.of(Rollouts.LAST_APPLIED, Rollouts.REVISION, Rollouts.REVISION_HISTORY, Rollouts.DESIRED_REPLICAS,
                    Rollouts.MAX_REPLICAS, Rollouts.ROLLBACK_TO).contains(key)) {
                annotations.put(key, value);
            }
        });
        ArrayNode patch = JsonNodeFactory.instance.arrayNode();
        ObjectNode replaceTemplate = patch.addObject().put("op", "replace").put("path", "/spec/template");
        replaceTemplate.set("value", Serialization.jsonMapper().valueToTree(template));
        ObjectNode replaceAnnotations = patch.addObject().put("op", "replace").put("path", "/metadata/annotations");
        replaceAnnotations.set("value", Serialization.jsonMapper().valueToTree(annotations));
        admin.apps().deployments().inNamespace(namespace).withName(name).patch(PatchContext.of(PatchType.JSON), patch.toString());
    }

    @Test
    void seedNginxDeploymentRollsOutSetImageRollsForwardAndUndoToRevisionOneRestoresTheImage() throws Exception {
        String ns = namespace();
        seedDeployment(ns);
        rollOut(ns, "nginx-deployment");

        Deployment d = deployment(ns, "nginx-deployment");
        assertThat(d.getStatus().getReplicas()).isEqualTo(3);
        assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(3);
        assertThat(d.getStatus().getReadyReplicas()).isEqualTo(3);
        assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(3);
        assertThat(Rollouts.intValue(d.getStatus().getUnavailableReplicas())).isZero();
        assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
        assertThat(d.getMetadata().getAnnotations()).containsEntry(Rollouts.REVISION, "1");
        assertThat(d.getMetadata().getGeneration()).as("the controller's revision annotation does not bump generation").isEqualTo(1L);
        assertThat(condition(d, "Available")).hasValueSatisfying(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("MinimumReplicasAvailable");
            assertThat(c.getMessage()).isEqualTo("Deployment has minimum availability.");
        });
        List<ReplicaSet> sets = replicaSets(ns);
        assertThat(sets).hasSize(1);
        ReplicaSet first = sets.get(0);
        String hash = first.getMetadata().getLabels().get(Rollouts.TEMPLATE_HASH_LABEL);
        assertThat(hash).matches("[bcdfghjklmnpqrstvwxz2456789]{1,10}");
        assertThat(first.getMetadata().getName()).isEqualTo("nginx-deployment-" + hash);
        assertThat(first.getSpec().getSelector().getMatchLabels()).containsEntry(Rollouts.TEMPLATE_HASH_LABEL, hash)
                .containsEntry("app", "nginx-pod");
        assertThat(first.getSpec().getTemplate().getMetadata().getLabels()).containsEntry(Rollouts.TEMPLATE_HASH_LABEL, hash);
        assertThat(first.getMetadata().getAnnotations()).containsEntry(Rollouts.REVISION, "1")
                .containsEntry(Rollouts.DESIRED_REPLICAS, "3").containsEntry(Rollouts.MAX_REPLICAS, "4");
        assertThat(first.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("Deployment");
            assertThat(owner.getUid()).isEqualTo(d.getMetadata().getUid());
            assertThat(owner.getController()).isTrue();
        });
        assertThat(condition(d, "Progressing")).hasValueSatisfying(c -> assertThat(c.getMessage())
                .isEqualTo("ReplicaSet \"" + first.getMetadata().getName() + "\" has successfully progressed."));
        assertThat(activePods(ns)).hasSize(3).allSatisfy(pod -> {
            assertThat(pod.getMetadata().getName()).startsWith("nginx-deployment-" + hash + "-");
            assertThat(pod.getMetadata().getLabels()).containsEntry(Rollouts.TEMPLATE_HASH_LABEL, hash);
        });
        await().atMost(WAIT).untilAsserted(() -> assertThat(scalingEvents(ns))
                .containsExactly("Scaled up replica set nginx-deployment-" + hash + " from 0 to 3"));

        // kubectl set image deployment/nginx-deployment nginx=nginx:1.16 (with a change cause).
        admin.apps().deployments().inNamespace(ns).withName("nginx-deployment").edit(edited -> {
            edited.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:1.16");
            edited.getMetadata().getAnnotations().put(Rollouts.CHANGE_CAUSE, "kubectl set image deployment/nginx-deployment nginx=nginx:1.16");
            return edited;
        });
        int largest = rollOut(ns, "nginx-deployment");
        assertThat(largest).as("maxSurge 25% of 3 rounds up to 1").isLessThanOrEqualTo(4);
        ReplicaSet second = withRevision(ns, 2).orElseThrow();
        assertThat(second.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.16");
        assertThat(second.getSpec().getReplicas()).isEqualTo(3);
        assertThat(second.getMetadata().getAnnotations()).containsEntry(Rollouts.CHANGE_CAUSE,
                "kubectl set image deployment/nginx-deployment nginx=nginx:1.16");
        ReplicaSet old = admin.apps().replicaSets().inNamespace(ns).withName(first.getMetadata().getName()).get();
        assertThat(old.getSpec().getReplicas()).isZero();
        assertThat(old.getMetadata().getAnnotations()).containsEntry(Rollouts.REVISION, "1");
        assertThat(deployment(ns, "nginx-deployment").getMetadata().getAnnotations()).containsEntry(Rollouts.REVISION, "2");
        assertThat(activePods(ns)).hasSize(3).allSatisfy(pod ->
                assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.16"));
        String newName = second.getMetadata().getName();
        String oldName = first.getMetadata().getName();
        await().atMost(WAIT).untilAsserted(() -> assertThat(scalingEvents(ns)).contains(
                "Scaled up replica set " + newName + " from 0 to 1",
                "Scaled down replica set " + oldName + " from 3 to 2",
                "Scaled down replica set " + oldName + " from 1 to 0"));

        // kubectl rollout undo --to-revision=1
        undoTo(ns, "nginx-deployment", 1);
        rollOut(ns, "nginx-deployment");
        assertThat(replicaSets(ns)).hasSize(2);
        ReplicaSet restored = admin.apps().replicaSets().inNamespace(ns).withName(oldName).get();
        assertThat(restored.getMetadata().getAnnotations()).containsEntry(Rollouts.REVISION, "3")
                .containsEntry(Rollouts.REVISION_HISTORY, "1");
        assertThat(restored.getSpec().getReplicas()).isEqualTo(3);
        assertThat(admin.apps().replicaSets().inNamespace(ns).withName(newName).get().getSpec().getReplicas()).isZero();
        Deployment back = deployment(ns, "nginx-deployment");
        assertThat(back.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.15");
        assertThat(back.getMetadata().getAnnotations()).containsEntry(Rollouts.REVISION, "3");
        assertThat(activePods(ns)).hasSize(3).allSatisfy(pod ->
                assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.15"));
    }

    @Test
    void rollingUpdateKeepsWithinMaxSurgeAndMaxUnavailable() {
        String ns = namespace();
        admin.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
                .withNewMetadata().withName("web").endMetadata()
                .withNewSpec().withReplicas(4)
                .withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withNewMaxSurge(1).withNewMaxUnavailable(0).endRollingUpdate().endStrategy()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("web:1").endContainer().endSpec().endTemplate()
                .endSpec().build()).create();
        rollOut(ns, "web");
        setImage(ns, "web", "web:2");
        int[] fewestAvailable = {Integer.MAX_VALUE};
        int[] largest = {0};
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            List<ReplicaSet> sets = replicaSets(ns);
            largest[0] = Math.max(largest[0], sets.stream().mapToInt(Rollouts::replicas).sum());
            fewestAvailable[0] = Math.min(fewestAvailable[0], (int) activePods(ns).stream().filter(Pods::ready).count());
            // One pod at a time, as a slow kubelet would.
            activePods(ns).stream().filter(pod -> !Pods.ready(pod)).findFirst().ifPresent(kubelet::ready);
            Deployment d = deployment(ns, "web");
            return rolledOut(d) && Rollouts.revision(d) == 2;
        });
        assertThat(largest[0]).as("never more than replicas + maxSurge").isLessThanOrEqualTo(5);
        assertThat(fewestAvailable[0]).as("never fewer ready than replicas - maxUnavailable").isGreaterThanOrEqualTo(4);
    }

    @Test
    void recreateScalesTheOldReplicaSetToZeroBeforeTheNewOneComesUp() {
        String ns = namespace();
        admin.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
                .withNewMetadata().withName("db").endMetadata()
                .withNewSpec().withReplicas(2)
                .withNewSelector().addToMatchLabels("app", "db").endSelector()
                .withNewStrategy().withType("Recreate").endStrategy()
                .withNewTemplate().withNewMetadata().addToLabels("app", "db").endMetadata()
                .withNewSpec().addNewContainer().withName("db").withImage("db:1").endContainer().endSpec().endTemplate()
                .endSpec().build()).create();
        rollOut(ns, "db");
        String oldName = replicaSets(ns).get(0).getMetadata().getName();
        setImage(ns, "db", "db:2");
        boolean[] overlapped = {false};
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            List<Pod> pods = activePods(ns);
            boolean oldPods = pods.stream().anyMatch(pod -> pod.getSpec().getContainers().get(0).getImage().equals("db:1"));
            boolean newPods = pods.stream().anyMatch(pod -> pod.getSpec().getContainers().get(0).getImage().equals("db:2"));
            overlapped[0] |= oldPods && newPods;
            readyAll(ns);
            Deployment d = deployment(ns, "db");
            return rolledOut(d) && Rollouts.revision(d) == 2;
        });
        assertThat(overlapped[0]).as("old and new pods never run together").isFalse();
        List<String> events = scalingEvents(ns);
        String newName = withRevision(ns, 2).orElseThrow().getMetadata().getName();
        assertThat(events).contains("Scaled down replica set " + oldName + " from 2 to 0", "Scaled up replica set " + newName + " from 0 to 2");
        assertThat(events.indexOf("Scaled down replica set " + oldName + " from 2 to 0"))
                .isLessThan(events.indexOf("Scaled up replica set " + newName + " from 0 to 2"));
    }

    @Test
    void aPausedDeploymentScalesButDoesNotRollOutUntilResumed() {
        String ns = namespace();
        admin.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
                .withNewMetadata().withName("app").endMetadata()
                .withNewSpec().withReplicas(2)
                .withNewSelector().addToMatchLabels("app", "app").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "app").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer().endSpec().endTemplate()
                .endSpec().build()).create();
        rollOut(ns, "app");
        admin.apps().deployments().inNamespace(ns).withName("app").edit(d -> {
            d.getSpec().setPaused(true);
            d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("app:2");
            d.getSpec().setReplicas(4);
            return d;
        });
        await().atMost(WAIT).untilAsserted(() -> {
            readyAll(ns);
            Deployment d = deployment(ns, "app");
            assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
            assertThat(condition(d, "Progressing")).hasValueSatisfying(c -> {
                assertThat(c.getStatus()).isEqualTo("Unknown");
                assertThat(c.getReason()).isEqualTo("DeploymentPaused");
                assertThat(c.getMessage()).isEqualTo("Deployment is paused");
            });
            assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(4);
        });
        assertThat(replicaSets(ns)).as("no rollout while paused, but scaled").singleElement()
                .satisfies(rs -> assertThat(rs.getSpec().getReplicas()).isEqualTo(4));

        admin.apps().deployments().inNamespace(ns).withName("app").edit(d -> {
            d.getSpec().setPaused(false);
            return d;
        });
        rollOut(ns, "app");
        assertThat(activePods(ns)).hasSize(4).allSatisfy(pod ->
                assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("app:2"));
        assertThat(Rollouts.revision(deployment(ns, "app"))).isEqualTo(2);
    }

    @Test
    void aRolloutWithoutProgressExceedsItsDeadline() {
        String ns = namespace();
        admin.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
                .withNewMetadata().withName("stuck").endMetadata()
                .withNewSpec().withReplicas(2).withProgressDeadlineSeconds(2)
                .withNewSelector().addToMatchLabels("app", "stuck").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "stuck").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer().endSpec().endTemplate()
                .endSpec().build()).create();
        // No kubelet: the pods never become ready.
        await().atMost(WAIT).untilAsserted(() -> {
            Deployment d = deployment(ns, "stuck");
            String rsName = replicaSets(ns).get(0).getMetadata().getName();
            assertThat(condition(d, "Progressing")).hasValueSatisfying(c -> {
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getReason()).isEqualTo("ProgressDeadlineExceeded");
                assertThat(c.getMessage()).isEqualTo("ReplicaSet \"" + rsName + "\" has timed out progressing.");
            });
            assertThat(condition(d, "Available")).hasValueSatisfying(c -> {
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getReason()).isEqualTo("MinimumReplicasUnavailable");
            });
            assertThat(d.getStatus().getUnavailableReplicas()).isEqualTo(2);
        });
    }

    @Test
    void oldReplicaSetsBeyondTheHistoryLimitAreDeletedAndARestartMakesANewRevision() {
        String ns = namespace();
        admin.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
                .withNewMetadata().withName("hist").endMetadata()
                .withNewSpec().withReplicas(1).withRevisionHistoryLimit(1)
                .withNewSelector().addToMatchLabels("app", "hist").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "hist").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer().endSpec().endTemplate()
                .endSpec().build()).create();
        rollOut(ns, "hist");
        setImage(ns, "hist", "app:2");
        rollOut(ns, "hist");
        // kubectl rollout restart: a template annotation.
        admin.apps().deployments().inNamespace(ns).withName("hist").edit(d -> {
            d.getSpec().getTemplate().getMetadata().setAnnotations(Map.of("kubectl.kubernetes.io/restartedAt", "2026-01-01T00:00:00Z"));
            return d;
        });
        rollOut(ns, "hist");
        await().atMost(WAIT).untilAsserted(() -> {
            List<ReplicaSet> sets = replicaSets(ns);
            assertThat(sets).extracting(Rollouts::revision).containsExactlyInAnyOrder(2L, 3L);
        });
        assertThat(Rollouts.revision(deployment(ns, "hist"))).isEqualTo(3);
    }

    @Test
    void scalingDuringARolloutIsProportional() {
        String ns = namespace();
        admin.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
                .withNewMetadata().withName("big").endMetadata()
                .withNewSpec().withReplicas(10)
                .withNewSelector().addToMatchLabels("app", "big").endSelector()
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withNewMaxSurge(3).withNewMaxUnavailable(2).endRollingUpdate().endStrategy()
                .withNewTemplate().withNewMetadata().addToLabels("app", "big").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer().endSpec().endTemplate()
                .endSpec().build()).create();
        rollOut(ns, "big");
        setImage(ns, "big", "app:2");
        // New pods never become ready: the rollout stops at 8 old + 5 new (surge 3, unavailable 2).
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(withRevision(ns, 2)).hasValueSatisfying(rs -> assertThat(rs.getSpec().getReplicas()).isEqualTo(5));
            assertThat(withRevision(ns, 1)).hasValueSatisfying(rs -> assertThat(rs.getSpec().getReplicas()).isEqualTo(8));
        });
        admin.apps().deployments().inNamespace(ns).withName("big").scale(20);
        // 13 of 13 allowed become 20 + 3 (surge of 20 stays 3): +10, shared 8:5 → old +6, new +4 (rounding), leftover to the larger.
        await().atMost(WAIT).untilAsserted(() -> {
            int oldReplicas = withRevision(ns, 1).orElseThrow().getSpec().getReplicas();
            int newReplicas = withRevision(ns, 2).orElseThrow().getSpec().getReplicas();
            assertThat(oldReplicas + newReplicas).isEqualTo(23);
            assertThat(oldReplicas).isGreaterThan(8);
            assertThat(newReplicas).isGreaterThan(5);
        });
    }
}
