package dev.kapal.kubelet.runtime;

import java.time.Instant;
import java.util.Objects;

/**
 * CRI {@code ContainerEventResponse} (the stream of {@code GetContainerEvents}), reduced to what
 * the kubelet needs to know which pod to look at again: the container, its sandbox, what happened.
 */
public record ContainerEvent(String containerId, String podSandboxId, Type type, Instant createdAt) {
    /** CRI {@code ContainerEventType}. */
    public enum Type { CONTAINER_CREATED_EVENT, CONTAINER_STARTED_EVENT, CONTAINER_STOPPED_EVENT, CONTAINER_DELETED_EVENT }

    public ContainerEvent {
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(podSandboxId, "podSandboxId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
