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
 * asks for, and one more pod.
 *
 * <p>Score, over the configured resources (default CPU and memory, weight 1 each; CPU and memory
 * counted with the scoring defaults for containers without requests), each resource scored on
 * the node's allocatable and the weighted average taken, resources the node lacks left out:
 * <ul>
 * <li>{@link Strategy#LEAST_ALLOCATED} (upstream's default): {@code (allocatable - requested) *
 *     100 / allocatable}, 0 when over;</li>
 * <li>{@link Strategy#MOST_ALLOCATED}: {@code requested * 100 / allocatable}, capped at 100;</li>
 * <li>{@link Strategy#REQUESTED_TO_CAPACITY_RATIO}: a piecewise-linear function of utilization
 *     (0..100 %) given by {@link ShapePoint}s with scores 0..10, scaled to 0..100; resources
 *     scoring 0 do not count in the average.</li>
 * </ul>
 */
public final class NodeResourcesFit implements PreFilterPlugin, FilterPlugin, ScorePlugin {
    public static final String NAME = "NodeResourcesFit";
    private static final CycleState.Key<Requests> KEY = new CycleState.Key<>(NAME, Requests.class);
    /** Upstream's MaxCustomPriorityScore: shape scores go up to 10. */
    public static final int MAX_SHAPE_SCORE = 10;

    public enum Strategy { LEAST_ALLOCATED, MOST_ALLOCATED, REQUESTED_TO_CAPACITY_RATIO }

    /** A resource taken into account by scoring, with its weight. */
    public record ResourceWeight(String name, int weight) {
        public ResourceWeight {
            java.util.Objects.requireNonNull(name, "name");
            if (weight < 1 || weight > 100) {
                throw new IllegalArgumentException("resource weight must be 1..100: " + weight);
            }
        }
    }

    /** A point of the RequestedToCapacityRatio function: utilization 0..100 maps to score 0..10. */
    public record ShapePoint(int utilization, int score) {
        public ShapePoint {
            if (utilization < 0 || utilization > 100 || score < 0 || score > MAX_SHAPE_SCORE) {
                throw new IllegalArgumentException("shape point out of range: " + utilization + ", " + score);
            }
        }
    }

    /** Upstream's defaults: CPU and memory, weight 1 each. */
    public static final List<ResourceWeight> DEFAULT_RESOURCES = List.of(new ResourceWeight("cpu", 1), new ResourceWeight("memory", 1));

    private record Requests(Resources exact, Resources nonZero) {
    }

    private final Strategy strategy;
    private final List<ResourceWeight> resources;
    private final List<ShapePoint> shape;

    /**
     * @param shape for {@link Strategy#REQUESTED_TO_CAPACITY_RATIO}: points with strictly increasing utilization
     */
    public NodeResourcesFit(Strategy strategy, List<ResourceWeight> resources, List<ShapePoint> shape) {
        this.strategy = java.util.Objects.requireNonNull(strategy, "strategy");
        this.resources = List.copyOf(resources);
        this.shape = List.copyOf(shape);
        if (strategy == Strategy.REQUESTED_TO_CAPACITY_RATIO && this.shape.isEmpty()) {
            throw new IllegalArgumentException("RequestedToCapacityRatio needs a shape");
        }
        for (int i = 1; i < this.shape.size(); i++) {
            if (this.shape.get(i).utilization() <= this.shape.get(i - 1).utilization()) {
                throw new IllegalArgumentException("shape utilization must increase: " + this.shape);
            }
        }
    }

    public NodeResourcesFit(Strategy strategy) {
        this(strategy, DEFAULT_RESOURCES, strategy == Strategy.REQUESTED_TO_CAPACITY_RATIO
                ? List.of(new ShapePoint(0, MAX_SHAPE_SCORE), new ShapePoint(100, 0)) : List.of());
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
        Requests requests = requests(state, pod);
        long weighted = 0;
        long weights = 0;
        for (ResourceWeight resource : resources) {
            long allocatable = amount(node.allocatable(), resource.name());
            if (allocatable == 0) {
                continue;
            }
            boolean defaulted = resource.name().equals("cpu") || resource.name().equals("memory");
            long requested = defaulted
                    ? amount(node.nonZeroRequested(), resource.name()) + amount(requests.nonZero(), resource.name())
                    : amount(node.requested(), resource.name()) + amount(requests.exact(), resource.name());
            long score = resourceScore(requested, allocatable);
            if (strategy == Strategy.REQUESTED_TO_CAPACITY_RATIO && score <= 0) {
                continue;
            }
            weighted += score * resource.weight();
            weights += resource.weight();
        }
        if (weights == 0) {
            return 0;
        }
        return strategy == Strategy.REQUESTED_TO_CAPACITY_RATIO ? Math.round((double) weighted / weights) : weighted / weights;
    }

    /** The amount of one named resource: CPU in millicores, others in their units. */
    static long amount(Resources resources, String name) {
        return switch (name) {
            case "cpu" -> resources.milliCpu();
            case "memory" -> resources.memory();
            case "ephemeral-storage" -> resources.ephemeralStorage();
            default -> resources.scalar().getOrDefault(name, 0L);
        };
    }

    private long resourceScore(long requested, long capacity) {
        return switch (strategy) {
            case LEAST_ALLOCATED -> requested > capacity ? 0 : (capacity - requested) * MAX_SCORE / capacity;
            case MOST_ALLOCATED -> Math.min(requested, capacity) * MAX_SCORE / capacity;
            case REQUESTED_TO_CAPACITY_RATIO -> shapeScore(Math.min(requested, capacity) * 100 / capacity);
        };
    }

    /** The broken-line function through the shape points (scaled to 0..100), flat beyond the ends. */
    private long shapeScore(long utilization) {
        ShapePoint first = shape.getFirst();
        if (utilization <= first.utilization()) {
            return scaled(first.score());
        }
        for (int i = 1; i < shape.size(); i++) {
            ShapePoint left = shape.get(i - 1);
            ShapePoint right = shape.get(i);
            if (utilization <= right.utilization()) {
                long leftScore = scaled(left.score());
                long rightScore = scaled(right.score());
                return leftScore + (rightScore - leftScore) * (utilization - left.utilization())
                        / (right.utilization() - left.utilization());
            }
        }
        return scaled(shape.getLast().score());
    }

    private static long scaled(int shapeScore) {
        return (long) shapeScore * MAX_SCORE / MAX_SHAPE_SCORE;
    }

    private static Requests requests(CycleState state, Pod pod) {
        // Tests may call Filter or Score without PreFilter; compute then.
        return state.read(KEY).orElseGet(() -> new Requests(Resources.podRequests(pod, false), Resources.podRequests(pod, true)));
    }
}
