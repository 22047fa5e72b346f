package dev.kapal.kubelet.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.apiserver.testing.InProcessApiServer;
import dev.kapal.kubelet.KubeletHost;
import dev.kapal.kubelet.NodeConfig;
import dev.kapal.kubelet.runtime.containerd.ContainerdFixture;
import dev.kapal.kubelet.runtime.cri.CriClient;
import dev.kapal.kubelet.runtime.cri.CriRuntime;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kubelet core (built and tested on the simulated runtime) driving real containers: one node
 * whose runtime is {@link CriRuntime} over a managed containerd, against an in-process API server.
 */
class ContainerdNodeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String NODE = "containerd-node";
    private static ContainerdFixture fixture;
    private static InProcessApiServer cluster;
    private static KubernetesClient admin;
    private static ScheduledExecutorService timers;
    private static KubeletHost host;

    @BeforeAll
    static void start() throws Exception {
        fixture = ContainerdFixture.start();
        cluster = new InProcessApiServer();
        admin = cluster.admin();
        timers = KubeletHost.newTimers();
        host = new KubeletHost(cluster.clientFor("system:node:" + NODE, "system:nodes"),
                KubeletHost.Options.defaults().withIntervals(Duration.ofSeconds(1), Duration.ofSeconds(2)),
                Clock.systemUTC(), timers);
        Map<String, Quantity> capacity = Map.of("cpu", new Quantity("2"), "memory", new Quantity("4Gi"),
                "pods", new Quantity("110"));
        host.addNode(new NodeConfig(NODE, Map.of("kubernetes.io/hostname", NODE, "kubernetes.io/os", "linux"), Map.of(),
                        capacity, capacity, List.of(new NodeAddress("127.0.0.1", "InternalIP")),
                        new NodeConfig.NodeInfo("m", "s", "b", System.getProperty("os.version"), "Debian", "linux", "amd64",
                                "v1.33.0+kapal"), false),
                new CriRuntime(CriClient.connect(fixture.containerd().socket()), fixture.dataDirectory().resolve("pod-logs"),
                        Duration.ofSeconds(60), Duration.ofMillis(500)));
        host.start();
        host.ready().get(60, TimeUnit.SECONDS);
        // The node IPAM controller's part: the range the fixture configured containerd's CNI with.
        admin.nodes().withName(NODE).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"podCIDR\":\"" + ContainerdFixture.POD_CIDR + "\",\"podCIDRs\":[\"" + ContainerdFixture.POD_CIDR + "\"]}}");
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
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void nodeReportsContainerdAndARealPodRunsWithAnAddressFromThePodCidr() {
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(admin.nodes().withName(NODE).get().getStatus()
                .getNodeInfo().getContainerRuntimeVersion()).startsWith("containerd://1."));
        admin.pods().inNamespace("default").resource(pod("sleeper", List.of("sleep", "1000"), "Always")).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            Pod pod = admin.pods().inNamespace("default").withName("sleeper").get();
            assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
            assertThat(pod.getStatus().getPodIP()).startsWith("10.199.77.");
            ContainerStatus app = pod.getStatus().getContainerStatuses().getFirst();
            assertThat(app.getState().getRunning()).isNotNull();
            assertThat(app.getContainerID()).startsWith("containerd://");
        });
    }

    @Test
    void aContainerExitingThreeFailsItsNeverRestartingPodWithCodeThree() {
        admin.pods().inNamespace("default").resource(pod("failer", List.of("sh", "-c", "exit 3"), "Never")).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            Pod pod = admin.pods().inNamespace("default").withName("failer").get();
            assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
            ContainerStatus app = pod.getStatus().getContainerStatuses().getFirst();
            assertThat(app.getState().getTerminated().getExitCode()).isEqualTo(3);
            assertThat(app.getState().getTerminated().getReason()).isEqualTo("Error");
        });
    }

    private static Pod pod(String name, List<String> command, String restartPolicy) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).withRestartPolicy(restartPolicy).withTerminationGracePeriodSeconds(1L)
                    .addNewContainer().withName("app").withImage(ContainerdFixture.BUSYBOX).withCommand(command)
                        .withImagePullPolicy("IfNotPresent").endContainer()
                .endSpec().build();
    }
}
