package dev.kapal.scheduler.plugins;

import dev.kapal.scheduler.framework.CycleState;
import dev.kapal.scheduler.framework.FilterPlugin;
import dev.kapal.scheduler.framework.NodeInfo;
import dev.kapal.scheduler.framework.PreFilterPlugin;
import dev.kapal.scheduler.framework.Resources;
import dev.kapal.scheduler.framework.ScorePlugin;
import dev.kapal.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Filter: the node has room for the pod's requests ({@link Resources#podRequests}: init
 * containers, sidecars, overhead) in CPU, memory, ephemeral storage, every extended resource it
 * asks for, and one more pod. Score: how much stays free (LeastAllocated, the default) or how
 * full the node gets (MostAllocated), over CPU and memory with equal weights, computed with the
 * scoring defaults for containers without requests.
 */
public final class NodeResourcesFit implements PreFilterPlugin, FilterPlugin, ScorePlugin {
    public static final String NAME = "NodeResourcesFit";
    private static final CycleState.Key<Requests> KEY = new CycleState.Key<>(NAME, Requests.class);

    public enum Strategy { LEAST_ALLOCATED, MOST_ALLOCATED }

    private record Requests(Resources exact, Resources nonZero) {
    }

    private final Strategy strategy;

    public NodeResourcesFit(Strategy strategy) {
        this.strategy = java.util.Objects.requireNonNull(strategy, "strategy");
    }

    public NodeResourcesFit() {
        this(Strategy.LEAST_ALLOCATED);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result preFilter(CycleState state, Pod pod, List<NodeInfo> nodes) {
        state.write(KEY, new Requests(Resources.podRequests(pod, false), Resources.podRequests(pod, true)));
        return Result.of(Status.success());
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        Resources request = requests(state, pod).exact();
        List<String> reasons = new ArrayList<>();
        if (node.pods().size() + 1 > node.allowedPods()) {
            reasons.add("Too many pods");
        }
        if (!request.isZero()) {
            Resources allocatable = node.allocatable();
            Resources used = node.requested();
            if (request.milliCpu() > 0 && allocatable.milliCpu() < request.milliCpu() + used.milliCpu()) {
                reasons.add("Insufficient cpu");
            }
            if (request.memory() > 0 && allocatable.memory() < request.memory() + used.memory()) {
                reasons.add("Insufficient memory");
            }
            if (request.ephemeralStorage() > 0
                    && allocatable.ephemeralStorage() < request.ephemeralStorage() + used.ephemeralStorage()) {
                reasons.add("Insufficient ephemeral-storage");
            }
            for (Map.Entry<String, Long> entry : new java.util.TreeMap<>(request.scalar()).entrySet()) {
                long free = allocatable.scalar().getOrDefault(entry.getKey(), 0L) - used.scalar().getOrDefault(entry.getKey(), 0L);
                if (entry.getValue() > 0 && free < entry.getValue()) {
                    reasons.add("Insufficient " + entry.getKey());
                }
            }
        }
        return reasons.isEmpty() ? Status.success() : Status.unschedulable(NAME, reasons.toArray(String[]::new));
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        Resources request = requests(state, pod).nonZero();
        Resources allocatable = node.allocatable();
        Resources used = node.nonZeroRequested();
        long cpu = resourceScore(used.milliCpu() + request.milliCpu(), allocatable.milliCpu());
        long memory = resourceScore(used.memory() + request.memory(), allocatable.memory());
        return (cpu + memory) / 2;
    }

    private long resourceScore(long requested, long capacity) {
        if (capacity == 0 || requested > capacity) {
            return 0;
        }
        return switch (strategy) {
            case LEAST_ALLOCATED -> (capacity - requested) * MAX_SCORE / capacity;
            case MOST_ALLOCATED -> requested * MAX_SCORE / capacity;
        };
    }

    private static Requests requests(CycleState state, Pod pod) {
        // Tests may call Filter or Score without PreFilter; compute then.
        return state.read(KEY).orElseGet(() -> new Requests(Resources.podRequests(pod, false), Resources.podRequests(pod, true)));
    }
}
