package dev.kapal.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapal.kubelet.runtime.ContainerMetadata;
import dev.kapal.kubelet.runtime.ContainerState;
import dev.kapal.kubelet.runtime.ContainerStatus;
import dev.kapal.kubelet.runtime.ImageSpec;
import dev.kapal.kubelet.runtime.PodSandboxMetadata;
import dev.kapal.kubelet.runtime.PodSandboxState;
import dev.kapal.kubelet.runtime.PodSandboxStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The kubelet's pod status computation, case by case, without an API server. */
class PodStatusesTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final PodSandboxStatus SANDBOX = new PodSandboxStatus("s1", new PodSandboxMetadata("p", "u", "default", 0),
            PodSandboxState.SANDBOX_READY, NOW, Optional.of("10.42.0.5"), List.of(), Map.of(), Map.of());

    private static Pod pod(String restartPolicy, boolean withInit) {
        PodBuilder builder = new PodBuilder().withNewMetadata().withName("p").withNamespace("default").withUid("u").endMetadata()
                .withNewSpec().withRestartPolicy(restartPolicy)
                    .addNewContainer().withName("app").withImage("busybox").endContainer()
                    .addNewContainer().withName("side").withImage("busybox").endContainer()
                .endSpec();
        if (withInit) {
            builder.editSpec().addNewInitContainer().withName("one").withImage("busybox").endInitContainer()
                    .addNewInitContainer().withName("two").withImage("busybox").endInitContainer().endSpec();
        }
        return builder.build();
    }

    private static ContainerStatus container(String name, ContainerState state, int exitCode) {
        return new ContainerStatus("id-" + name, "s1", new ContainerMetadata(name, 0), state, NOW,
                Optional.of(NOW), state == ContainerState.CONTAINER_EXITED ? Optional.of(NOW) : Optional.empty(), exitCode,
                ImageSpec.of("docker.io/library/busybox:latest"), "docker.io/library/busybox@sha256:ab", "", "", Map.of(), Map.of());
    }

    private static ContainerView view(String name, ContainerState state, int exitCode) {
        return new ContainerView(name, Optional.of(container(name, state, exitCode)), Optional.empty(), 0, Optional.empty());
    }

    private static PodStatus build(Pod pod, boolean terminating, ContainerView... views) {
        Map<String, ContainerView> byName = new java.util.HashMap<>();
        for (ContainerView view : views) {
            byName.put(view.name(), view);
        }
        return PodStatuses.build(new PodStatuses.Observation(pod, Optional.empty(), Optional.of(SANDBOX), byName,
                List.of("172.16.0.1"), NOW, terminating, "sim", NOW));
    }

    private static PodCondition condition(PodStatus status, String type) {
        return status.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }

    @Test
    void initContainersInProgressKeepThePodPendingAndNameTheIncompleteOnes() {
        PodStatus status = build(pod("Always", true), false, view("one", ContainerState.CONTAINER_EXITED, 0),
                view("two", ContainerState.CONTAINER_RUNNING, 0));
        assertThat(status.getPhase()).isEqualTo("Pending");
        assertThat(condition(status, "Initialized").getReason()).isEqualTo("ContainersNotInitialized");
        assertThat(condition(status, "Initialized").getMessage()).isEqualTo("containers with incomplete status: [two]");
        assertThat(condition(status, "Ready").getMessage()).isEqualTo("containers with unready status: [app side]");
        assertThat(status.getContainerStatuses()).allSatisfy(c ->
                assertThat(c.getState().getWaiting().getReason()).isEqualTo("PodInitializing"));
        assertThat(status.getInitContainerStatuses().get(0).getState().getTerminated().getReason()).isEqualTo("Completed");
        assertThat(status.getPodIP()).isEqualTo("10.42.0.5");
        assertThat(status.getStartTime()).isEqualTo("2026-01-02T03:04:05Z");
    }

    @Test
    void aFailedInitContainerFailsTheNeverPodOnly() {
        ContainerView failed = view("one", ContainerState.CONTAINER_EXITED, 1);
        assertThat(build(pod("Never", true), false, failed).getPhase()).isEqualTo("Failed");
        assertThat(build(pod("OnFailure", true), false, failed).getPhase()).isEqualTo("Pending");
    }

    @Test
    void phasesFollowTheRestartPolicy() {
        ContainerView done = view("app", ContainerState.CONTAINER_EXITED, 0);
        ContainerView crashed = view("side", ContainerState.CONTAINER_EXITED, 3);
        ContainerView running = view("side", ContainerState.CONTAINER_RUNNING, 0);
        assertThat(build(pod("Never", false), false, done, crashed).getPhase()).isEqualTo("Failed");
        assertThat(build(pod("OnFailure", false), false, done, crashed).getPhase()).as("restarting").isEqualTo("Running");
        assertThat(build(pod("Always", false), false, done, crashed).getPhase()).isEqualTo("Running");
        assertThat(build(pod("Never", false), false, done, view("side", ContainerState.CONTAINER_EXITED, 0)).getPhase())
                .isEqualTo("Succeeded");
        PodStatus mixed = build(pod("Never", false), false, done, running);
        assertThat(mixed.getPhase()).isEqualTo("Running");
        assertThat(condition(mixed, "ContainersReady").getMessage()).isEqualTo("containers with unready status: [app]");
        assertThat(build(pod("Always", false), false, view("app", ContainerState.CONTAINER_RUNNING, 0)).getPhase())
                .as("a container not created yet keeps the pod pending").isEqualTo("Pending");
    }

    @Test
    void aPodStoppedForDeletionEndsTerminalWhateverItsPolicy() {
        PodStatus status = build(pod("Always", false), true, view("app", ContainerState.CONTAINER_EXITED, 143),
                view("side", ContainerState.CONTAINER_EXITED, 143));
        assertThat(status.getPhase()).isEqualTo("Failed");
        assertThat(condition(status, "Ready").getReason()).isEqualTo("PodFailed");
        PodStatus clean = build(pod("Always", false), true, view("app", ContainerState.CONTAINER_EXITED, 0),
                view("side", ContainerState.CONTAINER_EXITED, 0));
        assertThat(clean.getPhase()).isEqualTo("Succeeded");
        assertThat(condition(clean, "ContainersReady").getReason()).isEqualTo("PodCompleted");
    }

    @Test
    void backOffShowsCrashLoopBackOffWithTheLastState() {
        ContainerStatus exited = container("app", ContainerState.CONTAINER_EXITED, 1);
        ContainerView waiting = new ContainerView("app", Optional.of(exited), Optional.of(exited), 2,
                Optional.of("back-off 20s restarting failed container=app pod=p_default(u)"));
        PodStatus status = build(pod("Always", false), false, waiting, view("side", ContainerState.CONTAINER_RUNNING, 0));
        var app = status.getContainerStatuses().getFirst();
        assertThat(app.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
        assertThat(app.getLastState().getTerminated().getExitCode()).isEqualTo(1);
        assertThat(app.getLastState().getTerminated().getReason()).isEqualTo("Error");
        assertThat(app.getRestartCount()).isEqualTo(2);
        assertThat(app.getContainerID()).isEqualTo("sim://id-app");
        assertThat(status.getPhase()).isEqualTo("Running");
    }

    @Test
    void transitionTimesStayWhileAConditionKeepsItsStatus() {
        Pod pod = pod("Always", false);
        pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                .addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime("2025-01-01T00:00:00Z").endCondition()
                .addNewCondition().withType("Initialized").withStatus("False").withLastTransitionTime("2025-01-01T00:00:00Z").endCondition()
                .build());
        PodStatus status = build(pod, false, view("app", ContainerState.CONTAINER_RUNNING, 0),
                view("side", ContainerState.CONTAINER_RUNNING, 0));
        assertThat(condition(status, "Ready").getLastTransitionTime()).isEqualTo("2025-01-01T00:00:00Z");
        assertThat(condition(status, "Initialized").getLastTransitionTime()).isEqualTo("2026-01-02T03:04:05Z");
    }

    @Test
    void qosClassesAsUpstream() {
        Pod guaranteed = pod("Always", false);
        for (var container : guaranteed.getSpec().getContainers()) {
            container.setResources(new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                    .withLimits(Map.of("cpu", new Quantity("1"), "memory", new Quantity("1Gi"))).build());
        }
        assertThat(PodStatuses.qosClass(guaranteed.getSpec())).isEqualTo("Guaranteed");
        guaranteed.getSpec().getContainers().getFirst().getResources().setRequests(Map.of("cpu", new Quantity("500m")));
        assertThat(PodStatuses.qosClass(guaranteed.getSpec())).isEqualTo("Burstable");
        assertThat(PodStatuses.qosClass(pod("Always", false).getSpec())).isEqualTo("BestEffort");
    }
}
