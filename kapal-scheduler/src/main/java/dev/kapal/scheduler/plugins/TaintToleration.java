package dev.kapal.scheduler.plugins;

import dev.kapal.scheduler.framework.CycleState;
import dev.kapal.scheduler.framework.FilterPlugin;
import dev.kapal.scheduler.framework.NodeInfo;
import dev.kapal.scheduler.framework.ScorePlugin;
import dev.kapal.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;

/**
 * Filter: a node's NoSchedule and NoExecute taints must all be tolerated. Score: fewer
 * untolerated PreferNoSchedule taints is better (counted, then normalized in reverse).
 */
public final class TaintToleration implements FilterPlugin, ScorePlugin {
    public static final String NAME = "TaintToleration";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        List<Taint> taints = taints(node);
        for (Taint taint : taints) {
            if (("NoSchedule".equals(taint.getEffect()) || "NoExecute".equals(taint.getEffect()))
                    && !Tolerations.toleratedByAny(pod.getSpec().getTolerations(), taint)) {
                return Status.unresolvable(NAME, "node(s) had untolerated taint {" + taint.getKey() + ": "
                        + Tolerations.nullToEmpty(taint.getValue()) + "}");
            }
        }
        return Status.success();
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        List<Toleration> preferring = pod.getSpec().getTolerations() == null ? List.of()
                : pod.getSpec().getTolerations().stream()
                        .filter(t -> t.getEffect() == null || t.getEffect().isEmpty() || "PreferNoSchedule".equals(t.getEffect()))
                        .toList();
        long untolerated = 0;
        for (Taint taint : taints(node)) {
            if ("PreferNoSchedule".equals(taint.getEffect()) && !Tolerations.toleratedByAny(preferring, taint)) {
                untolerated++;
            }
        }
        return untolerated;
    }

    @Override
    public void normalize(CycleState state, Pod pod, long[] scores) {
        ScorePlugin.defaultNormalize(scores, true);
    }

    private static List<Taint> taints(NodeInfo node) {
        var spec = node.requireNode().getSpec();
        return spec == null || spec.getTaints() == null ? List.of() : spec.getTaints();
    }
}
