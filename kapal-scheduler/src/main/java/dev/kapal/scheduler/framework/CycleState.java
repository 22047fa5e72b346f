package dev.kapal.scheduler.framework;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Data plugins share within one scheduling cycle of one pod (PreFilter computes, Filter reads).
 * Filters run in parallel over nodes, so values must be immutable once written and written only
 * at PreFilter/PreScore, which run on the cycle's own thread before the parallel phases.
 */
public final class CycleState {
    private final Map<Key<?>, Object> values = new ConcurrentHashMap<>();
    private final java.util.Set<String> skipFilter = ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> skipScore = ConcurrentHashMap.newKeySet();

    private volatile java.util.List<NodeInfo> allNodes = java.util.List.of();

    /** Every node of the cycle's snapshot (PreScore sees only the feasible ones, some plugins count over all). */
    public java.util.List<NodeInfo> allNodes() {
        return allNodes;
    }

    /** Set by the algorithm before PreFilter. */
    public void setAllNodes(java.util.List<NodeInfo> nodes) {
        // The scheduler cache's snapshots are already immutable; copying 5,000 nodes per cycle is not free.
        this.allNodes = nodes instanceof java.util.RandomAccess && isUnmodifiable(nodes) ? nodes : java.util.List.copyOf(nodes);
    }

    private volatile java.util.List<NodeInfo> nodesWithRequiredAntiAffinity;

    /**
     * The nodes of the snapshot holding pods with required pod anti-affinity, when the caller
     * knows them (the scheduler cache keeps the list); else every node, for plugins to look through.
     */
    public java.util.List<NodeInfo> nodesWithRequiredAntiAffinity() {
        java.util.List<NodeInfo> known = nodesWithRequiredAntiAffinity;
        return known != null ? known : allNodes;
    }

    /** Set by the scheduler before a cycle, from the same snapshot as {@link #setAllNodes}. */
    public void setNodesWithRequiredAntiAffinity(java.util.List<NodeInfo> nodes) {
        this.nodesWithRequiredAntiAffinity = java.util.List.copyOf(nodes);
    }

    private volatile java.util.function.UnaryOperator<NodeInfo> withNominatedPods = java.util.function.UnaryOperator.identity();

    /**
     * The node with the pods nominated to it that count for this cycle's pod added (those of equal
     * or higher priority): preemption's what-if runs must not give away room already promised.
     */
    public NodeInfo withNominatedPods(NodeInfo node) {
        return withNominatedPods.apply(node);
    }

    /** Set by the algorithm at the start of a cycle. */
    public void setNominatedPods(java.util.function.UnaryOperator<NodeInfo> adder) {
        this.withNominatedPods = java.util.Objects.requireNonNull(adder, "adder");
    }

    private static final Class<?> UNMODIFIABLE_RANDOM_ACCESS =
            java.util.Collections.unmodifiableList(new java.util.ArrayList<>()).getClass();
    private static final Class<?> IMMUTABLE_LIST_N = java.util.List.of(1, 2, 3).getClass();

    private static boolean isUnmodifiable(java.util.List<?> nodes) {
        return nodes.getClass() == UNMODIFIABLE_RANDOM_ACCESS || nodes.getClass() == IMMUTABLE_LIST_N;
    }

    /** A typed key; plugins keep theirs in a private constant. */
    public record Key<T>(String name, Class<T> type) {
    }

    public <T> void write(Key<T> key, T value) {
        values.put(key, key.type().cast(value));
    }

    public <T> Optional<T> read(Key<T> key) {
        return Optional.ofNullable(values.get(key)).map(key.type()::cast);
    }

    /** Plugins whose PreFilter said Skip: their Filter is not called this cycle. */
    public java.util.Set<String> skipFilterPlugins() {
        return skipFilter;
    }

    /** Plugins whose PreScore said Skip: their Score is not called this cycle. */
    public java.util.Set<String> skipScorePlugins() {
        return skipScore;
    }
}
