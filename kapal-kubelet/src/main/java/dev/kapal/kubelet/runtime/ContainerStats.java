package dev.kapal.kubelet.runtime;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * CRI {@code ContainerStats}: a container's cumulative CPU time and memory working set, as the
 * runtime sampled them at {@code timestamp}. The labels carry the kubelet's
 * {@code io.kubernetes.pod.*} labels, so stats can be grouped by pod.
 */
public record ContainerStats(String containerId, ContainerMetadata metadata, Map<String, String> labels, Instant timestamp,
                             OptionalLong cpuUsageCoreNanoSeconds, OptionalLong memoryWorkingSetBytes) {
    public ContainerStats {
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(metadata, "metadata");
        labels = Map.copyOf(labels);
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(cpuUsageCoreNanoSeconds, "cpuUsageCoreNanoSeconds");
        Objects.requireNonNull(memoryWorkingSetBytes, "memoryWorkingSetBytes");
    }
}
