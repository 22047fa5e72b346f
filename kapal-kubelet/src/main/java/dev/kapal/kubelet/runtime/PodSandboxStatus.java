package dev.kapal.kubelet.runtime;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * CRI {@code PodSandboxStatus} (and the {@code PodSandbox} of {@code ListPodSandbox}): the
 * sandbox's state and network. {@code ip} is empty when the network gave none;
 * {@code additionalIps} holds further addresses (the IPv6 one of a dual-stack pod).
 */
public record PodSandboxStatus(
        String id,
        PodSandboxMetadata metadata,
        PodSandboxState state,
        Instant createdAt,
        Optional<String> ip,
        List<String> additionalIps,
        Map<String, String> labels,
        Map<String, String> annotations) {
    public PodSandboxStatus {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(ip, "ip");
        additionalIps = List.copyOf(additionalIps);
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }
}
