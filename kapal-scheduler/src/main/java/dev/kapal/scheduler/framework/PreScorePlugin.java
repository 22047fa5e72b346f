package dev.kapal.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/** Runs once per cycle over the feasible nodes before scoring; {@link Status#skip()} skips the plugin's Score. */
public interface PreScorePlugin extends Plugin {
    Status preScore(CycleState state, Pod pod, List<NodeInfo> feasibleNodes);
}
