package dev.kapal.kubelet.server;

import dev.kapal.kubelet.runtime.ContainerState;
import dev.kapal.kubelet.runtime.ContainerStats;
import dev.kapal.kubelet.runtime.ContainerStatus;
import dev.kapal.kubelet.runtime.NodeRuntime;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kubelet's {@code /metrics/resource} (Prometheus text format 0.0.4), what metrics-server
 * scrapes: the node's and each running container's and pod's cumulative CPU
 * ({@code *_cpu_usage_seconds_total}) and memory working set ({@code *_memory_working_set_bytes}),
 * {@code container_start_time_seconds} (the container's creation, as upstream's CRI stats
 * provider reports it) and {@code resource_scrape_error}. Samples carry their timestamp in
 * milliseconds, as upstream's. Figures come from {@link StatsSummary}'s sources.
 */
final class ResourceMetrics {
    private ResourceMetrics() {
    }

    private record Family(String name, String type, String help, StringBuilder samples) {
    }

    static String of(NodeRuntime runtime, Clock clock) {
        long now = clock.millis();
        Map<String, Family> families = new LinkedHashMap<>();
        for (String[] family : new String[][] {
                {"container_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the container in core-seconds"},
                {"container_memory_working_set_bytes", "gauge", "Current working set of the container in bytes"},
                {"container_start_time_seconds", "gauge", "Start time of the container since unix epoch in seconds"},
                {"node_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the node in core-seconds"},
                {"node_memory_working_set_bytes", "gauge", "Current working set of the node in bytes"},
                {"pod_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the pod in core-seconds"},
                {"pod_memory_working_set_bytes", "gauge", "Current working set of the pod in bytes"},
                {"resource_scrape_error", "gauge", "1 if there was an error while getting container metrics, 0 otherwise"}}) {
            families.put(family[0], new Family(family[0], family[1], "[STABLE] " + family[2], new StringBuilder()));
        }
        boolean failed = false;
        List<ContainerStats> stats = List.of();
        Map<String, Instant> created = new LinkedHashMap<>();
        try {
            stats = runtime.listContainerStats();
            for (ContainerStatus container : runtime.listContainers(new NodeRuntime.ContainerFilter(Optional.empty(),
                    Optional.of(ContainerState.CONTAINER_RUNNING), Optional.empty(), Map.of()))) {
                created.put(container.id(), container.createdAt());
            }
        } catch (RuntimeException unavailable) {
            failed = true;
        }
        Map<String, long[]> pods = new LinkedHashMap<>();
        for (ContainerStats container : stats) {
            String pod = container.labels().get("io.kubernetes.pod.name");
            String namespace = container.labels().get("io.kubernetes.pod.namespace");
            if (pod == null || namespace == null || !created.containsKey(container.containerId())) {
                continue;
            }
            String labels = "{container=\"" + escape(container.metadata().name()) + "\",namespace=\"" + escape(namespace)
                    + "\",pod=\"" + escape(pod) + "\"}";
            long at = container.timestamp().equals(Instant.EPOCH) ? now : container.timestamp().toEpochMilli();
            long[] sums = pods.computeIfAbsent("{namespace=\"" + escape(namespace) + "\",pod=\"" + escape(pod) + "\"}",
                    key -> new long[2]);
            container.cpuUsageCoreNanoSeconds().ifPresent(nanos -> {
                sample(families, "container_cpu_usage_seconds_total", labels, nanos / 1e9, at);
                sums[0] += nanos;
            });
            container.memoryWorkingSetBytes().ifPresent(bytes -> {
                sample(families, "container_memory_working_set_bytes", labels, bytes, at);
                sums[1] += bytes;
            });
            Instant start = created.get(container.containerId());
            sample(families, "container_start_time_seconds", labels, start.getEpochSecond() + start.getNano() / 1e9, -1);
        }
        pods.forEach((labels, sums) -> {
            sample(families, "pod_cpu_usage_seconds_total", labels, sums[0] / 1e9, now);
            sample(families, "pod_memory_working_set_bytes", labels, sums[1], now);
        });
        StatsSummary.nodeCpuNanoseconds().ifPresent(nanos -> sample(families, "node_cpu_usage_seconds_total", "", nanos / 1e9, now));
        StatsSummary.nodeWorkingSetBytes().ifPresent(bytes -> sample(families, "node_memory_working_set_bytes", "", bytes, now));
        sample(families, "resource_scrape_error", "", failed ? 1 : 0, -1);

        StringBuilder out = new StringBuilder();
        for (Family family : families.values()) {
            out.append("# HELP ").append(family.name()).append(' ').append(family.help()).append('\n');
            out.append("# TYPE ").append(family.name()).append(' ').append(family.type()).append('\n');
            out.append(family.samples());
        }
        return out.toString();
    }

    private static void sample(Map<String, Family> families, String name, String labels, double value, long timestampMillis) {
        StringBuilder line = families.get(name).samples().append(name).append(labels).append(' ').append(format(value));
        if (timestampMillis >= 0) {
            line.append(' ').append(timestampMillis);
        }
        line.append('\n');
    }

    /** Prometheus values: integers without a fraction, others in Java's shortest round-trip form. */
    private static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
