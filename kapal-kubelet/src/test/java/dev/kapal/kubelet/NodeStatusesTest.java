package dev.kapal.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapal.kubelet.runtime.RuntimeStatus;
import dev.kapal.kubelet.runtime.RuntimeVersion;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The node status a kubelet reports, and how a heartbeat is told from a change. */
class NodeStatusesTest {
    private static final NodeConfig CONFIG = SimulatedNodes.config(4, SimulatedNodes.Capacity.DEFAULT);
    private static final RuntimeVersion VERSION = new RuntimeVersion("0.1.0", "sim", "0.1.0", "v1");
    private static final RuntimeStatus READY = new RuntimeStatus(List.of(
            new RuntimeStatus.Condition(RuntimeStatus.RUNTIME_READY, true, "", ""),
            new RuntimeStatus.Condition(RuntimeStatus.NETWORK_READY, true, "", "")));
    private static final RuntimeStatus NO_NETWORK = new RuntimeStatus(List.of(
            new RuntimeStatus.Condition(RuntimeStatus.RUNTIME_READY, true, "", ""),
            new RuntimeStatus.Condition(RuntimeStatus.NETWORK_READY, false, "NetworkPluginNotReady", "cni plugin not initialized")));

    private static NodeCondition ready(NodeStatus status) {
        return status.getConditions().stream().filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow();
    }

    @Test
    void aLaterReportOfTheSameStateIsOnlyAHeartbeat() {
        NodeStatus first = NodeStatuses.status(CONFIG, VERSION, READY, Optional.empty(), Instant.parse("2026-01-01T00:00:00Z"));
        NodeStatus later = NodeStatuses.status(CONFIG, VERSION, READY, Optional.of(first), Instant.parse("2026-01-01T00:00:10Z"));
        assertThat(later).isNotEqualTo(first);
        assertThat(NodeStatuses.sameExceptHeartbeats(later, first)).isTrue();
        assertThat(ready(later).getLastHeartbeatTime()).isEqualTo("2026-01-01T00:00:10Z");
        assertThat(ready(later).getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
    }

    @Test
    void aRuntimeWithoutNetworkMakesTheNodeNotReady() {
        NodeStatus first = NodeStatuses.status(CONFIG, VERSION, READY, Optional.empty(), Instant.parse("2026-01-01T00:00:00Z"));
        NodeStatus broken = NodeStatuses.status(CONFIG, VERSION, NO_NETWORK, Optional.of(first), Instant.parse("2026-01-01T00:00:10Z"));
        assertThat(NodeStatuses.sameExceptHeartbeats(broken, first)).isFalse();
        assertThat(ready(broken).getStatus()).isEqualTo("False");
        assertThat(ready(broken).getReason()).isEqualTo("KubeletNotReady");
        assertThat(ready(broken).getMessage()).isEqualTo(
                "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:cni plugin not initialized");
        assertThat(ready(broken).getLastTransitionTime()).isEqualTo("2026-01-01T00:00:10Z");
    }

    @Test
    void imagesAreListedLargestFirstWithDigestsBeforeTagsAtMostFiftyAndFiveNamesEach() {
        java.util.List<dev.kapal.kubelet.runtime.Image> images = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            images.add(new dev.kapal.kubelet.runtime.Image("sha256:" + i, java.util.List.of("example.com/app:" + i),
                    java.util.List.of("example.com/app@sha256:" + i), 1000L + i));
        }
        images.add(new dev.kapal.kubelet.runtime.Image("sha256:big", java.util.List.of("a:1", "a:2", "a:3", "a:4", "a:5"),
                java.util.List.of("a@sha256:big"), 1_000_000L));

        var listed = NodeStatuses.images(images);

        assertThat(listed).hasSize(50);
        assertThat(listed.getFirst().getSizeBytes()).isEqualTo(1_000_000L);
        assertThat(listed.getFirst().getNames()).containsExactly("a@sha256:big", "a:1", "a:2", "a:3", "a:4");
        assertThat(listed.get(1).getNames()).containsExactly("example.com/app@sha256:59", "example.com/app:59");
        assertThat(listed.getLast().getSizeBytes()).isEqualTo(1011L);
    }
}
