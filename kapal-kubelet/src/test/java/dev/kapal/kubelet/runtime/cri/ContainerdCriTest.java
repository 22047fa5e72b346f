package dev.kapal.kubelet.runtime.cri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.kubelet.runtime.containerd.ContainerdFixture;
import dev.kapal.kubelet.runtime.cri.v1.ContainerConfig;
import dev.kapal.kubelet.runtime.cri.v1.ContainerMetadata;
import dev.kapal.kubelet.runtime.cri.v1.ContainerState;
import dev.kapal.kubelet.runtime.cri.v1.ContainerStatus;
import dev.kapal.kubelet.runtime.cri.v1.ContainerStatusRequest;
import dev.kapal.kubelet.runtime.cri.v1.CreateContainerRequest;
import dev.kapal.kubelet.runtime.cri.v1.ImageSpec;
import dev.kapal.kubelet.runtime.cri.v1.ImageStatusRequest;
import dev.kapal.kubelet.runtime.cri.v1.ImageStatusResponse;
import dev.kapal.kubelet.runtime.cri.v1.LinuxPodSandboxConfig;
import dev.kapal.kubelet.runtime.cri.v1.PodSandboxConfig;
import dev.kapal.kubelet.runtime.cri.v1.PodSandboxMetadata;
import dev.kapal.kubelet.runtime.cri.v1.PodSandboxStatusRequest;
import dev.kapal.kubelet.runtime.cri.v1.RemovePodSandboxRequest;
import dev.kapal.kubelet.runtime.cri.v1.RunPodSandboxRequest;
import dev.kapal.kubelet.runtime.cri.v1.RuntimeCondition;
import dev.kapal.kubelet.runtime.cri.v1.StartContainerRequest;
import dev.kapal.kubelet.runtime.cri.v1.StatusRequest;
import dev.kapal.kubelet.runtime.cri.v1.StopContainerRequest;
import dev.kapal.kubelet.runtime.cri.v1.StopPodSandboxRequest;
import dev.kapal.kubelet.runtime.cri.v1.VersionResponse;
import dev.kapal.kubelet.runtime.oci.BusyboxImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The raw CRI against a real, managed containerd: the protobuf definitions, the unix-socket
 * channel, the generated configuration (runc, cgroupfs, clamped oom scores, CNI bridge) and the
 * air-gap import, all at once. Also prints the raw pod start time (sandbox + create + start),
 * the floor the kubelet's pod start-up is compared with.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerdCriTest {
    private static ContainerdFixture fixture;
    private static CriClient cri;

    @BeforeAll
    static void startContainerd() {
        fixture = ContainerdFixture.start();
        cri = fixture.client();
    }

    @AfterAll
    static void stopContainerd() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    @Order(1)
    void versionAndStatusComeFromTheManagedContainerd() {
        VersionResponse version = cri.version(Duration.ofSeconds(5));
        assertThat(version.getRuntimeName()).isEqualTo("containerd");
        assertThat(version.getRuntimeApiVersion()).isEqualTo("v1");

        List<RuntimeCondition> conditions = cri.runtime().status(StatusRequest.getDefaultInstance())
                .getStatus().getConditionsList();
        assertThat(conditions).filteredOn(c -> c.getType().equals("RuntimeReady")).singleElement()
                .extracting(RuntimeCondition::getStatus).isEqualTo(true);
        // The fixture sent the pod CIDR, so containerd rendered the CNI template.
        assertThat(conditions).filteredOn(c -> c.getType().equals("NetworkReady")).singleElement()
                .extracting(RuntimeCondition::getStatus).isEqualTo(true);
    }

    @Test
    @Order(2)
    void airGapArchiveIsImportedWithTheDigestsItWasBuiltWith() {
        ImageStatusResponse status = cri.images().imageStatus(ImageStatusRequest.newBuilder()
                .setImage(image(ContainerdFixture.BUSYBOX)).build());

        assertThat(status.hasImage()).isTrue();
        assertThat(status.getImage().getId()).isEqualTo(fixture.busybox().configDigest());
        assertThat(status.getImage().getRepoTagsList()).contains(ContainerdFixture.BUSYBOX);
        assertThat(status.getImage().getSize()).isPositive();

        ImageStatusResponse pause = cri.images().imageStatus(ImageStatusRequest.newBuilder()
                .setImage(image(BusyboxImage.PAUSE_REFERENCE)).build());
        assertThat(pause.hasImage()).as("the sandbox image Kapal provides").isTrue();

        ImageStatusResponse absent = cri.images().imageStatus(ImageStatusRequest.newBuilder()
                .setImage(image("docker.io/library/nothing-here:1")).build());
        assertThat(absent.hasImage()).isFalse();
    }

    @Test
    @Order(3)
    void containerRunsAndStopsWithAnExitCode() {
        PodSandboxConfig sandboxConfig = sandboxConfig("lifecycle");
        String sandbox = cri.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(sandboxConfig).build())
                .getPodSandboxId();
        assertThat(cri.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(sandbox).build())
                .getStatus().getNetwork().getIp()).startsWith("10.199.77.");

        String container = createAndStart(sandbox, sandboxConfig, "sleeper", List.of("sleep", "1000"));
        assertThat(status(container).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);

        cri.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(container).setTimeout(0).build());

        ContainerStatus stopped = status(container);
        assertThat(stopped.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(stopped.getExitCode()).as("SIGKILL").isEqualTo(137);
        assertThat(stopped.getFinishedAt()).isGreaterThanOrEqualTo(stopped.getStartedAt());
        removeSandbox(sandbox);
    }

    @Test
    @Order(4)
    void containerThatExitsThreeReportsExitCodeThree() {
        PodSandboxConfig sandboxConfig = sandboxConfig("exit-three");
        String sandbox = cri.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(sandboxConfig).build())
                .getPodSandboxId();

        String container = createAndStart(sandbox, sandboxConfig, "failer", List.of("sh", "-c", "exit 3"));

        await().atMost(Duration.ofSeconds(30)).until(() -> status(container).getState() == ContainerState.CONTAINER_EXITED);
        ContainerStatus exited = status(container);
        assertThat(exited.getExitCode()).isEqualTo(3);
        assertThat(exited.getReason()).isEqualTo("Error");
        removeSandbox(sandbox);
    }

    /** Not an assertion on time: prints the raw CRI pod start figure for the report. */
    @Test
    @Order(5)
    void rawPodStartTimings() {
        List<long[]> samples = new ArrayList<>();
        List<String> sandboxes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            PodSandboxConfig sandboxConfig = sandboxConfig("timing-" + i);
            long t0 = System.nanoTime();
            String sandbox = cri.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(sandboxConfig).build())
                    .getPodSandboxId();
            long t1 = System.nanoTime();
            String container = cri.runtime().createContainer(CreateContainerRequest.newBuilder()
                    .setPodSandboxId(sandbox).setConfig(containerConfig("app", List.of("sleep", "1000")))
                    .setSandboxConfig(sandboxConfig).build()).getContainerId();
            long t2 = System.nanoTime();
            cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(container).build());
            long t3 = System.nanoTime();
            sandboxes.add(sandbox);
            if (i > 0) { // the first one warms up the client and containerd's caches
                samples.add(new long[] {t1 - t0, t2 - t1, t3 - t2, t3 - t0});
            }
        }
        System.out.printf("raw CRI pod start over %d pods (median ms): RunPodSandbox %.0f, CreateContainer %.0f,"
                        + " StartContainer %.0f, total %.0f%n", samples.size(),
                median(samples, 0), median(samples, 1), median(samples, 2), median(samples, 3));
        sandboxes.forEach(ContainerdCriTest::removeSandbox);
        assertThat(samples).hasSize(5);
    }

    @Test
    @Order(6)
    void killedContainerdIsRestartedAndItsContainersSurvive() throws Exception {
        PodSandboxConfig sandboxConfig = sandboxConfig("survivor");
        String sandbox = cri.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(sandboxConfig).build())
                .getPodSandboxId();
        String container = createAndStart(sandbox, sandboxConfig, "survivor", List.of("sleep", "1000"));
        long pid = fixture.containerd().pid().orElseThrow();
        int launches = fixture.containerd().launches();

        Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).start();
        assertThat(kill.waitFor()).isZero();

        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.containerd().launches() == launches + 1
                && fixture.containerd().pid().filter(p -> p != pid).isPresent());
        fixture.containerd().awaitReady(Duration.ofSeconds(30));
        assertThat(cri.version(Duration.ofSeconds(5)).getRuntimeName()).isEqualTo("containerd");
        assertThat(status(container).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        removeSandbox(sandbox);
    }

    // ------------------------------------------------------------------ helpers

    private static String createAndStart(String sandbox, PodSandboxConfig sandboxConfig, String name, List<String> command) {
        String container = cri.runtime().createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId(sandbox).setConfig(containerConfig(name, command)).setSandboxConfig(sandboxConfig)
                .build()).getContainerId();
        cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(container).build());
        return container;
    }

    private static ContainerStatus status(String container) {
        return cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(container).build())
                .getStatus();
    }

    private static void removeSandbox(String sandbox) {
        cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(sandbox).build());
        cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandbox).build());
    }

    private static ImageSpec image(String reference) {
        return ImageSpec.newBuilder().setImage(reference).build();
    }

    private static PodSandboxConfig sandboxConfig(String name) {
        String uid = UUID.randomUUID().toString();
        Path logs = fixture.dataDirectory().resolve("pods").resolve("default_" + name + "_" + uid);
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("default").setUid(uid))
                .setHostname(name)
                .setLogDirectory(logs.toString())
                .putLabels("io.kubernetes.pod.name", name)
                .putLabels("io.kubernetes.pod.namespace", "default")
                .putLabels("io.kubernetes.pod.uid", uid)
                .setLinux(LinuxPodSandboxConfig.getDefaultInstance())
                .build();
    }

    private static ContainerConfig containerConfig(String name, List<String> command) {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(image(ContainerdFixture.BUSYBOX))
                .addAllCommand(command)
                .setLogPath(name + "/0.log")
                .putLabels("io.kubernetes.container.name", name)
                .build();
    }

    private static double median(List<long[]> samples, int column) {
        List<Long> values = new ArrayList<>(samples.stream().map(sample -> sample[column]).toList());
        Collections.sort(values);
        return values.get(values.size() / 2) / 1e6;
    }
}
