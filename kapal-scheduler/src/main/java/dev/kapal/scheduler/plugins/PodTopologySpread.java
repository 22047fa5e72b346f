package dev.kapal.scheduler.plugins;

import dev.kapal.scheduler.framework.ClusterView;
import dev.kapal.scheduler.framework.CycleState;
import dev.kapal.scheduler.framework.FilterPlugin;
import dev.kapal.scheduler.framework.NodeInfo;
import dev.kapal.scheduler.framework.PreFilterPlugin;
import dev.kapal.scheduler.framework.PreScorePlugin;
import dev.kapal.scheduler.framework.ScorePlugin;
import dev.kapal.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Pod topology spread, as upstream's plugin of that name.
 *
 * <p>Filter, for each {@code DoNotSchedule} constraint: the node must carry the topology key
 * (else UnschedulableAndUnresolvable), and placing the pod there must keep {@code count(domain)
 * + selfMatch - globalMin <= maxSkew}, where counts are matching pods (same namespace, not
 * terminating) per domain over the nodes the constraint's policies admit — {@code
 * nodeAffinityPolicy} Honor (default) counts only nodes matching the pod's node selector and
 * required affinity, {@code nodeTaintsPolicy} Honor (default Ignore) only nodes whose taints it
 * tolerates — and the global minimum is 0 while fewer than {@code minDomains} domains exist.
 * {@code matchLabelKeys} adds {@code key In (pod's value)} to the selector.
 *
 * <p>Score, for {@code ScheduleAnyway} constraints, or for a pod without constraints the
 * system defaults ({@link #SYSTEM_DEFAULT_CONSTRAINTS}: hostname maxSkew 3, zone maxSkew 5) over
 * the selector of the services, replication controller, replica set or stateful set that own it:
 * fewer matching pods in the node's domains is better, each domain weighted by {@code log(size
 * + 2)} of its topology, plus {@code maxSkew - 1}; normalized so the emptiest gets 100. Nodes
 * missing a key (when the constraints are the pod's own) score 0.
 */
public final class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
    public static final String NAME = "PodTopologySpread";
    public static final String REASON = "node(s) didn't match pod topology spread constraints";
    public static final String MISSING_LABEL_REASON = REASON + " (missing required label)";
    public static final String HOSTNAME = "kubernetes.io/hostname";
    public static final String ZONE = "topology.kubernetes.io/zone";
    /** Upstream's defaults for {@code defaultingType: System}. */
    public static final List<TopologySpreadConstraint> SYSTEM_DEFAULT_CONSTRAINTS = List.of(
            new io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder()
                    .withTopologyKey(HOSTNAME).withWhenUnsatisfiable("ScheduleAnyway").withMaxSkew(3).build(),
            new io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder()
                    .withTopologyKey(ZONE).withWhenUnsatisfiable("ScheduleAnyway").withMaxSkew(5).build());

    private static final CycleState.Key<FilterState> FILTER = new CycleState.Key<>(NAME + "/filter", FilterState.class);
    private static final CycleState.Key<ScoreState> SCORE = new CycleState.Key<>(NAME + "/score", ScoreState.class);

    /** One constraint with its selector resolved. */
    record Constraint(int maxSkew, String topologyKey, LabelSelector selector, int minDomains,
                      boolean honorNodeAffinity, boolean honorTaints) {
        boolean admits(Pod pod, Node node) {
            if (honorNodeAffinity && !NodeAffinity.matchesRequired(pod, node)) {
                return false;
            }
            if (honorTaints && node.getSpec() != null && node.getSpec().getTaints() != null) {
                for (Taint taint : node.getSpec().getTaints()) {
                    if (("NoSchedule".equals(taint.getEffect()) || "NoExecute".equals(taint.getEffect()))
                            && !Tolerations.toleratedByAny(pod.getSpec().getTolerations(), taint)) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    private record FilterState(List<Constraint> constraints, List<Map<String, Long>> counts) {
        long globalMin(int index) {
            Map<String, Long> domains = counts.get(index);
            if (domains.size() < constraints.get(index).minDomains()) {
                return 0;
            }
            long min = Integer.MAX_VALUE;
            for (long count : domains.values()) {
                min = Math.min(min, count);
            }
            return min;
        }
    }

    private record ScoreState(List<Constraint> constraints, List<Map<String, Long>> counts, double[] weights,
                              Set<String> ignoredNodes) {
    }

    private final ClusterView cluster;
    private final List<TopologySpreadConstraint> defaultConstraints;

    /** With the system default constraints. */
    public PodTopologySpread(ClusterView cluster) {
        this(cluster, SYSTEM_DEFAULT_CONSTRAINTS);
    }

    /** @param defaultConstraints for pods without constraints of their own; empty for none ({@code List} defaulting with no entries) */
    public PodTopologySpread(ClusterView cluster, List<TopologySpreadConstraint> defaultConstraints) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.defaultConstraints = List.copyOf(defaultConstraints);
    }

    @Override
    public String name() {
        return NAME;
    }

    // ---- filtering

    @Override
    public Result preFilter(CycleState state, Pod pod, List<NodeInfo> nodes) {
        List<Constraint> constraints = constraints(pod, "DoNotSchedule");
        if (constraints.isEmpty()) {
            return Result.of(Status.skip());
        }
        state.write(FILTER, filterState(pod, constraints, nodes));
        return Result.of(Status.success());
    }

    private static FilterState filterState(Pod pod, List<Constraint> constraints, List<NodeInfo> nodes) {
        List<Map<String, Long>> counts = new ArrayList<>();
        constraints.forEach(ignored -> counts.add(new HashMap<>()));
        for (NodeInfo node : nodes) {
            Map<String, String> labels = node.labels();
            if (!hasAllKeys(labels, constraints)) {
                continue;
            }
            for (int i = 0; i < constraints.size(); i++) {
                Constraint constraint = constraints.get(i);
                if (!constraint.admits(pod, node.requireNode())) {
                    continue;
                }
                counts.get(i).merge(labels.get(constraint.topologyKey()),
                        countMatching(node, constraint.selector(), pod.getMetadata().getNamespace()), Long::sum);
            }
        }
        return new FilterState(constraints, counts);
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        FilterState filterState = state.read(FILTER).orElseGet(
                () -> filterState(pod, constraints(pod, "DoNotSchedule"), state.allNodes()));
        Map<String, String> labels = node.labels();
        Map<String, String> podLabels = pod.getMetadata().getLabels();
        for (int i = 0; i < filterState.constraints().size(); i++) {
            Constraint constraint = filterState.constraints().get(i);
            String value = labels.get(constraint.topologyKey());
            if (value == null) {
                return Status.unresolvable(NAME, MISSING_LABEL_REASON);
            }
            long selfMatch = Selectors.matches(constraint.selector(), podLabels) ? 1 : 0;
            long matching = filterState.counts().get(i).getOrDefault(value, 0L);
            if (matching + selfMatch - filterState.globalMin(i) > constraint.maxSkew()) {
                return Status.unschedulable(NAME, REASON);
            }
        }
        return Status.success();
    }

    // ---- scoring

    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasible) {
        boolean own = pod.getSpec().getTopologySpreadConstraints() != null && !pod.getSpec().getTopologySpreadConstraints().isEmpty();
        List<Constraint> constraints = constraints(pod, "ScheduleAnyway");
        if (constraints.isEmpty()) {
            return Status.skip();
        }
        // System-defaulted constraints do not demand that nodes carry every key.
        boolean requireAllKeys = own;
        Set<String> ignored = new HashSet<>();
        List<Map<String, Long>> counts = new ArrayList<>();
        int[] sizes = new int[constraints.size()];
        constraints.forEach(c -> counts.add(new HashMap<>()));
        for (NodeInfo node : feasible) {
            Map<String, String> labels = node.labels();
            if (requireAllKeys && !hasAllKeys(labels, constraints)) {
                ignored.add(node.name());
                continue;
            }
            for (int i = 0; i < constraints.size(); i++) {
                String key = constraints.get(i).topologyKey();
                if (key.equals(HOSTNAME) || !labels.containsKey(key)) {
                    continue;
                }
                if (counts.get(i).putIfAbsent(labels.get(key), 0L) == null) {
                    sizes[i]++;
                }
            }
        }
        double[] weights = new double[constraints.size()];
        for (int i = 0; i < constraints.size(); i++) {
            int size = constraints.get(i).topologyKey().equals(HOSTNAME) ? feasible.size() - ignored.size() : sizes[i];
            weights[i] = Math.log(size + 2);
        }
        List<NodeInfo> all = state.allNodes().isEmpty() ? feasible : state.allNodes();
        for (NodeInfo node : all) {
            Map<String, String> labels = node.labels();
            if (requireAllKeys && !hasAllKeys(labels, constraints)) {
                continue;
            }
            for (int i = 0; i < constraints.size(); i++) {
                Constraint constraint = constraints.get(i);
                String value = labels.get(constraint.topologyKey());
                if (value == null || !counts.get(i).containsKey(value) || !constraint.admits(pod, node.requireNode())) {
                    continue;
                }
                counts.get(i).merge(value, countMatching(node, constraint.selector(), pod.getMetadata().getNamespace()), Long::sum);
            }
        }
        state.write(SCORE, new ScoreState(constraints, counts, weights, Set.copyOf(ignored)));
        return Status.success();
    }

    /** A node missing a required key scores -1 here, which {@link #normalize} turns into 0. */
    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        ScoreState scoreState = state.read(SCORE).orElse(null);
        if (scoreState == null) {
            return 0;
        }
        if (scoreState.ignoredNodes().contains(node.name())) {
            return -1;
        }
        Map<String, String> labels = node.labels();
        double score = 0;
        for (int i = 0; i < scoreState.constraints().size(); i++) {
            Constraint constraint = scoreState.constraints().get(i);
            String value = labels.get(constraint.topologyKey());
            if (value == null) {
                continue;
            }
            long count = constraint.topologyKey().equals(HOSTNAME)
                    ? countMatching(node, constraint.selector(), pod.getMetadata().getNamespace())
                    : scoreState.counts().get(i).getOrDefault(value, 0L);
            score += count * scoreState.weights()[i] + (constraint.maxSkew() - 1);
        }
        return Math.round(score);
    }

    @Override
    public void normalize(CycleState state, Pod pod, long[] scores) {
        long min = Long.MAX_VALUE;
        long max = 0;
        for (long score : scores) {
            if (score < 0) {
                continue;
            }
            min = Math.min(min, score);
            max = Math.max(max, score);
        }
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] < 0) {
                scores[i] = 0;
            } else if (max == 0) {
                scores[i] = MAX_SCORE;
            } else {
                scores[i] = MAX_SCORE * (max + min - scores[i]) / max;
            }
        }
    }

    // ---- constraints

    /** The pod's constraints with that {@code whenUnsatisfiable}, or the defaults when it has none. */
    List<Constraint> constraints(Pod pod, String whenUnsatisfiable) {
        List<TopologySpreadConstraint> own = pod.getSpec().getTopologySpreadConstraints();
        if (own != null && !own.isEmpty()) {
            List<Constraint> constraints = new ArrayList<>();
            for (TopologySpreadConstraint constraint : own) {
                if (whenUnsatisfiable.equals(constraint.getWhenUnsatisfiable())) {
                    constraints.add(resolve(pod, constraint, constraint.getLabelSelector()));
                }
            }
            return constraints;
        }
        if (defaultConstraints.isEmpty()) {
            return List.of();
        }
        LabelSelector selector = defaultSelector(pod);
        if (selector == null) {
            return List.of();
        }
        List<Constraint> constraints = new ArrayList<>();
        for (TopologySpreadConstraint constraint : defaultConstraints) {
            if (whenUnsatisfiable.equals(constraint.getWhenUnsatisfiable())) {
                constraints.add(resolve(pod, constraint, selector));
            }
        }
        return constraints;
    }

    private static Constraint resolve(Pod pod, TopologySpreadConstraint constraint, LabelSelector selector) {
        Map<String, String> podLabels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
        Map<String, String> keys = new LinkedHashMap<>();
        if (constraint.getMatchLabelKeys() != null) {
            for (String key : constraint.getMatchLabelKeys()) {
                if (podLabels.containsKey(key)) {
                    keys.put(key, podLabels.get(key));
                }
            }
        }
        int minDomains = constraint.getMinDomains() == null || !"DoNotSchedule".equals(constraint.getWhenUnsatisfiable())
                ? 1 : constraint.getMinDomains();
        boolean honorAffinity = !"Ignore".equals(constraint.getNodeAffinityPolicy());
        boolean honorTaints = "Honor".equals(constraint.getNodeTaintsPolicy());
        return new Constraint(constraint.getMaxSkew() == null ? 1 : constraint.getMaxSkew(), constraint.getTopologyKey(),
                Selectors.withRequirements(selector, keys), minDomains, honorAffinity, honorTaints);
    }

    /**
     * Upstream's DefaultSelector: the union of the selectors of the services selecting the pod and
     * of the replication controller, replica set or stateful set controlling it; null when empty.
     */
    LabelSelector defaultSelector(Pod pod) {
        String namespace = pod.getMetadata().getNamespace();
        Map<String, String> podLabels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
        Map<String, String> matchLabels = new LinkedHashMap<>();
        for (var service : cluster.services(namespace)) {
            Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
            if (selector != null && !selector.isEmpty() && podLabels.entrySet().containsAll(selector.entrySet())) {
                matchLabels.putAll(selector);
            }
        }
        List<io.fabric8.kubernetes.api.model.LabelSelectorRequirement> expressions = new ArrayList<>();
        OwnerReference owner = controllerOf(pod);
        if (owner != null) {
            String group = owner.getApiVersion() == null ? "" : owner.getApiVersion().split("/")[0];
            switch (owner.getKind()) {
                case "ReplicationController" -> cluster.replicationControllers(namespace).stream()
                        .filter(rc -> rc.getMetadata().getName().equals(owner.getName()) && "v1".equals(owner.getApiVersion()))
                        .findFirst().ifPresent(rc -> {
                            if (rc.getSpec() != null && rc.getSpec().getSelector() != null) {
                                matchLabels.putAll(rc.getSpec().getSelector());
                            }
                        });
                case "ReplicaSet" -> cluster.replicaSets(namespace).stream()
                        .filter(rs -> rs.getMetadata().getName().equals(owner.getName()) && "apps".equals(group))
                        .findFirst().ifPresent(rs -> merge(rs.getSpec().getSelector(), matchLabels, expressions));
                case "StatefulSet" -> cluster.statefulSets(namespace).stream()
                        .filter(ss -> ss.getMetadata().getName().equals(owner.getName()) && "apps".equals(group))
                        .findFirst().ifPresent(ss -> merge(ss.getSpec().getSelector(), matchLabels, expressions));
                default -> {
                }
            }
        }
        if (matchLabels.isEmpty() && expressions.isEmpty()) {
            return null;
        }
        return new LabelSelectorBuilder().withMatchLabels(matchLabels).withMatchExpressions(expressions).build();
    }

    private static void merge(LabelSelector selector, Map<String, String> matchLabels,
                              List<io.fabric8.kubernetes.api.model.LabelSelectorRequirement> expressions) {
        if (selector == null) {
            return;
        }
        if (selector.getMatchLabels() != null) {
            matchLabels.putAll(selector.getMatchLabels());
        }
        if (selector.getMatchExpressions() != null) {
            expressions.addAll(selector.getMatchExpressions());
        }
    }

    private static OwnerReference controllerOf(Pod pod) {
        if (pod.getMetadata().getOwnerReferences() == null) {
            return null;
        }
        return pod.getMetadata().getOwnerReferences().stream()
                .filter(reference -> Boolean.TRUE.equals(reference.getController())).findFirst().orElse(null);
    }

    private static boolean hasAllKeys(Map<String, String> labels, List<Constraint> constraints) {
        for (Constraint constraint : constraints) {
            if (!labels.containsKey(constraint.topologyKey())) {
                return false;
            }
        }
        return true;
    }

    private static long countMatching(NodeInfo node, LabelSelector selector, String namespace) {
        long count = 0;
        for (Pod pod : node.pods()) {
            if (pod.getMetadata().getDeletionTimestamp() == null && namespace.equals(pod.getMetadata().getNamespace())
                    && Selectors.matches(selector, pod.getMetadata().getLabels())) {
                count++;
            }
        }
        return count;
    }
}
