package dev.kapal.scheduler.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapal.scheduler.framework.CycleState;
import dev.kapal.scheduler.framework.NodeInfo;
import dev.kapal.scheduler.framework.Resources;
import dev.kapal.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginsTest {
    static Node node(String name, String cpu, String memory, String pods) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(Map.of("zone", "a", "size", "8")).endMetadata()
                .withNewSpec().endSpec()
                .withNewStatus().withAllocatable(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory),
                        "pods", new Quantity(pods), "example.com/gpu", new Quantity("1"))).endStatus().build();
    }

    static Pod pod(String cpu, String memory) {
        return new PodBuilder().withNewMetadata().withNamespace("ns").withName("p").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withNewResources()
                .withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory))).endResources().endContainer()
                .endSpec().build();
    }

    @Test
    void requestsCountInitContainersAtTheirPeakSidecarsAlongsideAndOverhead() {
        Pod pod = pod("500m", "100Mi");
        pod.getSpec().setInitContainers(List.of(
                new ContainerBuilder().withName("sidecar").withRestartPolicy("Always").withNewResources()
                        .withRequests(Map.of("cpu", new Quantity("200m"))).endResources().build(),
                new ContainerBuilder().withName("migrate").withNewResources()
                        .withRequests(Map.of("cpu", new Quantity("2"))).endResources().build()));
        pod.getSpec().setOverhead(Map.of("cpu", new Quantity("50m")));
        // max(500m + 200m, 2 + 200m) + 50m
        assertThat(Resources.podRequests(pod, false).milliCpu()).isEqualTo(2250);
        assertThat(Resources.podRequests(pod, false).memory()).isEqualTo(100L * 1024 * 1024);
    }

    @Test
    void resourcesFitNamesEveryShortage() {
        NodeResourcesFit fit = new NodeResourcesFit();
        NodeInfo node = NodeInfo.of(node("n", "2", "1Gi", "1"), List.of(pod("1500m", "10Mi")));
        Status status = fit.filter(new CycleState(), pod("1", "2Gi"), node);
        assertThat(status.code()).isEqualTo(Status.Code.UNSCHEDULABLE);
        assertThat(status.reasons()).containsExactly("Too many pods", "Insufficient cpu", "Insufficient memory");
        Pod gpu = pod("100m", "1Mi");
        gpu.getSpec().getContainers().getFirst().getResources().setRequests(Map.of("example.com/gpu", new Quantity("2")));
        assertThat(fit.filter(new CycleState(), gpu, NodeInfo.of(node("n", "2", "1Gi", "10"))).reasons())
                .containsExactly("Insufficient example.com/gpu");
    }

    @Test
    void leastAllocatedPrefersTheEmptierNode() {
        NodeResourcesFit fit = new NodeResourcesFit();
        NodeInfo empty = NodeInfo.of(node("a", "4", "8Gi", "110"));
        NodeInfo busy = NodeInfo.of(node("b", "4", "8Gi", "110"), List.of(pod("2", "4Gi")));
        Pod pod = pod("1", "2Gi");
        assertThat(fit.score(new CycleState(), pod, empty)).isEqualTo(75);
        assertThat(fit.score(new CycleState(), pod, busy)).isEqualTo(25);
    }

    @Test
    void taintsNeedTolerations() {
        TaintToleration plugin = new TaintToleration();
        Node node = node("n", "4", "8Gi", "110");
        node.getSpec().setTaints(List.of(new Taint("NoSchedule", "dedicated", null, "x")));
        Status rejected = plugin.filter(new CycleState(), pod("1", "1Mi"), NodeInfo.of(node));
        assertThat(rejected.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
        assertThat(rejected.message()).isEqualTo("node(s) had untolerated taint {dedicated: x}");
        Pod tolerating = pod("1", "1Mi");
        tolerating.getSpec().setTolerations(List.of(new Toleration("NoSchedule", "dedicated", "Equal", null, "x")));
        assertThat(plugin.filter(new CycleState(), tolerating, NodeInfo.of(node)).isSuccess()).isTrue();
        Pod exists = pod("1", "1Mi");
        exists.getSpec().setTolerations(List.of(new Toleration(null, null, "Exists", null, null)));
        assertThat(plugin.filter(new CycleState(), exists, NodeInfo.of(node)).isSuccess()).isTrue();
    }

    @Test
    void cordonedNodesTakeOnlyPodsToleratingTheUnschedulableTaint() {
        NodeUnschedulable plugin = new NodeUnschedulable();
        Node node = node("n", "4", "8Gi", "110");
        node.getSpec().setUnschedulable(true);
        assertThat(plugin.filter(new CycleState(), pod("1", "1Mi"), NodeInfo.of(node)).message()).isEqualTo("node(s) were unschedulable");
        Pod tolerating = pod("1", "1Mi");
        tolerating.getSpec().setTolerations(List.of(new Toleration("NoSchedule", NodeUnschedulable.TAINT_KEY, "Exists", null, null)));
        assertThat(plugin.filter(new CycleState(), tolerating, NodeInfo.of(node)).isSuccess()).isTrue();
    }

    @Test
    void nodeAffinityMatchesSelectorRequiredTermsAndScoresPreferred() {
        NodeAffinity plugin = new NodeAffinity();
        NodeInfo node = NodeInfo.of(node("n", "4", "8Gi", "110"));
        Pod pod = pod("1", "1Mi");
        pod.getSpec().setNodeSelector(Map.of("zone", "b"));
        assertThat(plugin.filter(new CycleState(), pod, node).message()).isEqualTo(NodeAffinity.REASON);
        pod.getSpec().setNodeSelector(Map.of("zone", "a"));
        pod.getSpec().setAffinity(new io.fabric8.kubernetes.api.model.AffinityBuilder().withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm()
                    .addNewMatchExpression().withKey("size").withOperator("Gt").withValues("4").endMatchExpression()
                .endNodeSelectorTerm().endRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution().withWeight(7).withNewPreference()
                    .addNewMatchExpression().withKey("zone").withOperator("In").withValues("a").endMatchExpression()
                .endPreference().endPreferredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity().build());
        assertThat(plugin.filter(new CycleState(), pod, node).isSuccess()).isTrue();
        assertThat(plugin.score(new CycleState(), pod, node)).isEqualTo(7);
    }

    @Test
    void hostPortsConflictOnTheSameProtocolAndPort() {
        NodePorts plugin = new NodePorts();
        Pod holder = pod("1", "1Mi");
        holder.getSpec().getContainers().getFirst().setPorts(List.of(new io.fabric8.kubernetes.api.model.ContainerPortBuilder()
                .withContainerPort(80).withHostPort(8080).build()));
        NodeInfo node = NodeInfo.of(node("n", "4", "8Gi", "110"), List.of(holder));
        assertThat(plugin.filter(new CycleState(), holder, node).message()).isEqualTo(NodePorts.REASON);
        assertThat(plugin.filter(new CycleState(), pod("1", "1Mi"), node).isSuccess()).isTrue();
    }

    @Test
    void failureMessagesAreSortedHistograms() {
        assertThat(FailureMessages.histogram(3, Map.of("node(s) were unschedulable", 1, "Insufficient cpu", 2)))
                .isEqualTo("0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.");
    }
}
