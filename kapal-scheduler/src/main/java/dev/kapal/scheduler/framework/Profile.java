package dev.kapal.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One scheduler profile: the {@code schedulerName} pods select it by, the enabled plugins in
 * order, and each score plugin's weight. It runs each extension point over its plugins with
 * upstream's rules: the first non-success status of PreFilter, Filter, Reserve, Permit, PreBind
 * ends that point; Bind stops at the first plugin that does not skip.
 *
 * @param percentageOfNodesToScore 0 means upstream's adaptive default (50% falling to 5% with size)
 */
public final class Profile {
    public static final String DEFAULT_SCHEDULER = "default-scheduler";

    private final String schedulerName;
    private final List<Plugin> plugins;
    private final Map<String, Integer> scoreWeights;
    private final int percentageOfNodesToScore;
    private final List<FilterPlugin> filterCache;

    public Profile(String schedulerName, List<Plugin> plugins, Map<String, Integer> scoreWeights,
                   int percentageOfNodesToScore) {
        this.schedulerName = Objects.requireNonNull(schedulerName, "schedulerName");
        this.plugins = List.copyOf(plugins);
        this.scoreWeights = Map.copyOf(scoreWeights);
        if (percentageOfNodesToScore < 0 || percentageOfNodesToScore > 100) {
            throw new IllegalArgumentException("percentageOfNodesToScore must be 0..100: " + percentageOfNodesToScore);
        }
        this.percentageOfNodesToScore = percentageOfNodesToScore;
        this.filterCache = pluginsOf(FilterPlugin.class);
    }

    public String schedulerName() {
        return schedulerName;
    }

    public List<Plugin> plugins() {
        return plugins;
    }

    public int percentageOfNodesToScore() {
        return percentageOfNodesToScore;
    }

    private final Map<Class<?>, List<?>> byExtensionPoint = new java.util.concurrent.ConcurrentHashMap<>();

    /** The enabled plugins implementing that extension point, in order (computed once per point). */
    @SuppressWarnings("unchecked")
    public <T extends Plugin> List<T> pluginsOf(Class<T> extensionPoint) {
        return (List<T>) byExtensionPoint.computeIfAbsent(extensionPoint, point -> selectPlugins(extensionPoint));
    }

    private <T extends Plugin> List<T> selectPlugins(Class<T> extensionPoint) {
        List<T> selected = new ArrayList<>();
        for (Plugin plugin : plugins) {
            if (extensionPoint.isInstance(plugin)) {
                selected.add(extensionPoint.cast(plugin));
            }
        }
        return List.copyOf(selected);
    }

    public int weight(ScorePlugin plugin) {
        return scoreWeights.getOrDefault(plugin.name(), 1);
    }

    public Status runPreEnqueue(Pod pod) {
        for (PreEnqueuePlugin plugin : pluginsOf(PreEnqueuePlugin.class)) {
            Status status = plugin.preEnqueue(pod);
            if (!status.isSuccess()) {
                return status;
            }
        }
        return Status.success();
    }

    /** Runs every PreFilter; the result's node names are the intersection of all narrowed sets. */
    public PreFilterPlugin.Result runPreFilter(CycleState state, Pod pod, List<NodeInfo> nodes) {
        java.util.Optional<java.util.Set<String>> narrowed = java.util.Optional.empty();
        for (PreFilterPlugin plugin : pluginsOf(PreFilterPlugin.class)) {
            PreFilterPlugin.Result result = plugin.preFilter(state, pod, nodes);
            Status status = result.status();
            if (status.isSkip()) {
                state.skipFilterPlugins().add(plugin.name());
                continue;
            }
            if (!status.isSuccess()) {
                return PreFilterPlugin.Result.of(status);
            }
            if (result.nodeNames().isPresent()) {
                java.util.Set<String> names = new java.util.HashSet<>(result.nodeNames().get());
                narrowed.ifPresent(names::retainAll);
                narrowed = java.util.Optional.of(names);
            }
        }
        return new PreFilterPlugin.Result(Status.success(), narrowed);
    }

