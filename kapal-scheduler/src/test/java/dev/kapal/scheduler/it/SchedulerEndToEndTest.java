package dev.kapal.scheduler.it;

import dev.kapal.apiserver.testing.InProcessApiServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.scheduler.Scheduler;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scheduler against a real in-process API server, with Node objects written by the test. */
class SchedulerEndToEndTest {
    private static InProcessApiServer cluster;
    private static KubernetesClient admin;
    private static Scheduler scheduler;

    @BeforeAll
    static void start() throws Exception {
        cluster = new InProcessApiServer();
        admin = cluster.admin();
        scheduler = Scheduler.withDefaultProfile(cluster.clientFor("system:kube-scheduler"));
        scheduler.start();
        scheduler.ready().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        if (scheduler != null) {
            scheduler.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    static Node node(String name, boolean unschedulable, List<Taint> taints) {
        return new NodeBuilder()
                .withNewMetadata().withName(name).withLabels(Map.of("kubernetes.io/hostname", name)).endMetadata()
                .withNewSpec().withUnschedulable(unschedulable ? true : null).withTaints(taints).endSpec()
                .build();
    }

    static void createNode(KubernetesClient client, Node node) {
        Node created = client.nodes().resource(node).create();
        created.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
                .withCapacity(Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi"), "pods", new Quantity("110")))
                .withAllocatable(Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi"), "pods", new Quantity("110")))
                .withConditions(new NodeConditionBuilder().withType("Ready").withStatus("True").withReason("KubeletReady").build())
                .build());
        client.nodes().resource(created).updateStatus();
    }

    static Pod pod(String namespace, String name, String cpu) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("busybox")
                    .withNewResources().withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity("64Mi"))).endResources()
                .endContainer().endSpec()
                .build();
    }

    private static void namespace(String name) {
        admin.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    @Test
    void bindsToFittingNodesAvoidsCordonedAndTaintedAndExplainsFailures() {
        namespace("small");
        createNode(admin, node("small-ready", false, List.of()));
        createNode(admin, node("small-cordoned", true, List.of()));
        createNode(admin, node("small-tainted", false, List.of(new Taint("NoSchedule", "dedicated", null, "x"))));
        // Label the small nodes so this test's pods stay off the large test's nodes.
        for (String name : List.of("small-ready", "small-cordoned", "small-tainted")) {
            admin.nodes().withName(name).edit(n -> { n.getMetadata().getLabels().put("group", "small"); return n; });
        }
        for (int i = 0; i < 5; i++) {
            Pod pod = pod("small", "web-" + i, "100m");
            pod.getSpec().setNodeSelector(Map.of("group", "small"));
            admin.pods().inNamespace("small").resource(pod).create();
        }
        Pod huge = pod("small", "huge", "100");
        huge.getSpec().setNodeSelector(Map.of("group", "small"));
        admin.pods().inNamespace("small").resource(huge).create();
        Pod other = pod("small", "other-scheduler", "100m");
        other.getSpec().setSchedulerName("someone-else");
        admin.pods().inNamespace("small").resource(other).create();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (int i = 0; i < 5; i++) {
                assertThat(admin.pods().inNamespace("small").withName("web-" + i).get().getSpec().getNodeName()).isEqualTo("small-ready");
            }
        });
        Pod web = admin.pods().inNamespace("small").withName("web-0").get();
        assertThat(web.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("PodScheduled");
            assertThat(c.getStatus()).isEqualTo("True");
        });
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<Event> events = admin.v1().events().inNamespace("small").list().getItems();
            assertThat(events).anySatisfy(e -> {
                assertThat(e.getReason()).isEqualTo("Scheduled");
                assertThat(e.getMessage()).isEqualTo("Successfully assigned small/web-0 to small-ready");
                assertThat(e.getType()).isEqualTo("Normal");
                assertThat(e.getSource().getComponent()).isEqualTo("default-scheduler");
            });
            Event failed = events.stream().filter(e -> "FailedScheduling".equals(e.getReason())
                    && "huge".equals(e.getInvolvedObject().getName())).findFirst().orElseThrow();
            assertThat(failed.getType()).isEqualTo("Warning");
            int all = admin.nodes().list().getItems().size();
            assertThat(failed.getMessage()).startsWith("0/" + all + " nodes are available: ")
                    .contains("1 Insufficient cpu", "1 node(s) had untolerated taint {dedicated: x}", "1 node(s) were unschedulable")
                    .contains(" preemption: 0/" + all + " nodes are available: ");
            if (all > 3) {
                assertThat(failed.getMessage()).contains((all - 3) + " node(s) didn't match Pod's node affinity/selector");
            }
            Pod pending = admin.pods().inNamespace("small").withName("huge").get();
            assertThat(pending.getSpec().getNodeName()).isNull();
            assertThat(pending.getStatus().getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("PodScheduled");
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getReason()).isEqualTo("Unschedulable");
                assertThat(c.getMessage()).isEqualTo(failed.getMessage());
            });
        });
        assertThat(admin.pods().inNamespace("small").withName("other-scheduler").get().getSpec().getNodeName()).isNull();

        // Uncordoning is a node update: the unschedulable pod is retried, still too big, but a small one now fits there.
        Pod late = pod("small", "late", "100m");
        late.getSpec().setNodeSelector(Map.of("group", "small"));
        late.getSpec().setNodeName(null);
        admin.nodes().withName("small-cordoned").edit(n -> { n.getSpec().setUnschedulable(null); return n; });
        admin.pods().inNamespace("small").resource(late).create();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(admin.pods().inNamespace("small").withName("late").get().getSpec().getNodeName()).isNotNull());
    }

    @Test
    void twoThousandPodsOnTwoHundredNodesAllBound() throws Exception {
        namespace("large");
        int nodes = 200;
        int pods = 2000;
        try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < nodes; i++) {
                Node node = node("large-" + i, false, List.of());
                node.getMetadata().getLabels().put("group", "large");
                writers.execute(() -> createNode(admin, node));
            }
        }
        long start = System.nanoTime();
        long boundBefore = scheduler.statistics().bound();
        try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(64);
            for (int i = 0; i < pods; i++) {
                Pod pod = pod("large", "p-" + i, "10m");
                pod.getSpec().setNodeSelector(Map.of("group", "large"));
                inFlight.acquire();
                writers.execute(() -> {
                    try {
                        admin.pods().inNamespace("large").resource(pod).create();
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> scheduler.statistics().bound() - boundBefore >= pods);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("2000 pods on 200 nodes: all bound in %.2f s = %.0f pods/s end to end (creates included)%n",
                seconds, pods / seconds);
        List<Pod> listed = admin.pods().inNamespace("large").list().getItems();
        assertThat(listed).hasSize(pods).allSatisfy(p -> assertThat(p.getSpec().getNodeName()).startsWith("large-"));
        Map<String, Long> perNode = listed.stream().collect(java.util.stream.Collectors.groupingBy(p -> p.getSpec().getNodeName(),
                java.util.stream.Collectors.counting()));
        // LeastAllocated spreads: 10 pods per node on average, none over the pod limit.
        assertThat(perNode.values()).allSatisfy(count -> assertThat(count).isLessThanOrEqualTo(110));
        assertThat(perNode).hasSizeGreaterThan(150);
    }
}
