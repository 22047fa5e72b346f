package dev.kapal.kubelet.runtime.cri;

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
import dev.kapal.kubelet.runtime.PodSandboxStatus;
import dev.kapal.kubelet.runtime.RuntimeFailure;
import dev.kapal.kubelet.runtime.containerd.ContainerdFixture;
import dev.kapal.kubelet.runtime.containerd.ContainerdNodeRuntime;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@link NodeRuntime} contract, checked on {@link CriRuntime} over a real managed containerd. */
class CriRuntimeTest {
    private static ContainerdFixture fixture;
    private static CriRuntime runtime;

    @BeforeAll
    static void start() {
        fixture = ContainerdFixture.start();
        runtime = new CriRuntime(CriClient.connect(fixture.containerd().socket()),
                fixture.dataDirectory().resolve("pod-logs"), Duration.ofSeconds(60), Duration.ofMillis(200));
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void versionAndStatusForTheNodeStatus() {
        assertThat(runtime.version().nodeRuntimeVersion()).startsWith("containerd://1.");
        assertThat(runtime.version().runtimeApiVersion()).isEqualTo("v1");
        assertThat(runtime.status().ready()).isTrue();
    }

    @Test
    void imagesAreTheImportedOnes() {
        assertThat(runtime.imageStatus(ImageSpec.of(ContainerdFixture.BUSYBOX)))
                .hasValueSatisfying(image -> assertThat(image.id()).isEqualTo(fixture.busybox().configDigest()));
        assertThat(runtime.imageStatus(ImageSpec.of("docker.io/library/never-imported:1"))).isEmpty();
        assertThat(runtime.listImages()).anySatisfy(image -> assertThat(image.repoTags()).contains(ContainerdFixture.BUSYBOX));
    }

    @Test
    void gracefulStopEndsTheContainerWithItsOwnExitCodeAndAnEvent() {
        List<ContainerEvent> events = new CopyOnWriteArrayList<>();
        PodSandboxConfig sandboxConfig = sandbox("graceful", false);
        String sandbox = runtime.runPodSandbox(sandboxConfig);
        try (AutoCloseable subscription = runtime.containerEvents(events::add)) {
            PodSandboxStatus sandboxStatus = runtime.podSandboxStatus(sandbox).orElseThrow();
            assertThat(sandboxStatus.state()).isEqualTo(PodSandboxState.SANDBOX_READY);
            assertThat(sandboxStatus.ip()).hasValueSatisfying(ip -> assertThat(ip).startsWith("10.199.77."));
            assertThat(sandboxStatus.metadata()).isEqualTo(sandboxConfig.metadata());

            String container = runtime.createContainer(sandbox, container("web",
                    List.of("sh", "-c", "trap 'exit 0' TERM; echo started; while true; do sleep 0.2; done")), sandboxConfig);
            runtime.startContainer(container);
            ContainerStatus running = runtime.containerStatus(container).orElseThrow();
            assertThat(running.state()).isEqualTo(ContainerState.CONTAINER_RUNNING);
            assertThat(running.podSandboxId()).isEqualTo(sandbox);
            assertThat(running.metadata()).isEqualTo(new ContainerMetadata("web", 0));
            assertThat(running.startedAt()).isPresent();
            assertThat(running.finishedAt()).isEmpty();
            assertThat(running.labels()).containsEntry("io.kubernetes.container.name", "web");
            await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(e -> e.containerId().equals(container)
                    && e.type() == ContainerEvent.Type.CONTAINER_STARTED_EVENT));

            runtime.stopContainer(container, Duration.ofSeconds(10));

            ContainerStatus exited = runtime.containerStatus(container).orElseThrow();
            assertThat(exited.state()).isEqualTo(ContainerState.CONTAINER_EXITED);
            assertThat(exited.exitCode()).isZero();
            assertThat(exited.reason()).isEqualTo("Completed");
            assertThat(exited.finishedAt()).isPresent();
            await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(e -> e.containerId().equals(container)
                    && e.podSandboxId().equals(sandbox) && e.type() == ContainerEvent.Type.CONTAINER_STOPPED_EVENT));
            var log = fixture.dataDirectory().resolve("pod-logs/default_graceful_" + sandboxConfig.metadata().uid() + "/web/0.log");
            assertThat(Files.readString(log)).contains("stdout F started");
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            runtime.stopPodSandbox(sandbox);
            runtime.removePodSandbox(sandbox);
        }
    }

    @Test
    void aContainerExitingThreeIsReportedWithCodeThreeThroughAnEvent() throws Exception {
        List<ContainerEvent> events = new CopyOnWriteArrayList<>();
        PodSandboxConfig sandboxConfig = sandbox("exit-three", false);
        String sandbox = runtime.runPodSandbox(sandboxConfig);
        try (AutoCloseable subscription = runtime.containerEvents(events::add)) {
            String container = runtime.createContainer(sandbox, container("failer", List.of("sh", "-c", "sleep 0.3; exit 3")),
                    sandboxConfig);
            runtime.startContainer(container);

            await().atMost(Duration.ofSeconds(20)).until(() -> events.stream().anyMatch(e -> e.containerId().equals(container)
                    && e.type() == ContainerEvent.Type.CONTAINER_STOPPED_EVENT));
            ContainerStatus exited = runtime.containerStatus(container).orElseThrow();
            assertThat(exited.exitCode()).isEqualTo(3);
            assertThat(exited.reason()).isEqualTo("Error");
            assertThat(runtime.listContainers(NodeRuntime.ContainerFilter.inSandbox(sandbox)))
                    .singleElement().satisfies(listed -> {
                        assertThat(listed.id()).isEqualTo(container);
                        assertThat(listed.exitCode()).isEqualTo(3);
                        assertThat(listed.podSandboxId()).isEqualTo(sandbox);
                    });
        } finally {
            runtime.stopPodSandbox(sandbox);
            runtime.removePodSandbox(sandbox);
        }
    }

    @Test
    void createContainerDoesNotPull() {
        PodSandboxConfig sandboxConfig = sandbox("no-pull", false);
        String sandbox = runtime.runPodSandbox(sandboxConfig);
        try {
            ContainerConfig config = new ContainerConfig(new ContainerMetadata("app", 0),
                    ImageSpec.of("docker.io/library/never-imported:1"), List.of("sh"), List.of(), "", List.of(), Map.of(), Map.of());
            assertThatThrownBy(() -> runtime.createContainer(sandbox, config, sandboxConfig))
                    .isInstanceOfSatisfying(RuntimeFailure.class,
                            failure -> assertThat(failure.code()).isEqualTo(RuntimeFailure.Code.NOT_FOUND));
        } finally {
            runtime.stopPodSandbox(sandbox);
            runtime.removePodSandbox(sandbox);
        }
    }

    @Test
    void stopAndRemoveAreIdempotentAndStatusOfWhatIsGoneIsEmpty() {
        PodSandboxConfig sandboxConfig = sandbox("idempotent", false);
        String sandbox = runtime.runPodSandbox(sandboxConfig);
        String container = runtime.createContainer(sandbox, container("app", List.of("sleep", "1000")), sandboxConfig);
        runtime.startContainer(container);

        runtime.stopContainer(container, Duration.ZERO);
        runtime.stopContainer(container, Duration.ZERO);
        runtime.removeContainer(container);
        runtime.removeContainer(container);
        assertThat(runtime.containerStatus(container)).isEmpty();

        assertThat(runtime.listPodSandbox(NodeRuntime.PodSandboxFilter.ALL)).extracting(PodSandboxStatus::id).contains(sandbox);
        runtime.stopPodSandbox(sandbox);
        assertThat(runtime.podSandboxStatus(sandbox).orElseThrow().state()).isEqualTo(PodSandboxState.SANDBOX_NOTREADY);
        runtime.stopPodSandbox(sandbox);
        runtime.removePodSandbox(sandbox);
        runtime.removePodSandbox(sandbox);
        assertThat(runtime.podSandboxStatus(sandbox)).isEmpty();
        assertThat(runtime.containerStatus("no-such-container")).isEmpty();
    }

    @Test
    void hostNetworkSandboxHasNoAddressOfItsOwn() {
        PodSandboxConfig sandboxConfig = sandbox("host-net", true);
        String sandbox = runtime.runPodSandbox(sandboxConfig);
        try {
            assertThat(runtime.podSandboxStatus(sandbox).orElseThrow().ip()).isEmpty();
        } finally {
            runtime.stopPodSandbox(sandbox);
            runtime.removePodSandbox(sandbox);
        }
    }

    @Test
    void anExistingEndpointIsUsedAsItIs() throws Exception {
        java.nio.file.Path elsewhere = Files.createTempDirectory("kapal-endpoint");
        try (ContainerdNodeRuntime existing = ContainerdNodeRuntime.open(elsewhere,
                Optional.of("unix://" + fixture.containerd().socket()), message -> { })) {
            assertThat(existing.managed()).isEmpty();
            assertThat(existing.runtime().version().runtimeName()).isEqualTo("containerd");
            assertThat(elsewhere.resolve("agent/containerd")).doesNotExist();
        } finally {
            Files.deleteIfExists(elsewhere);
        }
    }

    private static PodSandboxConfig sandbox(String name, boolean hostNetwork) {
        String uid = UUID.randomUUID().toString();
        return new PodSandboxConfig(new PodSandboxMetadata(name, uid, "default", 0), name, List.of(),
                Map.of("io.kubernetes.pod.name", name, "io.kubernetes.pod.namespace", "default", "io.kubernetes.pod.uid", uid),
                Map.of(), hostNetwork);
    }

    private static ContainerConfig container(String name, List<String> command) {
        return new ContainerConfig(new ContainerMetadata(name, 0), ImageSpec.of(ContainerdFixture.BUSYBOX), command, List.of(),
                "", List.of(new ContainerConfig.KeyValue("GREETING", "hello")), Map.of("io.kubernetes.container.name", name),
                Map.of());
    }
}
