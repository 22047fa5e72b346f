package dev.kapal.scheduler.plugins;

import dev.kapal.scheduler.framework.ClusterView;
import dev.kapal.scheduler.framework.CycleState;
import dev.kapal.scheduler.framework.FilterPlugin;
import dev.kapal.scheduler.framework.NodeInfo;
import dev.kapal.scheduler.framework.PreFilterPlugin;
import dev.kapal.scheduler.framework.PreScorePlugin;
import dev.kapal.scheduler.framework.ScorePlugin;
import dev.kapal.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Pod affinity and anti-affinity, as upstream's plugin of that name.
 *
 * <p>Filter, from counts per topology pair (key, value of the node label) made once per cycle
 * over every node: a required affinity term needs a matching pod in the node's domain (or, when
 * no pod anywhere matches, the incoming pod matching its own terms, so the first pod of a group
 * can land); a required anti-affinity term forbids a matching pod in the domain; and existing
 * pods' required anti-affinity terms that match the incoming pod forbid their domains (symmetry).
 * A term's namespaces are its own list, those its namespace selector picks, or else the owner's
 * namespace.
 *
 * <p>Score: per topology pair, the incoming pod's preferred terms add (affinity) or subtract
 * (anti-affinity) their weight for each matching existing pod; existing pods' preferred terms
 * matching the incoming pod do the same, and their required affinity terms add {@link
 * #HARD_POD_AFFINITY_WEIGHT}. A node's score is the sum over its labels, normalized min to max.
 */
public final class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
    public static final String NAME = "InterPodAffinity";
    public static final String AFFINITY_REASON = "node(s) didn't match pod affinity rules";
    public static final String ANTI_AFFINITY_REASON = "node(s) didn't match pod anti-affinity rules";
    public static final String EXISTING_ANTI_AFFINITY_REASON = "node(s) didn't satisfy existing pods anti-affinity rules";
    /** Upstream's default {@code hardPodAffinityWeight}. */
    public static final int HARD_POD_AFFINITY_WEIGHT = 1;

    private static final CycleState.Key<FilterState> FILTER = new CycleState.Key<>(NAME + "/filter", FilterState.class);
    private static final CycleState.Key<ScoreState> SCORE = new CycleState.Key<>(NAME + "/score", ScoreState.class);

    record TopologyPair(String key, String value) {
    }

    private record FilterState(List<AffinityTerm> affinity, List<AffinityTerm> antiAffinity,
                               Map<TopologyPair, Long> existingAntiAffinityCounts,
                               Map<TopologyPair, Long> affinityCounts, Map<TopologyPair, Long> antiAffinityCounts,
                               boolean matchesOwnAffinity) {
    }

    private record ScoreState(Map<String, Map<String, Long>> topologyScore) {
    }

    private final ClusterView cluster;

    public InterPodAffinity(ClusterView cluster) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result preFilter(CycleState state, Pod pod, List<NodeInfo> nodes) {
        FilterState filterState = computeFilterState(pod, nodes, state.nodesWithRequiredAntiAffinity());
        if (filterState.existingAntiAffinityCounts().isEmpty() && filterState.affinity().isEmpty()
                && filterState.antiAffinity().isEmpty()) {
            return Result.of(Status.skip());
        }
        state.write(FILTER, filterState);
        return Result.of(Status.success());
    }

    private FilterState computeFilterState(Pod pod, List<NodeInfo> nodes) {
        return computeFilterState(pod, nodes, nodes);
    }

    /**
     * @param withRequiredAntiAffinity the nodes holding pods with required anti-affinity (a subset
     *                                 of {@code nodes}); only they matter when the pod has no terms
     */
    private FilterState computeFilterState(Pod pod, List<NodeInfo> nodes, List<NodeInfo> withRequiredAntiAffinity) {
        List<AffinityTerm> affinity = AffinityTerm.requiredAffinity(pod).stream().map(t -> t.resolveNamespaces(cluster)).toList();
        List<AffinityTerm> antiAffinity = AffinityTerm.requiredAntiAffinity(pod).stream().map(t -> t.resolveNamespaces(cluster)).toList();
        Map<String, String> namespaceLabels = cluster.namespaceLabels(pod.getMetadata().getNamespace()).orElse(Map.of());
        Map<TopologyPair, Long> existing = new HashMap<>();
        Map<TopologyPair, Long> affinityCounts = new HashMap<>();
        Map<TopologyPair, Long> antiAffinityCounts = new HashMap<>();
        boolean ownTerms = !affinity.isEmpty() || !antiAffinity.isEmpty();
        for (NodeInfo node : ownTerms ? nodes : withRequiredAntiAffinity) {
            for (Pod other : node.podsWithRequiredAntiAffinity()) {
                for (AffinityTerm term : AffinityTerm.requiredAntiAffinity(other)) {
                    if (term.matches(pod, namespaceLabels)) {
                        count(existing, node, term.topologyKey());
                    }
                }
            }
            if (affinity.isEmpty() && antiAffinity.isEmpty()) {
                continue;
            }
            for (Pod other : node.pods()) {
                if (!affinity.isEmpty() && matchesAll(affinity, other)) {
                    for (AffinityTerm term : affinity) {
                        count(affinityCounts, node, term.topologyKey());
                    }
                }
                for (AffinityTerm term : antiAffinity) {
                    if (term.matches(other, Map.of())) {
                        count(antiAffinityCounts, node, term.topologyKey());
                    }
                }
            }
        }
        return new FilterState(affinity, antiAffinity, existing, affinityCounts, antiAffinityCounts,
                !affinity.isEmpty() && matchesAll(affinity, pod));
    }

    private static boolean matchesAll(List<AffinityTerm> terms, Pod pod) {
        for (AffinityTerm term : terms) {
            if (!term.matches(pod, Map.of())) {
                return false;
            }
        }
        return true;
    }

    private static void count(Map<TopologyPair, Long> counts, NodeInfo node, String topologyKey) {
        String value = node.labels().get(topologyKey);
        if (value != null) {
            counts.merge(new TopologyPair(topologyKey, value), 1L, Long::sum);
        }
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        FilterState filterState = state.read(FILTER).orElseGet(() -> computeFilterState(pod, state.allNodes()));
        Map<String, String> labels = node.labels();
        if (!satisfiesAffinity(filterState, labels)) {
            return Status.unresolvable(NAME, AFFINITY_REASON);
        }
        for (AffinityTerm term : filterState.antiAffinity()) {
            String value = labels.get(term.topologyKey());
            if (value != null && filterState.antiAffinityCounts().getOrDefault(new TopologyPair(term.topologyKey(), value), 0L) > 0) {
                return Status.unschedulable(NAME, ANTI_AFFINITY_REASON);
            }
        }
        if (!filterState.existingAntiAffinityCounts().isEmpty()) {
            for (var label : labels.entrySet()) {
                if (filterState.existingAntiAffinityCounts().getOrDefault(new TopologyPair(label.getKey(), label.getValue()), 0L) > 0) {
                    return Status.unschedulable(NAME, EXISTING_ANTI_AFFINITY_REASON);
                }
            }
        }
        return Status.success();
    }

    private static boolean satisfiesAffinity(FilterState filterState, Map<String, String> labels) {
        boolean podsExist = true;
        for (AffinityTerm term : filterState.affinity()) {
            String value = labels.get(term.topologyKey());
            if (value == null) {
                return false;
            }
            if (filterState.affinityCounts().getOrDefault(new TopologyPair(term.topologyKey(), value), 0L) <= 0) {
                podsExist = false;
            }
        }
        if (!podsExist) {
            // The first pod of a group that is affine to itself may go anywhere its terms' keys exist.
            return filterState.affinityCounts().isEmpty() && filterState.matchesOwnAffinity();
        }
        return true;
    }

    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasible) {
        List<AffinityTerm> preferredAffinity = AffinityTerm.preferredAffinity(pod).stream().map(t -> t.resolveNamespaces(cluster)).toList();
        List<AffinityTerm> preferredAnti = AffinityTerm.preferredAntiAffinity(pod).stream().map(t -> t.resolveNamespaces(cluster)).toList();
        boolean incomingPreferences = !preferredAffinity.isEmpty() || !preferredAnti.isEmpty();
        List<NodeInfo> nodes = state.allNodes().isEmpty() ? feasible : state.allNodes();
        if (!incomingPreferences && nodes.stream().allMatch(node -> node.podsWithAffinity().isEmpty())) {
            return Status.skip();
        }
        Map<String, String> namespaceLabels = cluster.namespaceLabels(pod.getMetadata().getNamespace()).orElse(Map.of());
        Map<String, Map<String, Long>> scores = new HashMap<>();
        for (NodeInfo node : nodes) {
            Map<String, String> labels = node.labels();
            if (labels.isEmpty()) {
                continue;
            }
            for (Pod existing : incomingPreferences ? node.pods() : node.podsWithAffinity()) {
                for (AffinityTerm term : preferredAffinity) {
                    if (term.matches(existing, Map.of())) {
                        add(scores, labels, term.topologyKey(), term.weight());
                    }
                }
                for (AffinityTerm term : preferredAnti) {
                    if (term.matches(existing, Map.of())) {
                        add(scores, labels, term.topologyKey(), -term.weight());
                    }
                }
                if (!NodeInfo.hasPodAffinity(existing)) {
                    continue;
                }
                for (AffinityTerm term : AffinityTerm.requiredAffinity(existing)) {
                    if (term.matches(pod, namespaceLabels)) {
                        add(scores, labels, term.topologyKey(), HARD_POD_AFFINITY_WEIGHT);
                    }
                }
                for (AffinityTerm term : AffinityTerm.preferredAffinity(existing)) {
                    if (term.matches(pod, namespaceLabels)) {
                        add(scores, labels, term.topologyKey(), term.weight());
                    }
                }
                for (AffinityTerm term : AffinityTerm.preferredAntiAffinity(existing)) {
                    if (term.matches(pod, namespaceLabels)) {
                        add(scores, labels, term.topologyKey(), -term.weight());
                    }
                }
            }
        }
        if (scores.isEmpty()) {
            return Status.skip();
        }
        state.write(SCORE, new ScoreState(scores));
        return Status.success();
    }

    private static void add(Map<String, Map<String, Long>> scores, Map<String, String> labels, String key, long weight) {
        String value = labels.get(key);
        if (value != null && weight != 0) {
            scores.computeIfAbsent(key, ignored -> new HashMap<>()).merge(value, weight, Long::sum);
        }
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        ScoreState scoreState = state.read(SCORE).orElse(null);
        if (scoreState == null) {
            return 0;
        }
        long sum = 0;
        Map<String, String> labels = node.labels();
        for (var entry : scoreState.topologyScore().entrySet()) {
            String value = labels.get(entry.getKey());
            if (value != null) {
                sum += entry.getValue().getOrDefault(value, 0L);
            }
        }
        return sum;
    }

    /** Min-max scaling to [0, 100]; all equal gives 0 everywhere, as upstream. */
    @Override
    public void normalize(CycleState state, Pod pod, long[] scores) {
        if (scores.length == 0) {
            return;
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long score : scores) {
            min = Math.min(min, score);
            max = Math.max(max, score);
        }
        long spread = max - min;
        for (int i = 0; i < scores.length; i++) {
            scores[i] = spread > 0 ? (long) (MAX_SCORE * ((double) (scores[i] - min) / spread)) : 0;
        }
    }
}
