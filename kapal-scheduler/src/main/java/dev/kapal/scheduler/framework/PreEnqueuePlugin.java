package dev.kapal.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/** Decides whether a pod may enter the active queue at all (scheduling gates); not Success keeps it parked. */
public interface PreEnqueuePlugin extends Plugin {
    Status preEnqueue(Pod pod);
}
