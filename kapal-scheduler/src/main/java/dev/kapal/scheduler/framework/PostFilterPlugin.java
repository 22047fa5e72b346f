package dev.kapal.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;

/**
 * Runs when no node passed the filters (preemption lives here). It may nominate a node after
 * making room; either way its message is appended to the {@code FailedScheduling} message.
 * The profile is passed so the plugin can re-run PreFilter and Filter on what-if node views
 * (upstream's framework handle); it must not change the cache.
 */
public interface PostFilterPlugin extends Plugin {
    Result postFilter(CycleState state, Profile profile, Pod pod, List<NodeInfo> nodes, Map<String, Status> filterStatuses);

    /**
     * @param nominatedNode the node the pod should wait for (room is being made there)
     * @param message       appended to the failure message ({@code "preemption: ..."}); empty for none
     */
    record Result(Status status, java.util.Optional<String> nominatedNode, String message) {
    }
}
