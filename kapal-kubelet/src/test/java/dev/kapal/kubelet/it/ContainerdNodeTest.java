package dev.kapal.kubelet.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.kubelet.runtime.containerd.ContainerdFixture;
import dev.kapal.kubelet.runtime.cri.CriRuntime;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
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
    private static ContainerdNodeCluster node;
    private static ContainerdFixture fixture;
    private static KubernetesClient admin;

    @BeforeAll
    static void start() throws Exception {
        node = ContainerdNodeCluster.start(NODE);
        fixture = node.fixture;
        admin = node.admin;
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void nodeReportsContainerdAndARealPodRunsWithAnAddressFromThePodCidr() {
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(admin.nodes().withName(NODE).get().getStatus()
                .getNodeInfo().getContainerRuntimeVersion()).startsWith("containerd://1."));
        // The images the node holds (the fixture imported busybox) are in its status, as a kubelet reports them.
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(admin.nodes().withName(NODE).get().getStatus().getImages())
                .anySatisfy(image -> {
                    assertThat(image.getNames()).contains(ContainerdFixture.BUSYBOX);
                    assertThat(image.getSizeBytes()).isPositive();
                }));
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
