package dev.kapal.kubelet.runtime;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * CRI {@code ContainerStatus} (and the {@code Container} of {@code ListContainers}).
 * {@code startedAt} is present once the container ran, {@code finishedAt} and a meaningful
 * {@code exitCode} once it exited. {@code imageRef} is the digest reference the runtime resolved
 * ({@code docker.io/library/busybox@sha256:…}), which the kubelet reports as {@code imageID}.
 * {@code reason} and {@code message} explain an exit ({@code Completed}, {@code Error},
 * {@code OOMKilled}), empty when there is nothing to say.
 */
public record ContainerStatus(
        String id,
        String podSandboxId,
        ContainerMetadata metadata,
        ContainerState state,
        Instant createdAt,
        Optional<Instant> startedAt,
        Optional<Instant> finishedAt,
        int exitCode,
        ImageSpec image,
        String imageRef,
        String reason,
        String message,
        Map<String, String> labels,
        Map<String, String> annotations) {
    public ContainerStatus {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(podSandboxId, "podSandboxId");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(imageRef, "imageRef");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }
}
