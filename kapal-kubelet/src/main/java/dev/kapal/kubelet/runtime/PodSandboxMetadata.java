package dev.kapal.kubelet.runtime;

import java.util.Objects;

/**
 * CRI {@code PodSandboxMetadata}: which pod a sandbox belongs to. {@code attempt} counts the
 * sandboxes created for the same pod (0 for the first), as the kubelet numbers them.
 */
public record PodSandboxMetadata(String name, String uid, String namespace, int attempt) {
    public PodSandboxMetadata {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(namespace, "namespace");
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must not be negative: " + attempt);
        }
    }
}
