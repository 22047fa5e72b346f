package dev.kapal.controllers.disruption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.apiserver.testing.InProcessApiServer;
import dev.kapal.controllers.ControllerManager;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PodDisruptionBudget status from the disruption controller, and evictions checked against it. */
class DisruptionControllerTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static InProcessApiServer server;
    private static KubernetesClient admin;
    private static ControllerManager manager;

    @BeforeAll
    static void start() throws Exception {
        server = new InProcessApiServer();
        admin = server.admin();
        manager = new ControllerManager(server.clientFor("system:kube-controller-manager"),
                List.of(new ControllerManager.Definition(DisruptionController.NAME, DisruptionController::create)), "");
        manager.start();
        manager.ready().get(90, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        if (manager != null) {
            manager.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static void namespace(String name) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    private static ReplicaSet replicaSet(String namespace, String name, int replicas, HasMetadata owner) {
        ReplicaSetBuilder builder = new ReplicaSetBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withNewSpec()
                .addNewContainer().withName("c").withImage("nginx").endContainer().endSpec().endTemplate().endSpec();
        if (owner != null) {
            builder.editMetadata().withOwnerReferences(controllerRef(owner)).endMetadata();
        }
        return admin.apps().replicaSets().inNamespace(namespace).resource(builder.build()).create();
    }

    private static io.fabric8.kubernetes.api.model.OwnerReference controllerRef(HasMetadata owner) {
        return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
                .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build();
    }

    /** A pod of {@code owner} (null: unmanaged), Ready or not. */
    static Pod pod(String namespace, String name, String app, HasMetadata owner, boolean ready) {
        PodBuilder builder = new PodBuilder().withNewMetadata().withName(name).addToLabels("app", app).endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("nginx").endContainer().endSpec();
        if (owner != null) {
            builder.editMetadata().withOwnerReferences(controllerRef(owner)).endMetadata();
        }
        Pod pod = admin.pods().inNamespace(namespace).resource(builder.build()).create();
        pod.setStatus(new PodStatusBuilder().withPhase("Running").addNewCondition().withType("Ready")
                .withStatus(ready ? "True" : "False").endCondition().build());
        return admin.pods().inNamespace(namespace).resource(pod).updateStatus();
    }

    private static PodDisruptionBudget budget(String namespace, String name, String app, IntOrString minAvailable,
                                              IntOrString maxUnavailable) {
        return admin.policy().v1().podDisruptionBudget().inNamespace(namespace).resource(new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName(name).endMetadata().withNewSpec().withMinAvailable(minAvailable)
                .withMaxUnavailable(maxUnavailable).withNewSelector().addToMatchLabels("app", app).endSelector()
                .endSpec().build()).create();
    }

    private static PodDisruptionBudgetStatus awaitStatus(String namespace, String name, int current, int desired,
                                                         int expected, int allowed) {
        return await().atMost(PATIENCE).until(() -> {
            PodDisruptionBudgetStatus status = admin.policy().v1().podDisruptionBudget().inNamespace(namespace)
                    .withName(name).get().getStatus();
            return status;
        }, status -> status != null && Integer.valueOf(current).equals(status.getCurrentHealthy())
                && Integer.valueOf(desired).equals(status.getDesiredHealthy())
                && Integer.valueOf(expected).equals(status.getExpectedPods())
                && Integer.valueOf(allowed).equals(status.getDisruptionsAllowed()));
    }

    private static Condition condition(PodDisruptionBudgetStatus status) {
        return status.getConditions().stream().filter(c -> c.getType().equals("DisruptionAllowed")).findFirst().orElseThrow();
    }

    @Test
    void integerMinAvailableCountsThePodsAndReadyOnesAreHealthy() {
        namespace("pdb-int");
        ReplicaSet owner = replicaSet("pdb-int", "web", 5, null);
        pod("pdb-int", "web-0", "web", owner, true);
        pod("pdb-int", "web-1", "web", owner, true);
        pod("pdb-int", "web-2", "web", owner, true);
        pod("pdb-int", "web-3", "web", owner, false);
        PodDisruptionBudget budget = budget("pdb-int", "web", "web", new IntOrString(2), null);

        PodDisruptionBudgetStatus status = awaitStatus("pdb-int", "web", 3, 2, 4, 1);
        assertThat(status.getObservedGeneration()).isEqualTo(budget.getMetadata().getGeneration());
        assertThat(condition(status).getStatus()).isEqualTo("True");
        assertThat(condition(status).getReason()).isEqualTo("SufficientPods");
    }

    @Test
    void percentagesUseTheControllersScaleRoundedUp() {
        namespace("pdb-pct");
        ReplicaSet owner = replicaSet("pdb-pct", "api", 4, null);
        for (int i = 0; i < 4; i++) {
            pod("pdb-pct", "api-" + i, "api", owner, i < 3);
        }
        // maxUnavailable 30% of 4 → 2 (rounded up) → desired 2; 3 healthy → 1 allowed.
        budget("pdb-pct", "api", "api", null, new IntOrString("30%"));
        awaitStatus("pdb-pct", "api", 3, 2, 4, 1);

        Deployment deployment = admin.apps().deployments().inNamespace("pdb-pct").resource(new DeploymentBuilder()
                .withNewMetadata().withName("front").endMetadata().withNewSpec().withReplicas(5)
                .withNewSelector().addToMatchLabels("app", "front").endSelector().withNewTemplate().withNewMetadata()
                .addToLabels("app", "front").endMetadata().withNewSpec().addNewContainer().withName("c").withImage("nginx")
                .endContainer().endSpec().endTemplate().endSpec().build()).create();
        ReplicaSet front = replicaSet("pdb-pct", "front", 2, deployment);
        pod("pdb-pct", "front-0", "front", front, true);
        pod("pdb-pct", "front-1", "front", front, true);
        // minAvailable 50% of the Deployment's 5 → 3; 2 healthy → none allowed.
        budget("pdb-pct", "front", "front", new IntOrString("50%"), null);
        PodDisruptionBudgetStatus status = awaitStatus("pdb-pct", "front", 2, 3, 5, 0);
        assertThat(condition(status).getStatus()).isEqualTo("False");
        assertThat(condition(status).getReason()).isEqualTo("InsufficientPods");
    }

    @Test
    void aPodWhoseControllerIsMissingFailsTheSync() {
        namespace("pdb-fail");
        ReplicaSet gone = new ReplicaSetBuilder().withApiVersion("apps/v1").withKind("ReplicaSet").withNewMetadata()
                .withName("gone").withUid("00000000-0000-0000-0000-000000000001").endMetadata().build();
        pod("pdb-fail", "lost-0", "lost", gone, true);
        budget("pdb-fail", "lost", "lost", null, new IntOrString(1));

        PodDisruptionBudgetStatus status = await().atMost(PATIENCE).until(() -> admin.policy().v1().podDisruptionBudget()
                .inNamespace("pdb-fail").withName("lost").get().getStatus(), s -> s != null && s.getConditions() != null
                && s.getConditions().stream().anyMatch(c -> "SyncFailed".equals(c.getReason())));
        assertThat(status.getDisruptionsAllowed()).isZero();
        assertThat(condition(status).getMessage()).isEqualTo("found no controllers for pod \"lost-0\"");
    }

    @Test
    void anEvictionSucceedsWhileTheBudgetAllowsItThenIsRefusedWith429() {
        namespace("pdb-evict");
        ReplicaSet owner = replicaSet("pdb-evict", "db", 3, null);
        for (int i = 0; i < 3; i++) {
            pod("pdb-evict", "db-" + i, "db", owner, true);
        }
        budget("pdb-evict", "db", "db", new IntOrString(2), null);
        awaitStatus("pdb-evict", "db", 3, 2, 3, 1);

        assertThat(admin.pods().inNamespace("pdb-evict").withName("db-0").evict()).isTrue();
        PodDisruptionBudgetStatus afterFirst = admin.policy().v1().podDisruptionBudget().inNamespace("pdb-evict")
                .withName("db").get().getStatus();
        assertThat(afterFirst.getDisruptionsAllowed()).isZero();

        assertThat(admin.pods().inNamespace("pdb-evict").withName("db-1").evict()).isFalse();
        assertThat(admin.pods().inNamespace("pdb-evict").withName("db-1").get().getMetadata().getDeletionTimestamp()).isNull();
        awaitStatus("pdb-evict", "db", 2, 2, 2, 0);
    }

    @Test
    void aStaleDisruptionTargetConditionIsResetButAFreshOneStays() {
        namespace("pdb-stale");
        for (String name : List.of("stale", "fresh")) {
            Pod pod = admin.pods().inNamespace("pdb-stale").resource(new PodBuilder().withNewMetadata().withName(name)
                    .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("nginx").endContainer().endSpec()
                    .build()).create();
            String since = name.equals("stale") ? java.time.Instant.now().minusSeconds(180).toString()
                    : java.time.Instant.now().toString();
            pod.setStatus(new PodStatusBuilder().withPhase("Running").addNewCondition().withType("DisruptionTarget")
                    .withStatus("True").withReason("EvictionByEvictionAPI").withMessage("Eviction API: evicting")
                    .withLastTransitionTime(since.replaceAll("\\.\\d+Z$", "Z")).endCondition().build());
            admin.pods().inNamespace("pdb-stale").resource(pod).updateStatus();
        }
        await().atMost(PATIENCE).until(() -> targetStatus("stale").equals("False"));
        assertThat(targetStatus("fresh")).isEqualTo("True");
    }

    private static String targetStatus(String pod) {
        return admin.pods().inNamespace("pdb-stale").withName(pod).get().getStatus().getConditions().stream()
                .filter(condition -> condition.getType().equals("DisruptionTarget")).findFirst().orElseThrow().getStatus();
    }
}
