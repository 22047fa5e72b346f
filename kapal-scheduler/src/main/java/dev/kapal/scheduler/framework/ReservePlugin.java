package dev.kapal.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Claims node-local state for the chosen node before binding; {@link #unreserve} must undo it
 * when a later step fails, and must tolerate being called without a successful reserve.
 */
public interface ReservePlugin extends Plugin {
    Status reserve(CycleState state, Pod pod, String nodeName);

    void unreserve(CycleState state, Pod pod, String nodeName);
}
