package dev.kapal.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * Runs once per cycle before filtering: computes what the filter needs into the {@link
 * CycleState}, may reject the pod outright (no node is then filtered), may return {@link
 * Status#skip()} so its filter is not called, and may narrow the candidate nodes.
 */
public interface PreFilterPlugin extends Plugin {
    Result preFilter(CycleState state, Pod pod, List<NodeInfo> nodes);

    /**
     * @param nodeNames when present, only these nodes can fit (NodeName narrows to one)
     */
    record Result(Status status, java.util.Optional<java.util.Set<String>> nodeNames) {
        public static Result of(Status status) {
            return new Result(status, java.util.Optional.empty());
        }
    }
}