    /** Runs the filters for one node; safe to call from several threads for different nodes. */
    public Status runFilter(CycleState state, Pod pod, NodeInfo node) {
        for (FilterPlugin plugin : filters()) {
            if (state.skipFilterPlugins().contains(plugin.name())) {
                continue;
            }
            Status status = plugin.filter(state, pod, node);
            if (!status.isSuccess()) {
                return status;
            }
        }
        return Status.success();
    }

    private List<FilterPlugin> filters() {
        return filterCache;
    }

    public PostFilterPlugin.Result runPostFilter(CycleState state, Pod pod, List<NodeInfo> nodes, Map<String, Status> statuses) {
        List<String> messages = new ArrayList<>();
        for (PostFilterPlugin plugin : pluginsOf(PostFilterPlugin.class)) {
            PostFilterPlugin.Result result = plugin.postFilter(state, this, pod, nodes, statuses);
            if (!result.message().isEmpty()) {
                messages.add(result.message());
            }
            if (result.status().isSuccess()) {
                return result;
            }
        }
        return new PostFilterPlugin.Result(Status.unschedulable("PostFilter"), java.util.Optional.empty(), String.join(" ", messages));
    }

    /**
     * PreScore and Score over the feasible nodes, normalized and weighted.
     *
     * @return the total score of each feasible node, in the same order
     */
    public long[] runScore(CycleState state, Pod pod, List<NodeInfo> feasible) {
        long[] total = new long[feasible.size()];
        for (PreScorePlugin plugin : pluginsOf(PreScorePlugin.class)) {
            Status status = plugin.preScore(state, pod, feasible);
            if (status.isSkip()) {
                state.skipScorePlugins().add(plugin.name());
            } else if (!status.isSuccess()) {
                throw new SchedulingException(status);
            }
        }
        for (ScorePlugin plugin : pluginsOf(ScorePlugin.class)) {
            if (state.skipScorePlugins().contains(plugin.name())) {
                continue;
            }
            long[] scores = new long[feasible.size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = plugin.score(state, pod, feasible.get(i));
            }
            plugin.normalize(state, pod, scores);
            int weight = weight(plugin);
            for (int i = 0; i < scores.length; i++) {
                total[i] += scores[i] * weight;
            }
        }
        return total;
    }

    public Status runReserve(CycleState state, Pod pod, String nodeName) {
        for (ReservePlugin plugin : pluginsOf(ReservePlugin.class)) {
            Status status = plugin.reserve(state, pod, nodeName);
            if (!status.isSuccess()) {
                return status;
            }
        }
        return Status.success();
    }

    /** Unreserve runs in reverse order, on every reserve plugin. */
    public void runUnreserve(CycleState state, Pod pod, String nodeName) {
        List<ReservePlugin> reserves = pluginsOf(ReservePlugin.class);
        for (int i = reserves.size() - 1; i >= 0; i--) {
            reserves.get(i).unreserve(state, pod, nodeName);
        }
    }

    public Status runPermit(CycleState state, Pod pod, String nodeName) {
        for (PermitPlugin plugin : pluginsOf(PermitPlugin.class)) {
            Status status = plugin.permit(state, pod, nodeName);
            if (!status.isSuccess()) {
                return status;
            }
        }
        return Status.success();
    }

    public Status runPreBind(CycleState state, Pod pod, String nodeName) {
        for (PreBindPlugin plugin : pluginsOf(PreBindPlugin.class)) {
            Status status = plugin.preBind(state, pod, nodeName);
            if (!status.isSuccess() && !status.isSkip()) {
                return status;
            }
        }
        return Status.success();
    }

    public Status runBind(CycleState state, Pod pod, String nodeName) {
        for (BindPlugin plugin : pluginsOf(BindPlugin.class)) {
            Status status = plugin.bind(state, pod, nodeName);
            if (!status.isSkip()) {
                return status;
            }
        }
        return Status.error("Bind", "no bind plugin bound the pod");
    }

    /** A builder that keeps insertion order, for profiles assembled from the registry. */
    public static Map<String, Integer> weights() {
        return new LinkedHashMap<>();
    }
}
