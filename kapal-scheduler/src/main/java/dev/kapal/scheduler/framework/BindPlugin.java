package dev.kapal.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Binds the pod to the node. Bind plugins are tried in order until one does not return
 * {@link Status#skip()}. Runs off the scheduling thread and may block.
 */
public interface BindPlugin extends Plugin {
    Status bind(CycleState state, Pod pod, String nodeName);
}
