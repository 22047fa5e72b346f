package dev.kapal.scheduler.plugins;

import dev.kapal.scheduler.framework.CycleState;
import dev.kapal.scheduler.framework.FilterPlugin;
import dev.kapal.scheduler.framework.NodeInfo;
import dev.kapal.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;

/** A cordoned node ({@code spec.unschedulable}) takes only pods tolerating the unschedulable taint. */
public final class NodeUnschedulable implements FilterPlugin {
    public static final String NAME = "NodeUnschedulable";
    public static final String REASON = "node(s) were unschedulable";
    public static final String TAINT_KEY = "node.kubernetes.io/unschedulable";
    private static final Taint TAINT = new Taint("NoSchedule", TAINT_KEY, null, null);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        var spec = node.requireNode().getSpec();
        if (spec == null || !Boolean.TRUE.equals(spec.getUnschedulable())) {
            return Status.success();
        }
        if (Tolerations.toleratedByAny(pod.getSpec().getTolerations(), TAINT)) {
            return Status.success();
        }
        return Status.unresolvable(NAME, REASON);
    }
}
