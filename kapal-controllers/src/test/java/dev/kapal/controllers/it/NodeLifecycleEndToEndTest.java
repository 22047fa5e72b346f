package dev.kapal.controllers.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.apiserver.testing.InProcessApiServer;
import dev.kapal.controllers.ControllerManager;
import dev.kapal.controllers.nodelifecycle.NodeLifecycleController;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Node lifecycle and taint eviction against a real API server, with the test as the kubelet
 * ({@link SimulatedKubelets}) and a 3 s node monitor grace period. An always-healthy node keeps the
 * zone out of full disruption (where upstream stops NoExecute tainting).
 */
class NodeLifecycleEndToEndTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static InProcessApiServer server;
    private static KubernetesClient admin;
    private static ControllerManager manager;
    private static SimulatedKubelets kubelets;

    @BeforeAll
    static void start() throws Exception {
        server = new InProcessApiServer();
        admin = server.admin();
        kubelets = new SimulatedKubelets(admin);
        kubelets.register("anchor", Map.of());
        var parameters = ControllerManager.Parameters.defaults(server.serverCaPem())
                .withNodeLifecycle(NodeLifecycleController.Settings.defaults()
                        .withPeriods(Duration.ofMillis(200), Duration.ofSeconds(3), Duration.ofSeconds(6)));
        var selected = ControllerManager.select(ControllerManager.builtIn(parameters),
                List.of("nodeipam", "nodelifecycle", "taint-eviction-controller"));
        manager = new ControllerManager(server.clientFor("system:kube-controller-manager"), selected, "");
        manager.start();
        manager.ready().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        if (kubelets != null) {
            kubelets.close();
        }
        if (manager != null) {
            manager.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aSilentNodeGoesUnknownIsTaintedUnreachableAndItsPodsNotReadyThenRecovers() {
        kubelets.register("quiet", Map.of());
        // Tolerates unreachable forever, so it stays to be marked not ready.
        createPod("stays-on-quiet", "quiet", List.of(new TolerationBuilder().withKey("node.kubernetes.io/unreachable")
                .withOperator("Exists").withEffect("NoExecute").build()));
        kubelets.markRunningAndReady("default", "stays-on-quiet");

        kubelets.silence("quiet");
        await().atMost(PATIENCE).untilAsserted(() -> {
            Node node = admin.nodes().withName("quiet").get();
            NodeCondition ready = condition(node, "Ready");
            assertThat(ready.getStatus()).isEqualTo("Unknown");
            assertThat(ready.getReason()).isEqualTo("NodeStatusUnknown");
            assertThat(ready.getMessage()).isEqualTo("Kubelet stopped posting node status.");
            assertThat(condition(node, "MemoryPressure").getStatus()).isEqualTo("Unknown");
            assertThat(taints(node)).contains("node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute");
            assertThat(taints(node)).doesNotContain("node.kubernetes.io/not-ready:NoExecute");
        });
        await().atMost(PATIENCE).untilAsserted(() -> {
            Pod pod = admin.pods().inNamespace("default").withName("stays-on-quiet").get();
            assertThat(podCondition(pod, "Ready").map(PodCondition::getStatus)).contains("False");
            assertThat(pod.getMetadata().getDeletionTimestamp()).isNull();
        });
        await().atMost(PATIENCE).until(() -> events("quiet").contains("NodeNotReady: Node quiet status is now: NodeNotReady"));
        assertThat(taints(admin.nodes().withName("anchor").get())).isEmpty();

        kubelets.revive("quiet");
        await().atMost(PATIENCE).untilAsserted(() -> {
            Node node = admin.nodes().withName("quiet").get();
            assertThat(condition(node, "Ready").getStatus()).isEqualTo("True");
            assertThat(taints(node)).isEmpty();
        });
        assertThat(events("quiet")).contains("RegisteredNode: Node quiet event: Registered Node quiet in Controller");
    }

    @Test
    void aLostNodesPodsLeaveWhenTheirUnreachableTolerationRunsOutAndDefaultTolerationsKeepOthers() {
        kubelets.register("lost", Map.of());
        createPod("one-second", "lost", List.of(new TolerationBuilder().withKey("node.kubernetes.io/unreachable")
                .withOperator("Exists").withEffect("NoExecute").withTolerationSeconds(1L).build()));
        createPod("defaulted", "lost", List.of());
        Pod defaulted = admin.pods().inNamespace("default").withName("defaulted").get();
        assertThat(defaulted.getSpec().getTolerations()).extracting(Toleration::getKey, Toleration::getTolerationSeconds)
                .contains(org.assertj.core.groups.Tuple.tuple("node.kubernetes.io/unreachable", 300L));

        kubelets.silence("lost");
        await().atMost(PATIENCE).until(() -> taints(admin.nodes().withName("lost").get())
                .contains("node.kubernetes.io/unreachable:NoExecute"));
        await().atMost(PATIENCE).until(() -> evicted("one-second"));
        assertThat(admin.pods().inNamespace("default").withName("defaulted").get().getMetadata().getDeletionTimestamp())
                .as("tolerates unreachable for 300 s").isNull();
        assertThat(events("defaulted")).noneMatch(event -> event.startsWith("TaintManagerEviction: Marking"));
    }

    @Test
    void noExecuteTaintsEvictUntoleratingPodsAtOnceTolerantOnesAfterTheirSecondsAndNeverTheForeverTolerant() {
        kubelets.register("tainted", Map.of());
        createPod("untolerating", "tainted", List.of());
        createPod("two-seconds", "tainted", List.of(dedicated(2L)));
        createPod("forever", "tainted", List.of(dedicated(null)));

        Instant tainted = Instant.now();
        taint("tainted", new TaintBuilder().withKey("dedicated").withValue("x").withEffect("NoExecute").build());

        await().atMost(PATIENCE).until(() -> evicted("untolerating"));
        await().atMost(PATIENCE).until(() -> evicted("two-seconds"));
        assertThat(Duration.between(tainted, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        Pod forever = admin.pods().inNamespace("default").withName("forever").get();
        assertThat(forever.getMetadata().getDeletionTimestamp()).isNull();

        for (String name : List.of("untolerating", "two-seconds")) {
            Pod pod = admin.pods().inNamespace("default").withName(name).get();
            if (pod != null) {
                PodCondition target = podCondition(pod, "DisruptionTarget").orElseThrow();
                assertThat(target.getStatus()).isEqualTo("True");
                assertThat(target.getReason()).isEqualTo("DeletionByTaintManager");
                assertThat(target.getMessage()).isEqualTo("Taint manager: deleting due to NoExecute taint");
            }
            await().atMost(PATIENCE).until(() -> events(name).contains(
                    "TaintManagerEviction: Marking for deletion Pod default/" + name));
        }
    }

    @Test
    void removingTheTaintBeforeTheTolerationRunsOutCancelsTheEviction() {
        kubelets.register("briefly-tainted", Map.of());
        createPod("patient", "briefly-tainted", List.of(dedicated(60L)));
        taint("briefly-tainted", new TaintBuilder().withKey("dedicated").withValue("x").withEffect("NoExecute").build());
        await().atMost(PATIENCE).until(() -> !taints(admin.nodes().withName("briefly-tainted").get()).isEmpty());
        // The pod must have been seen tolerating before the taint goes, or there is nothing to cancel.
        createPod("witness", "briefly-tainted", List.of());
        await().atMost(PATIENCE).until(() -> evicted("witness"));

        editNode("briefly-tainted", node -> node.getSpec().setTaints(List.of()));
        await().atMost(PATIENCE).until(() -> events("patient").contains(
                "TaintManagerEviction: Cancelling deletion of Pod default/patient"));
        assertThat(admin.pods().inNamespace("default").withName("patient").get().getMetadata().getDeletionTimestamp()).isNull();
    }

    @Test
    void cordonAddsTheUnschedulableTaintAndUncordonRemovesIt() {
        kubelets.register("cordoned", Map.of());
        cordon("cordoned", true);
        await().atMost(PATIENCE).until(() -> taints(admin.nodes().withName("cordoned").get())
                .contains("node.kubernetes.io/unschedulable:NoSchedule"));
        Taint taint = admin.nodes().withName("cordoned").get().getSpec().getTaints().getFirst();
        assertThat(taint.getTimeAdded()).isNotNull();

        cordon("cordoned", false);
        await().atMost(PATIENCE).until(() -> taints(admin.nodes().withName("cordoned").get()).isEmpty());
    }

    @Test
    void theBetaOsAndArchLabelsFollowTheStableOnes() {
        kubelets.register("labelled", Map.of("kubernetes.io/os", "linux", "kubernetes.io/arch", "arm64",
                "beta.kubernetes.io/arch", "amd64"));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(admin.nodes().withName("labelled").get().getMetadata().getLabels())
                .containsEntry("beta.kubernetes.io/os", "linux")
                .containsEntry("beta.kubernetes.io/arch", "arm64"));
    }

    @Test
    void nodesGetDistinctPodCidrsFromTheClusterCidr() {
        kubelets.register("cidr-a", Map.of());
        kubelets.register("cidr-b", Map.of());
        await().atMost(PATIENCE).untilAsserted(() -> {
            Node a = admin.nodes().withName("cidr-a").get();
            Node b = admin.nodes().withName("cidr-b").get();
            assertThat(a.getSpec().getPodCIDR()).startsWith("10.42.").endsWith(".0/24");
            assertThat(a.getSpec().getPodCIDRs()).containsExactly(a.getSpec().getPodCIDR());
            assertThat(b.getSpec().getPodCIDR()).startsWith("10.42.").isNotEqualTo(a.getSpec().getPodCIDR());
        });
    }

    // ---------------------------------------------------------------- helpers

    private static Toleration dedicated(Long seconds) {
        return new TolerationBuilder().withKey("dedicated").withOperator("Equal").withValue("x").withEffect("NoExecute")
                .withTolerationSeconds(seconds).build();
    }

    private static void createPod(String name, String node, List<Toleration> tolerations) {
        admin.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withNodeName(node).withTolerations(new ArrayList<>(tolerations))
                .addNewContainer().withName("app").withImage("busybox").endContainer().endSpec()
                .build()).create();
    }

    private static void taint(String node, Taint taint) {
        editNode(node, current -> {
            List<Taint> taints = new ArrayList<>(current.getSpec().getTaints() == null ? List.of() : current.getSpec().getTaints());
            taints.add(taint);
            current.getSpec().setTaints(taints);
        });
    }

    /** What {@code kubectl cordon/uncordon} sends: a patch of spec.unschedulable alone. */
    private static void cordon(String node, boolean unschedulable) {
        admin.nodes().withName(node).patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
                "{\"spec\":{\"unschedulable\":" + unschedulable + "}}");
    }

    /** Read, change, write, again on a conflict (the controllers write nodes too), as kubectl edit does. */
    private static void editNode(String name, java.util.function.Consumer<Node> change) {
        for (int attempt = 0; ; attempt++) {
            Node node = admin.nodes().withName(name).get();
            change.accept(node);
            try {
                admin.nodes().resource(node).update();
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException conflict) {
                if (conflict.getCode() != 409 || attempt > 10) {
                    throw conflict;
                }
            }
        }
    }

    /** Deleted, or being deleted (a bound pod waits for its kubelet). */
    private static boolean evicted(String pod) {
        Pod current = admin.pods().inNamespace("default").withName(pod).get();
        return current == null || current.getMetadata().getDeletionTimestamp() != null;
    }

    private static List<String> taints(Node node) {
        return node.getSpec().getTaints() == null ? List.of()
                : node.getSpec().getTaints().stream().map(taint -> taint.getKey() + ":" + taint.getEffect()).toList();
    }

    private static NodeCondition condition(Node node, String type) {
        return node.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }

    private static Optional<PodCondition> podCondition(Pod pod, String type) {
        return pod.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst();
    }

    /** "reason: message" of the events about objects named {@code name}, in any namespace. */
    private static List<String> events(String name) {
        return admin.v1().events().inAnyNamespace().list().getItems().stream()
                .filter(event -> name.equals(event.getInvolvedObject().getName()))
                .map(event -> event.getReason() + ": " + event.getMessage())
                .toList();
    }

    @SuppressWarnings("unused")
    private static List<Event> allEvents() {
        return admin.v1().events().inAnyNamespace().list().getItems();
    }
}
