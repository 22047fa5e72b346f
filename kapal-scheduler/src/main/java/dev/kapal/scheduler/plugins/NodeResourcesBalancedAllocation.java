package dev.kapal.scheduler.plugins;

import dev.kapal.scheduler.framework.CycleState;
import dev.kapal.scheduler.framework.NodeInfo;
import dev.kapal.scheduler.framework.PreScorePlugin;
import dev.kapal.scheduler.framework.Resources;
import dev.kapal.scheduler.framework.ScorePlugin;
import dev.kapal.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * Score: nodes whose resources would be used in balance win. For each resource (default CPU and
 * memory) the fraction {@code (node requests + pod requests) / allocatable}, capped at 1, using
 * exact requests (no scoring defaults); the score is {@code (1 - standard deviation) * 100}
 * (for two resources the deviation is half their difference). A pod requesting none of the
 * resources (best effort) skips this plugin, as upstream does, so such pods do not pile up.
 */
public final class NodeResourcesBalancedAllocation implements PreScorePlugin, ScorePlugin {
    public static final String NAME = "NodeResourcesBalancedAllocation";
    private static final CycleState.Key<Resources> KEY = new CycleState.Key<>(NAME, Resources.class);

    private final List<NodeResourcesFit.ResourceWeight> resources;

    public NodeResourcesBalancedAllocation(List<NodeResourcesFit.ResourceWeight> resources) {
        this.resources = List.copyOf(resources);
    }

    public NodeResourcesBalancedAllocation() {
        this(NodeResourcesFit.DEFAULT_RESOURCES);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasibleNodes) {
        Resources requests = Resources.podRequests(pod, false);
        boolean bestEffort = resources.stream().allMatch(r -> NodeResourcesFit.amount(requests, r.name()) == 0);
        if (bestEffort) {
            return Status.skip();
        }
        state.write(KEY, requests);
        return Status.success();
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        Resources requests = state.read(KEY).orElseGet(() -> Resources.podRequests(pod, false));
        double[] fractions = new double[resources.size()];
        int count = 0;
        double total = 0;
        for (NodeResourcesFit.ResourceWeight resource : resources) {
            long allocatable = NodeResourcesFit.amount(node.allocatable(), resource.name());
            if (allocatable == 0) {
                continue;
            }
            long requested = NodeResourcesFit.amount(node.requested(), resource.name()) + NodeResourcesFit.amount(requests, resource.name());
            double fraction = Math.min(1.0, (double) requested / allocatable);
            fractions[count++] = fraction;
            total += fraction;
        }
        double deviation = 0;
        if (count == 2) {
            deviation = Math.abs((fractions[0] - fractions[1]) / 2);
        } else if (count > 2) {
            double mean = total / count;
            double sum = 0;
            for (int i = 0; i < count; i++) {
                sum += (fractions[i] - mean) * (fractions[i] - mean);
            }
            deviation = Math.sqrt(sum / count);
        }
        return (long) ((1 - deviation) * MAX_SCORE);
    }
}
