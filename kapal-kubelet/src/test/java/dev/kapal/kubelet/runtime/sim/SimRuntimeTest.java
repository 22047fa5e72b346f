package dev.kapal.kubelet.runtime.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kapal.kubelet.runtime.ContainerConfig;
import dev.kapal.kubelet.runtime.ContainerEvent;
import dev.kapal.kubelet.runtime.ContainerMetadata;
import dev.kapal.kubelet.runtime.ContainerState;
import dev.kapal.kubelet.runtime.ContainerStatus;
import dev.kapal.kubelet.runtime.ImageSpec;
import dev.kapal.kubelet.runtime.NodeRuntime;
import dev.kapal.kubelet.runtime.PodSandboxConfig;
import dev.kapal.kubelet.runtime.PodSandboxMetadata;
import dev.kapal.kubelet.runtime.PodSandboxState;
import dev.kapal.kubelet.runtime.RuntimeFailure;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@link NodeRuntime} contract, checked on the simulated runtime. */
class SimRuntimeTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final SimRuntime runtime = new SimRuntime(timers, Clock.systemUTC());

    @AfterEach
    void stop() {
        runtime.close();
        timers.shutdownNow();
    }

    private static PodSandboxConfig sandbox(String name, Map<String, String> annotations) {
        return new PodSandboxConfig(new PodSandboxMetadata(name, "uid-" + name, "default", 0), name, List.of(),
                Map.of("app", name), annotations, false);
    }

    private static ContainerConfig container(String name, Map<String, String> annotations) {
        return new ContainerConfig(new ContainerMetadata(name, 0), ImageSpec.of("busybox"), List.of("sleep"), List.of("3600"),
                "", List.of(new ContainerConfig.KeyValue("A", "1")), Map.of("io.kubernetes.container.name", name), annotations);
    }

    @Test
    void sandboxesFailWithoutAPodCidrThenTakeAddressesFromIt() {
        assertThatThrownBy(() -> runtime.runPodSandbox(sandbox("a", Map.of())))
                .isInstanceOfSatisfying(RuntimeFailure.class,
                        failure -> assertThat(failure.code()).isEqualTo(RuntimeFailure.Code.FAILED_PRECONDITION));
        runtime.updateRuntimeConfig("10.42.7.0/24");
        String first = runtime.runPodSandbox(sandbox("a", Map.of()));
        String second = runtime.runPodSandbox(sandbox("b", Map.of()));
        assertThat(runtime.podSandboxStatus(first).orElseThrow().ip()).contains("10.42.7.2");
        assertThat(runtime.podSandboxStatus(second).orElseThrow().ip()).contains("10.42.7.3");
        assertThat(runtime.podSandboxStatus(first).orElseThrow().state()).isEqualTo(PodSandboxState.SANDBOX_READY);
        runtime.stopPodSandbox(first);
        assertThat(runtime.podSandboxStatus(first).orElseThrow().state()).isEqualTo(PodSandboxState.SANDBOX_NOTREADY);
        assertThat(runtime.podSandboxStatus(first).orElseThrow().ip()).isEmpty();
        assertThat(runtime.listPodSandbox(new NodeRuntime.PodSandboxFilter(java.util.Optional.empty(),
                java.util.Optional.of(PodSandboxState.SANDBOX_READY), Map.of()))).extracting(s -> s.id()).containsExactly(second);
    }

    @Test
    void hostNetworkSandboxesNeedNoRange() {
        PodSandboxConfig config = new PodSandboxConfig(new PodSandboxMetadata("h", "u", "kube-system", 0), "h", List.of(),
                Map.of(), Map.of(), true);
        String id = runtime.runPodSandbox(config);
        assertThat(runtime.podSandboxStatus(id).orElseThrow().ip()).isEmpty();
    }

    @Test
    void aRangeRunsOutLikeHostLocal() {
        runtime.updateRuntimeConfig("10.42.9.0/30");  // .0 network, .1 gateway, .2 the only one, .3 broadcast
        runtime.runPodSandbox(sandbox("a", Map.of()));
        assertThatThrownBy(() -> runtime.runPodSandbox(sandbox("b", Map.of())))
                .hasMessageContaining("no IP addresses available");
    }

    @Test
    void createContainerNeedsAPulledImageAndContainersRunUntilStopped() {
        runtime.updateRuntimeConfig("10.42.0.0/24");
        PodSandboxConfig config = sandbox("a", Map.of());
        String sandboxId = runtime.runPodSandbox(config);
        assertThatThrownBy(() -> runtime.createContainer(sandboxId, container("app", Map.of()), config))
                .isInstanceOfSatisfying(RuntimeFailure.class, f -> assertThat(f.code()).isEqualTo(RuntimeFailure.Code.NOT_FOUND));
        String imageRef = runtime.pullImage(ImageSpec.of("busybox"));
        assertThat(imageRef).startsWith("docker.io/library/busybox@sha256:");
        assertThat(runtime.imageStatus(ImageSpec.of("docker.io/library/busybox:latest"))).isPresent();
        assertThat(runtime.listImages()).hasSize(1);

        List<ContainerEvent> events = new CopyOnWriteArrayList<>();
        runtime.containerEvents(events::add);
        String id = runtime.createContainer(sandboxId, container("app", Map.of()), config);
        assertThat(runtime.containerStatus(id).orElseThrow().state()).isEqualTo(ContainerState.CONTAINER_CREATED);
        runtime.startContainer(id);
        ContainerStatus running = runtime.containerStatus(id).orElseThrow();
        assertThat(running.state()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        assertThat(running.startedAt()).isPresent();
        assertThat(running.image().image()).isEqualTo("docker.io/library/busybox:latest");
        assertThat(running.imageRef()).isEqualTo(imageRef);
        assertThatThrownBy(() -> runtime.startContainer(id)).isInstanceOf(RuntimeFailure.class);

        runtime.stopContainer(id, Duration.ofSeconds(30));
        runtime.stopContainer(id, Duration.ofSeconds(30));  // idempotent
        ContainerStatus exited = runtime.containerStatus(id).orElseThrow();
        assertThat(exited.state()).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(exited.exitCode()).isEqualTo(143);
        assertThat(exited.finishedAt()).isPresent();
        assertThat(events).extracting(ContainerEvent::type).containsExactly(ContainerEvent.Type.CONTAINER_CREATED_EVENT,
                ContainerEvent.Type.CONTAINER_STARTED_EVENT, ContainerEvent.Type.CONTAINER_STOPPED_EVENT);
        assertThat(runtime.listContainers(NodeRuntime.ContainerFilter.inSandbox(sandboxId))).hasSize(1);

        runtime.removePodSandbox(sandboxId);
        runtime.removePodSandbox(sandboxId);  // idempotent
        assertThat(runtime.containerStatus(id)).isEmpty();
        assertThat(runtime.podSandboxStatus(sandboxId)).isEmpty();
    }

    @Test
    void containersCompleteWhenTheirAnnotationsAsk() {
        runtime.updateRuntimeConfig("10.42.0.0/24");
        runtime.pullImage(ImageSpec.of("busybox"));
        PodSandboxConfig config = sandbox("a", Map.of(SimRuntime.COMPLETE_AFTER, "200ms", SimRuntime.EXIT_CODE, "3"));
        String sandboxId = runtime.runPodSandbox(config);
        String failing = runtime.createContainer(sandboxId, container("app", Map.of()), config);
        String succeeding = runtime.createContainer(sandboxId,
                container("side", Map.of(SimRuntime.COMPLETE_AFTER, "100ms", SimRuntime.EXIT_CODE, "0")), config);
        runtime.startContainer(failing);
        runtime.startContainer(succeeding);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ContainerStatus status = runtime.containerStatus(failing).orElseThrow();
            assertThat(status.state()).isEqualTo(ContainerState.CONTAINER_EXITED);
            assertThat(status.exitCode()).isEqualTo(3);
            assertThat(status.reason()).isEqualTo("Error");
        });
        ContainerStatus done = runtime.containerStatus(succeeding).orElseThrow();
        assertThat(done.state()).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(done.exitCode()).isZero();
        assertThat(done.reason()).isEqualTo("Completed");
    }

    @Test
    void goDurationsAndImageNames() {
        assertThat(GoDuration.parse("5s")).contains(Duration.ofSeconds(5));
        assertThat(GoDuration.parse("1m30s")).contains(Duration.ofSeconds(90));
        assertThat(GoDuration.parse("1.5h")).contains(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("250ms")).contains(Duration.ofMillis(250));
        assertThat(GoDuration.parse("5")).isEmpty();
        assertThat(GoDuration.parse("-5s")).isEmpty();
        assertThat(SimRuntime.normalize("nginx")).isEqualTo("docker.io/library/nginx:latest");
        assertThat(SimRuntime.normalize("me/app:1")).isEqualTo("docker.io/me/app:1");
        assertThat(SimRuntime.normalize("registry.k8s.io/pause:3.10")).isEqualTo("registry.k8s.io/pause:3.10");
        assertThat(SimRuntime.normalize("localhost:5000/x")).isEqualTo("localhost:5000/x:latest");
    }
}
