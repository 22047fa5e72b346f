package dev.kapal.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Approves or rejects binding the pod to the chosen node. Waiting (gang scheduling upstream) is
 * not supported yet: a permit plugin must answer at once.
 */
public interface PermitPlugin extends Plugin {
    Status permit(CycleState state, Pod pod, String nodeName);
}
