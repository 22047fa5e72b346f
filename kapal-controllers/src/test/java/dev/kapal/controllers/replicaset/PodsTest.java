package dev.kapal.controllers.replicaset;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Upstream's victim order for scale-down, one rule at a time. */
class PodsTest {
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private static PodBuilder pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).withUid(name)
                .withCreationTimestamp(NOW.minusSeconds(3600).toString()).endMetadata()
                .withNewSpec().withNodeName("node-1").endSpec()
                .withNewStatus().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime(NOW.minusSeconds(3000).toString())
                .endCondition().endStatus();
    }

    private static List<String> order(Map<String, Integer> ranks, Pod... pods) {
        return Pods.victims(List.of(pods), pods.length - 1, ranks, NOW).stream().map(pod -> pod.getMetadata().getName()).toList();
    }

    private static List<String> order(Pod... pods) {
        return order(Map.of(), pods);
    }

    @Test
    void unassignedBeforeAssigned() {
        Pod unassigned = pod("unassigned").editSpec().withNodeName(null).endSpec().build();
        assertThat(order(pod("a").build(), unassigned, pod("b").build())).startsWith("unassigned");
    }

    @Test
    void pendingBeforeUnknownBeforeRunning() {
        Pod pending = pod("pending").editStatus().withPhase("Pending").endStatus().build();
        Pod unknown = pod("unknown").editStatus().withPhase("Unknown").endStatus().build();
        assertThat(order(pod("running").build(), unknown, pending)).containsExactly("pending", "unknown");
    }

    @Test
    void notReadyBeforeReady() {
        Pod notReady = pod("not-ready").editStatus().editFirstCondition().withStatus("False").endCondition().endStatus().build();
        assertThat(order(pod("ready").build(), notReady)).containsExactly("not-ready");
    }

    @Test
    void lowerDeletionCostFirst() {
        Pod cheap = pod("cheap").editMetadata().addToAnnotations(Pods.DELETION_COST, "-10").endMetadata().build();
        Pod dear = pod("dear").editMetadata().addToAnnotations(Pods.DELETION_COST, "10").endMetadata().build();
        assertThat(order(dear, pod("plain").build(), cheap)).containsExactly("cheap", "plain");
    }

    @Test
    void moreRelatedPodsOnTheNodeFirst() {
        assertThat(order(Map.of("crowded", 3, "alone", 1), pod("alone").build(), pod("crowded").build())).containsExactly("crowded");
    }

    @Test
    void readyForLessTimeFirstThenMoreRestartsThenNewer() {
        Pod recentlyReady = pod("recently-ready").editStatus().editFirstCondition()
                .withLastTransitionTime(NOW.minusSeconds(10).toString()).endCondition().endStatus().build();
        assertThat(order(pod("long-ready").build(), recentlyReady)).containsExactly("recently-ready");

        Pod restarted = pod("restarted").editStatus().addNewContainerStatus().withName("c").withRestartCount(4)
                .endContainerStatus().endStatus().build();
        assertThat(order(pod("steady").build(), restarted)).containsExactly("restarted");

        Pod newer = pod("newer").editMetadata().withCreationTimestamp(NOW.minusSeconds(5).toString()).endMetadata().build();
        assertThat(order(pod("older").build(), newer)).containsExactly("newer");
    }
}
