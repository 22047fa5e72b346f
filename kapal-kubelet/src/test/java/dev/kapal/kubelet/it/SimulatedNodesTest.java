package dev.kapal.kubelet.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.apiserver.testing.InProcessApiServer;
import dev.kapal.kubelet.KubeletHost;
import dev.kapal.kubelet.SimulatedNodes;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Simulated nodes and their pods against a real in-process API server. */
class SimulatedNodesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static InProcessApiServer cluster;
    private static KubernetesClient admin;
    private static ScheduledExecutorService timers;
    private static KubeletHost host;

    @BeforeAll
    static void start() throws Exception {
        cluster = new InProcessApiServer();
        admin = cluster.admin();
        timers = KubeletHost.newTimers();
        // Upstream's intervals shortened so renewals are seen within a test.
        KubeletHost.Options options = KubeletHost.Options.defaults().withIntervals(Duration.ofMillis(500), Duration.ofSeconds(1));
        host = SimulatedNodes.host(cluster.clientFor("system:kapal-sim-nodes", "system:nodes"), 4,
                SimulatedNodes.Capacity.parse("cpu=16,memory=64Gi"), options, timers, Clock.systemUTC());
        host.start();
        host.ready().get(60, TimeUnit.SECONDS);
        // Acting as the node IPAM controller for sim-0 and sim-1; sim-2 gets its range in a test.
        assignPodCidr("sim-0", "10.42.0.0/24");
        assignPodCidr("sim-1", "10.42.1.0/24");
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
        if (timers != null) {
            timers.shutdownNow();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Until the assertion holds; a status not written yet (an empty list, say) is retried, not an error. */
    private static org.awaitility.core.ConditionFactory eventually() {
        return await().atMost(TIMEOUT).ignoreExceptions();
    }

    private static void assignPodCidr(String node, String cidr) {
        admin.nodes().withName(node).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"podCIDR\":\"" + cidr + "\",\"podCIDRs\":[\"" + cidr + "\"]}}");
    }

    private static Pod pod(String name, String node, Map<String, String> annotations, String restartPolicy) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("default").withAnnotations(annotations).endMetadata()
                .withNewSpec().withNodeName(node).withRestartPolicy(restartPolicy)
                    .addNewContainer().withName("app").withImage("busybox").endContainer()
                .endSpec().build();
    }

    private static Pod get(String name) {
        return admin.pods().inNamespace("default").withName(name).get();
    }

    private static Optional<PodCondition> condition(Pod pod, String type) {
        return pod.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    private static NodeCondition nodeCondition(Node node, String type) {
        return node.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }

    @Test
    void simNodesRegisterReadyWithLabelsCapacityAndARenewedLease() {
        List<Node> nodes = admin.nodes().withLabel(SimulatedNodes.SIMULATED_LABEL, "true").list().getItems();
        assertThat(nodes).extracting(n -> n.getMetadata().getName()).containsExactlyInAnyOrder("sim-0", "sim-1", "sim-2", "sim-3");
        Node node = admin.nodes().withName("sim-1").get();
        assertThat(node.getMetadata().getLabels()).containsEntry("kubernetes.io/hostname", "sim-1")
                .containsEntry("kubernetes.io/os", "linux").containsEntry("kubernetes.io/arch", "amd64")
                .containsEntry("topology.kubernetes.io/zone", "zone-b").containsEntry("node.kapal.dev/simulated", "true");
        assertThat(admin.nodes().withName("sim-3").get().getMetadata().getLabels()).containsEntry("topology.kubernetes.io/zone", "zone-a");
        assertThat(node.getStatus().getCapacity()).containsEntry("cpu", new Quantity("16"))
                .containsEntry("memory", new Quantity("64Gi")).containsEntry("pods", new Quantity("110"));
        assertThat(node.getStatus().getAllocatable()).isEqualTo(node.getStatus().getCapacity());
        assertThat(node.getStatus().getConditions()).extracting(NodeCondition::getType)
                .containsExactly("MemoryPressure", "DiskPressure", "PIDPressure", "Ready");
        NodeCondition ready = nodeCondition(node, "Ready");
        assertThat(ready.getStatus()).isEqualTo("True");
        assertThat(ready.getReason()).isEqualTo("KubeletReady");
        assertThat(ready.getMessage()).isEqualTo("kubelet is posting ready status");
        assertThat(nodeCondition(node, "MemoryPressure").getReason()).isEqualTo("KubeletHasSufficientMemory");
        assertThat(node.getStatus().getNodeInfo().getKubeletVersion()).isEqualTo("v1.33.0+kapal");
        assertThat(node.getStatus().getNodeInfo().getContainerRuntimeVersion()).isEqualTo("sim://0.1.0");
        assertThat(node.getStatus().getNodeInfo().getOperatingSystem()).isEqualTo("linux");
        assertThat(node.getStatus().getAddresses()).extracting(a -> a.getType() + "=" + a.getAddress())
                .containsExactly("InternalIP=172.16.0.2", "Hostname=sim-1");
        assertThat(node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort()).isEqualTo(10250);

        Lease lease = admin.leases().inNamespace("kube-node-lease").withName("sim-1").get();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("sim-1");
        assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(40);
        assertThat(lease.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(owner -> {
                    assertThat(owner.getKind()).isEqualTo("Node");
                    assertThat(owner.getUid()).isEqualTo(node.getMetadata().getUid());
                });
        ZonedDateTime first = lease.getSpec().getRenewTime();
        eventually().untilAsserted(() -> assertThat(
                admin.leases().inNamespace("kube-node-lease").withName("sim-1").get().getSpec().getRenewTime()).isAfter(first));
    }

    @Test
    void aBoundPodRunsWithTheKubeletsStatus() {
        admin.pods().inNamespace("default").resource(pod("web", "sim-0", Map.of(), null)).create();
        eventually().untilAsserted(() -> {
            Pod pod = get("web");
            assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
            assertThat(condition(pod, "Ready").orElseThrow().getStatus()).isEqualTo("True");
        });
        Pod pod = get("web");
        assertThat(pod.getStatus().getConditions()).extracting(PodCondition::getType)
                .containsExactly("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled");
        assertThat(pod.getStatus().getConditions()).allSatisfy(c -> assertThat(c.getStatus()).isEqualTo("True"));
        assertThat(pod.getStatus().getPodIP()).startsWith("10.42.0.");
        assertThat(pod.getStatus().getPodIPs()).singleElement().satisfies(ip -> assertThat(ip.getIp()).isEqualTo(pod.getStatus().getPodIP()));
        assertThat(pod.getStatus().getHostIP()).isEqualTo("172.16.0.1");
        assertThat(pod.getStatus().getHostIPs()).singleElement().satisfies(ip -> assertThat(ip.getIp()).isEqualTo("172.16.0.1"));
        assertThat(pod.getStatus().getStartTime()).isNotNull();
        assertThat(pod.getStatus().getQosClass()).isEqualTo("BestEffort");
        ContainerStatus app = pod.getStatus().getContainerStatuses().getFirst();
        assertThat(app.getName()).isEqualTo("app");
        assertThat(app.getReady()).isTrue();
        assertThat(app.getStarted()).isTrue();
        assertThat(app.getRestartCount()).isZero();
        assertThat(app.getState().getRunning().getStartedAt()).isNotNull();
        assertThat(app.getImage()).isEqualTo("docker.io/library/busybox:latest");
        assertThat(app.getImageID()).startsWith("docker.io/library/busybox@sha256:");
        assertThat(app.getContainerID()).matches("sim://[0-9a-f]{64}");
    }

    @Test
    void podsWaitInContainerCreatingUntilTheNodeHasAPodCidr() {
        admin.pods().inNamespace("default").resource(pod("early", "sim-2", Map.of(), null)).create();
        eventually().untilAsserted(() -> {
            Pod pod = get("early");
            assertThat(pod.getStatus().getContainerStatuses()).singleElement()
                    .satisfies(status -> assertThat(status.getState().getWaiting().getReason()).isEqualTo("ContainerCreating"));
            assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
            assertThat(condition(pod, "PodReadyToStartContainers").orElseThrow().getStatus()).isEqualTo("False");
            assertThat(condition(pod, "Ready").orElseThrow().getReason()).isEqualTo("ContainersNotReady");
            assertThat(condition(pod, "Ready").orElseThrow().getMessage()).isEqualTo("containers with unready status: [app]");
        });
        assignPodCidr("sim-2", "10.42.2.0/24");
        eventually().untilAsserted(() -> {
            Pod pod = get("early");
            assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
            assertThat(pod.getStatus().getPodIP()).startsWith("10.42.2.");
        });
    }

    @Test
    void readinessGatesHoldReadyUntilTheirConditionIsTrue() {
        Pod gated = new PodBuilder(pod("gated", "sim-1", Map.of(), null))
                .editSpec().addNewReadinessGate().withConditionType("example.com/ready").endReadinessGate().endSpec().build();
        admin.pods().inNamespace("default").resource(gated).create();
        eventually().untilAsserted(() -> {
            Pod pod = get("gated");
            assertThat(condition(pod, "ContainersReady").orElseThrow().getStatus()).isEqualTo("True");
            PodCondition ready = condition(pod, "Ready").orElseThrow();
            assertThat(ready.getStatus()).isEqualTo("False");
            assertThat(ready.getReason()).isEqualTo("ReadinessGatesNotReady");
            assertThat(ready.getMessage()).isEqualTo("corresponding condition of pod readiness gate \"example.com/ready\" does not exist.");
        });
        admin.pods().inNamespace("default").withName("gated").subresource("status").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
                "{\"status\":{\"conditions\":[{\"type\":\"example.com/ready\",\"status\":\"True\"}]}}");
        eventually().untilAsserted(() -> {
            Pod pod = get("gated");
            assertThat(condition(pod, "Ready").orElseThrow().getStatus()).isEqualTo("True");
            assertThat(condition(pod, "example.com/ready").orElseThrow().getStatus()).isEqualTo("True");
        });
    }

    @Test
    void initContainersCompleteAtOnceAndSidecarsKeepRunningWithoutAnnotations() {
        Pod web = new PodBuilder(pod("with-init", "sim-1", Map.of(), "Always"))
                .editSpec()
                    .addNewInitContainer().withName("migrate").withImage("busybox").endInitContainer()
                    .addNewInitContainer().withName("proxy").withImage("busybox").withRestartPolicy("Always").endInitContainer()
                    // Volumes are not set up on simulated nodes, and their mounts must not hold the containers back.
                    .editFirstContainer().addNewVolumeMount().withName("scratch").withMountPath("/scratch").endVolumeMount()
                        .endContainer()
                    .addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec().build();
        admin.pods().inNamespace("default").resource(web).create();
        eventually().untilAsserted(() -> {
            Pod pod = get("with-init");
            assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
            assertThat(pod.getStatus().getInitContainerStatuses().get(0).getState().getTerminated().getReason()).isEqualTo("Completed");
            assertThat(pod.getStatus().getInitContainerStatuses().get(1).getState().getRunning()).isNotNull();
            assertThat(condition(pod, "Initialized").orElseThrow().getStatus()).isEqualTo("True");
            assertThat(condition(pod, "Ready").orElseThrow().getStatus()).isEqualTo("True");
        });
    }

    @Test
    void podsCompleteAsTheirAnnotationsAskAfterTheirInitContainers() {
        Pod job = new PodBuilder(pod("job", "sim-0", Map.of("sim.kapal.dev/complete-after", "1s"), "Never"))
                .editSpec().addNewInitContainer().withName("setup").withImage("busybox").endInitContainer().endSpec().build();
        admin.pods().inNamespace("default").resource(job).create();
        admin.pods().inNamespace("default").resource(pod("crash", "sim-0",
                Map.of("sim.kapal.dev/complete-after", "1s", "sim.kapal.dev/exit-code", "2"), "Never")).create();
        eventually().untilAsserted(() -> {
            Pod pod = get("job");
            assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
            assertThat(pod.getStatus().getInitContainerStatuses().getFirst().getState().getTerminated().getReason()).isEqualTo("Completed");
            var terminated = pod.getStatus().getContainerStatuses().getFirst().getState().getTerminated();
            assertThat(terminated.getExitCode()).isZero();
            assertThat(terminated.getReason()).isEqualTo("Completed");
            assertThat(terminated.getStartedAt()).isNotNull();
            assertThat(terminated.getFinishedAt()).isNotNull();
            assertThat(condition(pod, "Ready").orElseThrow().getReason()).isEqualTo("PodCompleted");
            assertThat(condition(pod, "Initialized").orElseThrow().getStatus()).isEqualTo("True");
        });
        // The init container finished before the app container started.
        Pod done = get("job");
        assertThat(done.getStatus().getInitContainerStatuses().getFirst().getState().getTerminated().getFinishedAt())
                .isLessThanOrEqualTo(done.getStatus().getContainerStatuses().getFirst().getState().getTerminated().getStartedAt());
        eventually().untilAsserted(() -> {
            Pod pod = get("crash");
            assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
            var terminated = pod.getStatus().getContainerStatuses().getFirst().getState().getTerminated();
            assertThat(terminated.getExitCode()).isEqualTo(2);
            assertThat(terminated.getReason()).isEqualTo("Error");
            assertThat(condition(pod, "ContainersReady").orElseThrow().getReason()).isEqualTo("PodFailed");
        });
    }

    @Test
    void alwaysRestartsACompletedContainer() {
        admin.pods().inNamespace("default").resource(pod("looping", "sim-1", Map.of("sim.kapal.dev/complete-after", "300ms"), null)).create();
        eventually().untilAsserted(() -> {
            ContainerStatus app = get("looping").getStatus().getContainerStatuses().getFirst();
            assertThat(app.getRestartCount()).isGreaterThanOrEqualTo(1);
            assertThat(app.getLastState().getTerminated().getReason()).isEqualTo("Completed");
        });
        eventually().untilAsserted(() -> {
            ContainerStatus app = get("looping").getStatus().getContainerStatuses().getFirst();
            assertThat(app.getState().getWaiting()).isNotNull();
            assertThat(app.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
            assertThat(app.getState().getWaiting().getMessage()).startsWith("back-off 10s restarting failed container=app pod=looping_default(");
        });
        assertThat(get("looping").getStatus().getPhase()).isEqualTo("Running");
    }

    @Test
    void gracefulDeletionIsFinishedByTheNode() {
        admin.pods().inNamespace("default").resource(pod("doomed", "sim-0", Map.of(), null)).create();
        eventually().until(() -> "Running".equals(get("doomed").getStatus().getPhase()));
        admin.pods().inNamespace("default").withName("doomed").delete();
        assertThat(get("doomed")).as("deletion is graceful: the node finishes it").satisfiesAnyOf(
                pod -> assertThat(pod).isNull(),
                pod -> assertThat(pod.getMetadata().getDeletionTimestamp()).isNotNull());
        eventually().until(() -> get("doomed") == null);
    }

    @Test
    void aDownNodeStopsRenewingItsLeaseAndWritingPodStatusUntilTheAnnotationGoes() throws Exception {
        admin.nodes().withName("sim-3").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"sim.kapal.dev/down\":\"true\"}}}");
        eventually().until(() -> host.nodeDown("sim-3"));
        assignPodCidr("sim-3", "10.42.3.0/24");
        admin.pods().inNamespace("default").resource(pod("unseen", "sim-3", Map.of(), null)).create();
        // No renewal starts once the host saw the annotation; let one already in flight land.
        eventually().pollInterval(Duration.ofMillis(1500)).until(new java.util.concurrent.Callable<Boolean>() {
            private ZonedDateTime last;

            @Override
            public Boolean call() {
                ZonedDateTime now = admin.leases().inNamespace("kube-node-lease").withName("sim-3").get().getSpec().getRenewTime();
                boolean settled = now.equals(last);
                last = now;
                return settled;
            }
        });
        ZonedDateTime frozen = admin.leases().inNamespace("kube-node-lease").withName("sim-3").get().getSpec().getRenewTime();
        Thread.sleep(2_000);  // four renew intervals of this test's host
        assertThat(admin.leases().inNamespace("kube-node-lease").withName("sim-3").get().getSpec().getRenewTime()).isEqualTo(frozen);
        assertThat(get("unseen").getStatus().getContainerStatuses()).as("a lost node writes no pod status").isEmpty();

        admin.nodes().withName("sim-3").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"sim.kapal.dev/down\":null}}}");
        eventually().untilAsserted(() -> assertThat(
                admin.leases().inNamespace("kube-node-lease").withName("sim-3").get().getSpec().getRenewTime()).isAfter(frozen));
        assertThat(host.nodeDown("sim-3")).isFalse();
        eventually().until(() -> "Running".equals(get("unseen").getStatus().getPhase()));
    }
}
