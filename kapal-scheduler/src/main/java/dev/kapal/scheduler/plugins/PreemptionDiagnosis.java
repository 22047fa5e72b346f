package dev.kapal.scheduler.plugins;

import dev.kapal.scheduler.framework.CycleState;
import dev.kapal.scheduler.framework.NodeInfo;
import dev.kapal.scheduler.framework.PostFilterPlugin;
import dev.kapal.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The PostFilter slot until DefaultPreemption exists: it never evicts anything, it only says, in
 * upstream's words and message shape, why preemption would not help. A node rejected for a
 * reason removing pods cannot fix (UnschedulableAndUnresolvable) is "not helpful"; a node with
 * no lower-priority pods has no victims; a node that has some would need real preemption, which
 * this plugin reports as not supported yet.
 */
public final class PreemptionDiagnosis implements PostFilterPlugin {
    public static final String NAME = "DefaultPreemption";
    static final String NOT_HELPFUL = "Preemption is not helpful for scheduling";
    static final String NO_VICTIMS = "No preemption victims found for incoming pod";
    static final String NOT_SUPPORTED = "Preemption is not supported yet";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result postFilter(CycleState state, Pod pod, List<NodeInfo> nodes, Map<String, Status> filterStatuses) {
        if ("Never".equals(pod.getSpec().getPreemptionPolicy())) {
            return new Result(Status.unresolvable(NAME, "not eligible"), Optional.empty(),
                    "preemption: not eligible due to preemptionPolicy=Never.");
        }
        int priority = priority(pod);
        Map<String, Integer> histogram = new TreeMap<>();
        for (NodeInfo node : nodes) {
            Status status = filterStatuses.get(node.name());
            String reason;
            if (status == null || status.code() != Status.Code.UNSCHEDULABLE) {
                reason = NOT_HELPFUL;
            } else if (node.pods().stream().noneMatch(other -> priority(other) < priority)) {
                reason = NO_VICTIMS;
            } else {
                reason = NOT_SUPPORTED;
            }
            histogram.merge(reason, 1, Integer::sum);
        }
        return new Result(Status.unschedulable(NAME), Optional.empty(),
                "preemption: " + FailureMessages.histogram(nodes.size(), histogram));
    }

    static int priority(Pod pod) {
        Integer priority = pod.getSpec().getPriority();
        return priority == null ? 0 : priority;
    }
}
