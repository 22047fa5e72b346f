package dev.kapal.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/** Work that must finish before the pod is bound (volume binding upstream); runs off the scheduling thread. */
public interface PreBindPlugin extends Plugin {
    Status preBind(CycleState state, Pod pod, String nodeName);
}
