package dev.kapal.scheduler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.apiserver.testing.InProcessApiServer;
import dev.kapal.scheduler.Scheduler;
import dev.kapal.scheduler.plugins.NodeResourcesFit;
import dev.kapal.scheduler.plugins.Registry;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pod (anti-)affinity, topology spread, preemption and profiles end to end: a fresh in-process
 * API server per test with three Node objects (zones a, b, c) written by the test, and the
 * scheduler under test. No kubelet runs, so the test finishes the graceful deletion of
 * preemption victims itself, as a kubelet would.
 */
class AdvancedSchedulingEndToEndTest {
    private InProcessApiServer cluster;
    private KubernetesClient admin;
    private Scheduler scheduler;

    @BeforeEach
    void start() throws Exception {
        cluster = new InProcessApiServer();
        admin = cluster.admin();
    }

    private void startScheduler(Scheduler created) throws Exception {
        scheduler = created;
        scheduler.start();
        scheduler.ready().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        if (scheduler != null) {
            scheduler.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void createNode(String name, String zone, String cpu) {
        Node node = new NodeBuilder().withNewMetadata().withName(name)
                .withLabels(Map.of("kubernetes.io/hostname", name, "topology.kubernetes.io/zone", zone)).endMetadata()
                .withNewSpec().endSpec().build();
        Node created = admin.nodes().resource(node).create();
        Map<String, Quantity> capacity = Map.of("cpu", new Quantity(cpu), "memory", new Quantity("64Gi"), "pods", new Quantity("110"));
        created.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder().withCapacity(capacity).withAllocatable(capacity)
                .withConditions(new NodeConditionBuilder().withType("Ready").withStatus("True").withReason("KubeletReady").build())
                .build());
        admin.nodes().resource(created).updateStatus();
    }

    private void threeNodes(String cpu) {
        createNode("node-a", "a", cpu);
        createNode("node-b", "b", cpu);
        createNode("node-c", "c", cpu);
    }

    private static PodBuilder pod(String name, Map<String, String> labels, String cpu) {
        return new PodBuilder().withNewMetadata().withNamespace("default").withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(30L).addNewContainer().withName("app").withImage("busybox")
                .withNewResources().withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity("64Mi"))).endResources()
                .endContainer().endSpec();
    }

    private Pod create(Pod pod) {
        return admin.pods().inNamespace("default").resource(pod).create();
    }

    private Pod get(String name) {
        return admin.pods().inNamespace("default").withName(name).get();
    }

    private Optional<Event> event(String reason, String podName) {
        return admin.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> reason.equals(e.getReason()) && podName.equals(e.getInvolvedObject().getName())).findFirst();
    }

    @Test
    void requiredAntiAffinitySpreadsPodsOnePerNodeAndExplainsTheRest() throws Exception {
        threeNodes("4");
        startScheduler(Scheduler.withDefaultProfile(cluster.clientFor("system:kube-scheduler")));
        for (int i = 0; i < 4; i++) {
            create(pod("web-" + i, Map.of("app", "web"), "10m").editSpec().withNewAffinity().withNewPodAntiAffinity()
                    .addNewRequiredDuringSchedulingIgnoredDuringExecution().withTopologyKey("kubernetes.io/hostname")
                    .withLabelSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build())
                    .endRequiredDuringSchedulingIgnoredDuringExecution().endPodAntiAffinity().endAffinity().endSpec().build());
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<String> nodes = admin.pods().inNamespace("default").list().getItems().stream()
                    .map(p -> p.getSpec().getNodeName()).filter(n -> n != null).toList();
            assertThat(nodes).hasSize(3).doesNotHaveDuplicates();
            String pending = admin.pods().inNamespace("default").list().getItems().stream()
                    .filter(p -> p.getSpec().getNodeName() == null).findFirst().orElseThrow().getMetadata().getName();
            assertThat(event("FailedScheduling", pending)).get().extracting(Event::getMessage).isEqualTo(
                    "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. "
                            + "preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.");
        });
    }

    @Test
    void topologySpreadKeepsZonesWithinMaxSkewAgainstResourceScoring() throws Exception {
        // Zone a is far larger, so LeastAllocated alone would put every pod there.
        createNode("node-a", "a", "64");
        createNode("node-b", "b", "4");
        createNode("node-c", "c", "4");
        startScheduler(Scheduler.withDefaultProfile(cluster.clientFor("system:kube-scheduler")));
        for (int i = 0; i < 9; i++) {
            create(pod("spread-" + i, Map.of("app", "spread"), "100m").editSpec().addNewTopologySpreadConstraint()
                    .withMaxSkew(1).withTopologyKey("topology.kubernetes.io/zone").withWhenUnsatisfiable("DoNotSchedule")
                    .withLabelSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "spread")).build())
                    .endTopologySpreadConstraint().endSpec().build());
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, Long> perNode = admin.pods().inNamespace("default").list().getItems().stream()
                    .filter(p -> p.getSpec().getNodeName() != null)
                    .collect(Collectors.groupingBy(p -> p.getSpec().getNodeName(), Collectors.counting()));
            assertThat(perNode).containsOnly(Map.entry("node-a", 3L), Map.entry("node-b", 3L), Map.entry("node-c", 3L));
        });
    }

    @Test
    void preemptionEvictsALowerPriorityPodAndBindsThePreemptorOnItsNominatedNode() throws Exception {
        threeNodes("4");
        admin.resource(new PriorityClassBuilder().withNewMetadata().withName("low").endMetadata().withValue(100).build()).create();
        admin.resource(new PriorityClassBuilder().withNewMetadata().withName("high").endMetadata().withValue(1000).build()).create();
        admin.resource(new PriorityClassBuilder().withNewMetadata().withName("high-polite").endMetadata().withValue(1000)
                .withPreemptionPolicy("Never").build()).create();
        startScheduler(Scheduler.withDefaultProfile(cluster.clientFor("system:kube-scheduler")));
        for (int i = 0; i < 3; i++) {
            create(pod("batch-" + i, Map.of("app", "batch"), "3").editSpec().withPriorityClassName("low").endSpec().build());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.pods().inNamespace("default").list().getItems().stream()
                .filter(p -> p.getSpec().getNodeName() != null).count() == 3);
        // As upstream, the policy comes from the PriorityClass (a pod spelling out another one is refused).
        Pod never = create(pod("polite", Map.of(), "3").editSpec().withPriorityClassName("high-polite").endSpec().build());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(event("FailedScheduling", never.getMetadata().getName()))
                .get().extracting(Event::getMessage).isEqualTo(
                        "0/3 nodes are available: 3 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never."));
        admin.pods().inNamespace("default").withName("polite").withGracePeriod(0).delete();

        Pod urgent = create(pod("urgent", Map.of(), "3").editSpec().withPriorityClassName("high").endSpec().build());
        String[] victimName = new String[1];
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Pod victim = admin.pods().inNamespace("default").list().getItems().stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() != null).findFirst().orElseThrow();
            victimName[0] = victim.getMetadata().getName();
            assertThat(victim.getStatus().getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("DisruptionTarget");
                assertThat(c.getStatus()).isEqualTo("True");
                assertThat(c.getReason()).isEqualTo("PreemptionByScheduler");
                assertThat(c.getMessage()).isEqualTo("default-scheduler: preempting to accommodate a higher priority pod");
            });
            Pod preemptor = get("urgent");
            assertThat(preemptor.getStatus().getNominatedNodeName()).isEqualTo(victim.getSpec().getNodeName());
            assertThat(event("Preempted", victim.getMetadata().getName())).get().extracting(Event::getMessage)
                    .isEqualTo("Preempted by pod " + urgent.getMetadata().getUid() + " on node " + victim.getSpec().getNodeName());
            assertThat(event("FailedScheduling", "urgent")).get().extracting(Event::getMessage)
                    .isEqualTo("0/3 nodes are available: 3 Insufficient cpu.");
        });
        String nominated = get("urgent").getStatus().getNominatedNodeName();
        assertThat(admin.pods().inNamespace("default").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() != null)).hasSize(1);
        // The kubelet's part: the victim's containers stop, and its deletion completes.
        admin.pods().inNamespace("default").withName(victimName[0]).withGracePeriod(0).delete();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(get("urgent").getSpec().getNodeName()).isEqualTo(nominated));
        assertThat(admin.pods().inNamespace("default").list().getItems()).hasSize(3);
        String metrics = scheduler.metrics().render();
        assertThat(metrics).contains("scheduler_schedule_attempts_total{profile=\"default-scheduler\",result=\"scheduled\"} 4",
                "scheduler_preemption_attempts_total 1", "scheduler_pending_pods{queue=\"active\"} 0",
                "scheduler_pod_scheduling_sli_duration_seconds_count{attempts=\"1\"} 3");
    }

    @Test
    void eachProfileSchedulesItsOwnPodsAndOtherSchedulersPodsAreLeftAlone() throws Exception {
        threeNodes("4");
        startScheduler(new Scheduler(cluster.clientFor("system:kube-scheduler"), (Scheduler.ProfileFactory) (binder, view, evictor) -> {
            Registry registry = Registry.inTree(binder, view, evictor);
            return List.of(registry.defaultProfile(),
                    registry.profile("node-filler", List.of("NodeUnschedulable", "NodeResourcesFit", "DefaultBinder"), 100));
        }));
        create(pod("mine", Map.of(), "100m").editSpec().withSchedulerName("node-filler").endSpec().build());
        create(pod("theirs", Map.of(), "100m").editSpec().withSchedulerName("someone-else").endSpec().build());
        create(pod("default", Map.of(), "100m").build());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(get("mine").getSpec().getNodeName()).isNotNull();
            assertThat(get("default").getSpec().getNodeName()).isNotNull();
        });
        assertThat(get("theirs").getSpec().getNodeName()).isNull();
        assertThat(event("FailedScheduling", "theirs")).isEmpty();
        assertThat(scheduler.metrics().attempts("node-filler", "scheduled")).isEqualTo(1);
        assertThat(NodeResourcesFit.NAME).isEqualTo("NodeResourcesFit");
    }
}
