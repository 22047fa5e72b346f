package dev.kapal.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Says whether the pod can run on one node. Called concurrently for different nodes of the same
 * cycle; must not write the {@link CycleState}. Returns Unschedulable (or UnschedulableAndUnresolvable)
 * with the short reason shown in {@code FailedScheduling}.
 */
public interface FilterPlugin extends Plugin {
    Status filter(CycleState state, Pod pod, NodeInfo node);
}
