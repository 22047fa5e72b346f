package dev.kapal.scheduler.plugins;

import dev.kapal.scheduler.framework.CycleState;
import dev.kapal.scheduler.framework.FilterPlugin;
import dev.kapal.scheduler.framework.NodeInfo;
import dev.kapal.scheduler.framework.PreScorePlugin;
import dev.kapal.scheduler.framework.ScorePlugin;
import dev.kapal.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;

/**
 * Filter: a node's NoSchedule and NoExecute taints must all be tolerated. Score: fewer
 * untolerated PreferNoSchedule taints is better (counted, then normalized in reverse). PreScore
 * picks the pod's tolerations that can match PreferNoSchedule once per cycle, and skips scoring
 * when no feasible node has such a taint (every node would score the same).
 */
public final class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin {
    public static final String NAME = "TaintToleration";
    /** The pod's tolerations with an empty or PreferNoSchedule effect, per cycle. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final CycleState.Key<List<Toleration>> PREFERRING = new CycleState.Key<>(NAME + "/preScore", (Class) List.class);

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
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasibleNodes) {
        boolean anyPreferring = false;
        for (NodeInfo node : feasibleNodes) {
            for (Taint taint : taints(node)) {
                if ("PreferNoSchedule".equals(taint.getEffect())) {
                    anyPreferring = true;
                    break;
                }
            }
            if (anyPreferring) {
                break;
            }
        }
        if (!anyPreferring) {
            return Status.skip();
        }
        state.write(PREFERRING, preferring(pod));
        return Status.success();
    }

    private static List<Toleration> preferring(Pod pod) {
        return pod.getSpec().getTolerations() == null ? List.of()
                : pod.getSpec().getTolerations().stream()
                        .filter(t -> t.getEffect() == null || t.getEffect().isEmpty() || "PreferNoSchedule".equals(t.getEffect()))
                        .toList();
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        List<Toleration> preferring = state.read(PREFERRING).orElseGet(() -> preferring(pod));
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
