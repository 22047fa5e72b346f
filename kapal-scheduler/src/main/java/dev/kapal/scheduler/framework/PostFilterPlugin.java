package dev.kapal.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;

/**
 * Runs when no node passed the filters (preemption lives here). It may nominate a node after
 * making room; either way its message is appended to the {@code FailedScheduling} message.
 */
public interface PostFilterPlugin extends Plugin {
    Result postFilter(CycleState state, Pod pod, List<NodeInfo> nodes, Map<String, Status> filterStatuses);

    /** @param message appended as {@code "<plugin words>: <message>"} to the failure message; empty for none */
    record Result(Status status, java.util.Optional<String> nominatedNode, String message) {
    }
}
