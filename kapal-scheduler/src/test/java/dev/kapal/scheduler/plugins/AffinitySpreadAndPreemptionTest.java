package dev.kapal.scheduler.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapal.scheduler.Algorithm;
import dev.kapal.scheduler.framework.CycleState;
import dev.kapal.scheduler.framework.NodeInfo;
import dev.kapal.scheduler.framework.Profile;
import dev.kapal.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.ContainerImageBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cross-node plugins and preemption, on NodeInfos built by hand. */
class AffinitySpreadAndPreemptionTest {
    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    static Node node(String name, String zone, String cpu) {
        return new NodeBuilder().withNewMetadata().withName(name)
                .withLabels(Map.of("kubernetes.io/hostname", name, "topology.kubernetes.io/zone", zone)).endMetadata()
                .withNewSpec().endSpec()
                .withNewStatus().withAllocatable(Map.of("cpu", new Quantity(cpu), "memory", new Quantity("8Gi"),
                        "pods", new Quantity("110"))).endStatus().build();
    }

    static Pod pod(String namespace, String name, Map<String, String> labels, String cpu, int priority) {
        return new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels)
                .withUid("uid-" + name).withCreationTimestamp("2026-01-01T00:00:00Z").endMetadata()
                .withNewSpec().withPriority(priority).addNewContainer().withName("c").withImage("nginx").withNewResources()
                .withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity("100Mi"))).endResources().endContainer()
                .endSpec().build();
    }

    static PodAffinityTerm term(String topologyKey, Map<String, String> selector) {
        return new PodAffinityTermBuilder().withTopologyKey(topologyKey)
                .withLabelSelector(new LabelSelectorBuilder().withMatchLabels(selector).build()).build();
    }

    static Pod withAntiAffinity(Pod pod, PodAffinityTerm term) {
        return new PodBuilder(pod).editSpec().withNewAffinity().withNewPodAntiAffinity()
                .withRequiredDuringSchedulingIgnoredDuringExecution(term).endPodAntiAffinity().endAffinity().endSpec().build();
    }

    static Pod withAffinity(Pod pod, PodAffinityTerm term) {
        return new PodBuilder(pod).editSpec().withNewAffinity().withNewPodAffinity()
                .withRequiredDuringSchedulingIgnoredDuringExecution(term).endPodAffinity().endAffinity().endSpec().build();
    }

    static Status filter(dev.kapal.scheduler.framework.FilterPlugin plugin, Pod pod, List<NodeInfo> nodes, NodeInfo node) {
        CycleState state = new CycleState();
        state.setAllNodes(nodes);
        if (plugin instanceof dev.kapal.scheduler.framework.PreFilterPlugin pre) {
            Status status = pre.preFilter(state, pod, nodes).status();
            if (status.isSkip()) {
                return Status.success();
            }
        }
        return plugin.filter(state, pod, node);
    }

    @Test
    void existingPodsAntiAffinityIsSymmetricAndScopedToItsNamespaces() {
        InterPodAffinity plugin = new InterPodAffinity(new FakeCluster());
        Pod db = withAntiAffinity(pod("prod", "db", Map.of("app", "db"), "1", 0),
                term("kubernetes.io/hostname", Map.of("app", "web")));
        NodeInfo n1 = NodeInfo.of(node("n1", "a", "4"), List.of(db));
        NodeInfo n2 = NodeInfo.of(node("n2", "b", "4"));
        List<NodeInfo> nodes = List.of(n1, n2);
        Pod web = pod("prod", "web", Map.of("app", "web"), "1", 0);
        assertThat(filter(plugin, web, nodes, n1)).isEqualTo(Status.unschedulable(InterPodAffinity.NAME,
                InterPodAffinity.EXISTING_ANTI_AFFINITY_REASON));
        assertThat(filter(plugin, web, nodes, n2).isSuccess()).isTrue();
        // The term names no namespace, so it covers only its own pod's namespace.
        assertThat(filter(plugin, pod("dev", "web", Map.of("app", "web"), "1", 0), nodes, n1).isSuccess()).isTrue();
    }

    @Test
    void requiredAntiAffinityHonoursNamespaceSelectors() {
        FakeCluster cluster = new FakeCluster().namespace("prod", Map.of("env", "prod")).namespace("dev", Map.of("env", "dev"));
        InterPodAffinity plugin = new InterPodAffinity(cluster);
        NodeInfo n1 = NodeInfo.of(node("n1", "a", "4"), List.of(pod("prod", "db", Map.of("app", "db"), "1", 0)));
        NodeInfo n2 = NodeInfo.of(node("n2", "b", "4"));
        List<NodeInfo> nodes = List.of(n1, n2);
        PodAffinityTerm prodDbs = new PodAffinityTermBuilder(term("topology.kubernetes.io/zone", Map.of("app", "db")))
                .withNamespaceSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("env", "prod")).build()).build();
        Pod incoming = withAntiAffinity(pod("dev", "worker", Map.of(), "1", 0), prodDbs);
        assertThat(filter(plugin, incoming, nodes, n1)).isEqualTo(Status.unschedulable(InterPodAffinity.NAME,
                InterPodAffinity.ANTI_AFFINITY_REASON));
        assertThat(filter(plugin, incoming, nodes, n2).isSuccess()).isTrue();
        PodAffinityTerm ownNamespace = term("topology.kubernetes.io/zone", Map.of("app", "db"));
        assertThat(filter(plugin, withAntiAffinity(pod("dev", "worker", Map.of(), "1", 0), ownNamespace), nodes, n1).isSuccess()).isTrue();
    }

    @Test
    void requiredAffinityNeedsAMatchingPodInTheDomainExceptForTheFirstOfASelfAffineGroup() {
        InterPodAffinity plugin = new InterPodAffinity(new FakeCluster());
        PodAffinityTerm nearCache = term("topology.kubernetes.io/zone", Map.of("app", "cache"));
        NodeInfo n1 = NodeInfo.of(node("n1", "a", "4"));
        NodeInfo n2 = NodeInfo.of(node("n2", "b", "4"));
        Pod firstCache = withAffinity(pod("ns", "cache-0", Map.of("app", "cache"), "1", 0), nearCache);
        assertThat(filter(plugin, firstCache, List.of(n1, n2), n1).isSuccess()).isTrue();
        Pod client = withAffinity(pod("ns", "client", Map.of("app", "client"), "1", 0), nearCache);
        assertThat(filter(plugin, client, List.of(n1, n2), n1))
                .isEqualTo(Status.unresolvable(InterPodAffinity.NAME, InterPodAffinity.AFFINITY_REASON));
        NodeInfo withCache = n1.withPod(pod("ns", "cache-1", Map.of("app", "cache"), "1", 0));
        assertThat(filter(plugin, client, List.of(withCache, n2), withCache).isSuccess()).isTrue();
        assertThat(filter(plugin, client, List.of(withCache, n2), n2).isRejected()).isTrue();
    }

    @Test
    void preferredAntiAffinityScoresTheNodeWithoutMatchingPodsHighest() {
        InterPodAffinity plugin = new InterPodAffinity(new FakeCluster());
        NodeInfo n1 = NodeInfo.of(node("n1", "a", "4"), List.of(pod("ns", "web-0", Map.of("app", "web"), "1", 0)));
        NodeInfo n2 = NodeInfo.of(node("n2", "b", "4"));
        Pod web = new PodBuilder(pod("ns", "web-1", Map.of("app", "web"), "1", 0)).editSpec().withNewAffinity()
                .withNewPodAntiAffinity().addNewPreferredDuringSchedulingIgnoredDuringExecution().withWeight(100)
                .withPodAffinityTerm(term("kubernetes.io/hostname", Map.of("app", "web")))
                .endPreferredDuringSchedulingIgnoredDuringExecution().endPodAntiAffinity().endAffinity().endSpec().build();
        assertThat(scores(plugin, web, List.of(n1, n2))).containsExactly(0, 100);
    }

    static long[] scores(dev.kapal.scheduler.framework.ScorePlugin plugin, Pod pod, List<NodeInfo> nodes) {
        CycleState state = new CycleState();
        state.setAllNodes(nodes);
        if (plugin instanceof dev.kapal.scheduler.framework.PreScorePlugin pre) {
            assertThat(pre.preScore(state, pod, nodes).isSuccess()).isTrue();
        }
        long[] scores = new long[nodes.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = plugin.score(state, pod, nodes.get(i));
        }
        plugin.normalize(state, pod, scores);
        return scores;
    }

    static Pod spread(Pod pod, TopologySpreadConstraint... constraints) {
        return new PodBuilder(pod).editSpec().withTopologySpreadConstraints(constraints).endSpec().build();
    }

    static TopologySpreadConstraintBuilder zoneSpread(int maxSkew) {
        return new TopologySpreadConstraintBuilder().withMaxSkew(maxSkew).withTopologyKey("topology.kubernetes.io/zone")
                .withWhenUnsatisfiable("DoNotSchedule")
                .withLabelSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build());
    }

    static Pod web(String name) {
        return pod("ns", name, Map.of("app", "web"), "100m", 0);
    }

    @Test
    void topologySpreadKeepsSkewWithinMaxSkewAndCountsMinDomains() {
        PodTopologySpread plugin = new PodTopologySpread(new FakeCluster());
        NodeInfo a = NodeInfo.of(node("a1", "a", "4"), List.of(web("w0"), web("w1")));
        NodeInfo b = NodeInfo.of(node("b1", "b", "4"));
        List<NodeInfo> nodes = List.of(a, b);
        Pod incoming = spread(web("w2"), zoneSpread(1).build());
        assertThat(filter(plugin, incoming, nodes, a)).isEqualTo(Status.unschedulable(PodTopologySpread.NAME, PodTopologySpread.REASON));
        assertThat(filter(plugin, incoming, nodes, b).isSuccess()).isTrue();

        NodeInfo balancedA = NodeInfo.of(node("a1", "a", "4"), List.of(web("w0")));
        NodeInfo balancedB = NodeInfo.of(node("b1", "b", "4"), List.of(web("w1")));
        List<NodeInfo> balanced = List.of(balancedA, balancedB);
        assertThat(filter(plugin, incoming, balanced, balancedA).isSuccess()).isTrue();
        // With three domains required but two existing, the global minimum counts as 0.
        Pod needsThree = spread(web("w2"), zoneSpread(1).withMinDomains(3).build());
        assertThat(filter(plugin, needsThree, balanced, balancedA).isRejected()).isTrue();
        assertThat(filter(plugin, needsThree, balanced, NodeInfo.of(new NodeBuilder(node("x", "a", "4"))
                .editMetadata().withLabels(Map.of("kubernetes.io/hostname", "x")).endMetadata().build())))
                .isEqualTo(Status.unresolvable(PodTopologySpread.NAME, PodTopologySpread.MISSING_LABEL_REASON));
    }

    @Test
    void topologySpreadNodeAffinityPolicyAndMatchLabelKeys() {
        PodTopologySpread plugin = new PodTopologySpread(new FakeCluster());
        NodeInfo a = NodeInfo.of(node("a1", "a", "4"), List.of(web("w0")));
        NodeInfo b = NodeInfo.of(node("b1", "b", "4"), List.of(web("w1")));
        NodeInfo c = NodeInfo.of(node("c1", "c", "4"));
        List<NodeInfo> nodes = List.of(a, b, c);
        Pod honoring = spread(web("w2"), zoneSpread(1).build());
        honoring.getSpec().setNodeSelector(Map.of("topology.kubernetes.io/zone", "a"));
        // Honor (default): zone c is outside the pod's node selector, so the minimum is 1.
        assertThat(filter(plugin, honoring, nodes, a).isSuccess()).isTrue();
        Pod ignoring = spread(web("w2"), zoneSpread(1).withNodeAffinityPolicy("Ignore").build());
        ignoring.getSpec().setNodeSelector(Map.of("topology.kubernetes.io/zone", "a"));
        assertThat(filter(plugin, ignoring, nodes, a).isRejected()).isTrue();

        Pod v1 = pod("ns", "v1", Map.of("app", "web", "version", "v1"), "100m", 0);
        NodeInfo crowded = NodeInfo.of(node("a1", "a", "4"), List.of(v1, pod("ns", "v1b", Map.of("app", "web", "version", "v1"), "100m", 0)));
        NodeInfo empty = NodeInfo.of(node("b1", "b", "4"));
        Pod v2 = spread(pod("ns", "v2", Map.of("app", "web", "version", "v2"), "100m", 0),
                zoneSpread(1).withMatchLabelKeys("version").build());
        assertThat(filter(plugin, v2, List.of(crowded, empty), crowded).isSuccess()).isTrue();
        assertThat(filter(plugin, spread(web("w9"), zoneSpread(1).build()), List.of(crowded, empty), crowded).isRejected()).isTrue();
    }

    @Test
    void topologySpreadScoringAndSystemDefaultConstraints() {
        FakeCluster cluster = new FakeCluster();
        PodTopologySpread plugin = new PodTopologySpread(cluster);
        NodeInfo n1 = NodeInfo.of(node("n1", "a", "4"), List.of(web("w0"), web("w1")));
        NodeInfo n2 = NodeInfo.of(node("n2", "b", "4"));
        Pod anyway = spread(web("w2"), new TopologySpreadConstraintBuilder(zoneSpread(1).build())
                .withTopologyKey("kubernetes.io/hostname").withWhenUnsatisfiable("ScheduleAnyway").build());
        long[] scores = scores(plugin, anyway, List.of(n1, n2));
        assertThat(scores[1]).isEqualTo(100);
        assertThat(scores[0]).isLessThan(scores[1]);

        Pod plain = web("w3");
        assertThat(plugin.constraints(plain, "ScheduleAnyway")).isEmpty();
        cluster.services.add(new ServiceBuilder().withNewMetadata().withNamespace("ns").withName("web").endMetadata()
                .withNewSpec().withSelector(Map.of("app", "web")).endSpec().build());
        assertThat(plugin.constraints(plain, "ScheduleAnyway")).extracting(c -> c.topologyKey() + "/" + c.maxSkew())
                .containsExactly("kubernetes.io/hostname/3", "topology.kubernetes.io/zone/5");
        assertThat(plugin.constraints(plain, "DoNotSchedule")).isEmpty();
        assertThat(scores(plugin, plain, List.of(n1, n2))[1]).isEqualTo(100);
    }

    @Test
    void resourceScoringStrategies() {
        NodeInfo node = NodeInfo.of(node("n", "a", "4"));
        Pod pod = pod("ns", "p", Map.of(), "1", 0);
        pod.getSpec().getContainers().getFirst().getResources().setRequests(Map.of("cpu", new Quantity("1"), "memory", new Quantity("2Gi")));
        CycleState state = new CycleState();
        assertThat(new NodeResourcesFit().score(state, pod, node)).isEqualTo(75);
        assertThat(new NodeResourcesFit(NodeResourcesFit.Strategy.MOST_ALLOCATED).score(state, pod, node)).isEqualTo(25);
        NodeResourcesFit ratio = new NodeResourcesFit(NodeResourcesFit.Strategy.REQUESTED_TO_CAPACITY_RATIO,
                NodeResourcesFit.DEFAULT_RESOURCES,
                List.of(new NodeResourcesFit.ShapePoint(0, 0), new NodeResourcesFit.ShapePoint(100, 10)));
        assertThat(ratio.score(state, pod, node)).isEqualTo(25);
        // The default shape (0 → 10, 100 → 0) is LeastAllocated's.
        assertThat(new NodeResourcesFit(NodeResourcesFit.Strategy.REQUESTED_TO_CAPACITY_RATIO).score(state, pod, node)).isEqualTo(75);
    }

    @Test
    void balancedAllocationPrefersEqualFractionsAndSkipsBestEffortPods() {
        NodeResourcesBalancedAllocation plugin = new NodeResourcesBalancedAllocation();
        NodeInfo node = NodeInfo.of(node("n", "a", "4"));
        Pod even = pod("ns", "even", Map.of(), "2", 0);
        even.getSpec().getContainers().getFirst().getResources().setRequests(Map.of("cpu", new Quantity("2"), "memory", new Quantity("4Gi")));
        Pod skewed = pod("ns", "skewed", Map.of(), "2", 0);
        skewed.getSpec().getContainers().getFirst().getResources().setRequests(Map.of("cpu", new Quantity("2"), "memory", new Quantity("1Gi")));
        assertThat(plugin.score(new CycleState(), even, node)).isEqualTo(100);
        assertThat(plugin.score(new CycleState(), skewed, node)).isEqualTo(81);
        Pod bestEffort = pod("ns", "be", Map.of(), "1", 0);
        bestEffort.getSpec().getContainers().getFirst().getResources().setRequests(Map.of());
        assertThat(plugin.preScore(new CycleState(), bestEffort, List.of(node)).isSkip()).isTrue();
    }

    @Test
    void imageLocalityScalesImageSizeByHowManyNodesHaveIt() {
        Node withImage = new NodeBuilder(node("n1", "a", "4")).editStatus().withImages(new ContainerImageBuilder()
                .withNames("nginx:latest").withSizeBytes(500L * 1024 * 1024).build()).endStatus().build();
        List<NodeInfo> nodes = List.of(NodeInfo.of(withImage), NodeInfo.of(node("n2", "b", "4")));
        // 500 MiB on half the nodes counts 250 MiB: 100 * (250 - 23) / (1000 - 23).
        assertThat(scores(new ImageLocality(), pod("ns", "p", Map.of(), "1", 0), nodes)).containsExactly(23, 0);
    }

    // ---- preemption

    private final List<String> evicted = new ArrayList<>();

    private Profile profile(FakeCluster cluster) {
        return Registry.inTree((pod, node) -> Status.success(), cluster, (victim, preemptor, node) ->
                evicted.add(victim.getMetadata().getName() + "@" + node)).defaultProfile();
    }

    private Algorithm.Result.Unschedulable schedule(Profile profile, Pod pod, List<NodeInfo> nodes) throws InterruptedException {
        return (Algorithm.Result.Unschedulable) new Algorithm(pool, 1).schedule(profile, new CycleState(), pod, nodes);
    }

    private List<NodeInfo> twoBusyNodes() {
        NodeInfo n1 = NodeInfo.of(node("n1", "a", "4"), List.of(
                pod("ns", "low", Map.of("app", "batch"), "3", 1), pod("ns", "mid", Map.of(), "1", 5)));
        NodeInfo n2 = NodeInfo.of(node("n2", "b", "4"), List.of(
                pod("ns", "three-a", Map.of(), "2", 3), pod("ns", "three-b", Map.of(), "2", 3)));
        return List.of(n1, n2);
    }

    @Test
    void preemptionPicksTheNodeWithTheLowestPriorityVictimsAndKeepsWhatFits() throws Exception {
        var result = schedule(profile(new FakeCluster()), pod("ns", "urgent", Map.of(), "3", 10), twoBusyNodes());
        assertThat(result.message()).isEqualTo("0/2 nodes are available: 2 Insufficient cpu.");
        assertThat(result.nominatedNode()).contains("n1");
        assertThat(evicted).containsExactly("low@n1");
    }

    @Test
    void preemptionAvoidsVictimsProtectedByADisruptionBudget() throws Exception {
        FakeCluster cluster = new FakeCluster();
        cluster.budgets.add(new PodDisruptionBudgetBuilder().withNewMetadata().withNamespace("ns").withName("batch").endMetadata()
                .withNewSpec().withSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "batch")).build()).endSpec()
                .withNewStatus().withDisruptionsAllowed(0).endStatus().build());
        var result = schedule(profile(cluster), pod("ns", "urgent", Map.of(), "3", 10), twoBusyNodes());
        assertThat(result.nominatedNode()).contains("n2");
        assertThat(evicted).containsExactlyInAnyOrder("three-a@n2", "three-b@n2");
    }

    @Test
    void preemptionMessagesAsUpstream() throws Exception {
        Profile profile = profile(new FakeCluster());
        Pod never = pod("ns", "polite", Map.of(), "3", 10);
        never.getSpec().setPreemptionPolicy("Never");
        assertThat(schedule(profile, never, twoBusyNodes()).message())
                .isEqualTo("0/2 nodes are available: 2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.");
        var equal = schedule(profile, pod("ns", "peer", Map.of(), "3", 0), List.of(
                NodeInfo.of(node("n1", "a", "4"), List.of(pod("ns", "other", Map.of(), "3", 0))),
                NodeInfo.of(new NodeBuilder(node("n2", "b", "4")).editSpec().withUnschedulable(true).endSpec().build())));
        assertThat(equal.message()).isEqualTo("0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable. "
                + "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, "
                + "1 Preemption is not helpful for scheduling.");
        var tooBig = schedule(profile, pod("ns", "huge", Map.of(), "8", 10), twoBusyNodes());
        assertThat(tooBig.message()).isEqualTo("0/2 nodes are available: 2 Insufficient cpu. "
                + "preemption: 0/2 nodes are available: 2 Insufficient cpu.");
        assertThat(evicted).isEmpty();
    }
}
