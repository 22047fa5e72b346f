package dev.kapal.kubelet.runtime;

import java.util.Objects;

/**
 * CRI {@code ContainerMetadata}: the container's name in the pod spec and its attempt, which the
 * kubelet raises by one for each restart (so it is the container's restart count).
 */
public record ContainerMetadata(String name, int attempt) {
    public ContainerMetadata {
        Objects.requireNonNull(name, "name");
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must not be negative: " + attempt);
        }
    }
}
