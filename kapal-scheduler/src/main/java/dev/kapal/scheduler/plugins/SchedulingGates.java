package dev.kapal.scheduler.plugins;

import dev.kapal.scheduler.framework.PreEnqueuePlugin;
import dev.kapal.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSchedulingGate;

/** A pod with {@code spec.schedulingGates} waits outside the active queue until they are all removed. */
public final class SchedulingGates implements PreEnqueuePlugin {
    public static final String NAME = "SchedulingGates";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status preEnqueue(Pod pod) {
        var gates = pod.getSpec().getSchedulingGates();
        if (gates == null || gates.isEmpty()) {
            return Status.success();
        }
        return Status.unresolvable(NAME, "waiting for scheduling gates: "
                + gates.stream().map(PodSchedulingGate::getName).toList());
    }
}
