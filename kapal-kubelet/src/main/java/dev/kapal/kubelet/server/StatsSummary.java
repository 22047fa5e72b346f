package dev.kapal.kubelet.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.Json;
import dev.kapal.kubelet.runtime.ContainerStats;
import dev.kapal.kubelet.runtime.NodeRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The kubelet's {@code /stats/summary} document ({@code stats/v1alpha1 Summary}), the part
 * {@code kubectl top} and metrics-server read: the node's CPU ({@code usageCoreNanoSeconds} from
 * {@code /proc/stat}) and memory ({@code /proc/meminfo}: working set = total − available), and
 * per pod and container CPU and memory from the runtime's container stats. Rates
 * ({@code usageNanoCores}) need two samples and are left out, as is everything about file systems
 * and networks.
 */
final class StatsSummary {
    private static final long NANOS_PER_USER_HZ_TICK = 10_000_000L; // USER_HZ is 100 on Linux

    private StatsSummary() {
    }

    static String of(String nodeName, Instant kubeletStarted, NodeRuntime runtime, Clock clock) {
        String now = time(clock.instant());
        ObjectNode summary = Json.object();
        ObjectNode node = summary.putObject("node");
        node.put("nodeName", nodeName);
        node.put("startTime", time(kubeletStarted));
        ObjectNode cpu = node.putObject("cpu");
        cpu.put("time", now);
        nodeCpuNanoseconds().ifPresent(value -> cpu.put("usageCoreNanoSeconds", value));
        ObjectNode memory = node.putObject("memory");
        memory.put("time", now);
        Map<String, Long> meminfo = meminfo();
        Long total = meminfo.get("MemTotal");
        Long available = meminfo.get("MemAvailable");
        Long free = meminfo.get("MemFree");
        if (total != null && available != null && free != null) {
            memory.put("availableBytes", available);
            memory.put("usageBytes", total - free);
            memory.put("workingSetBytes", total - available);
        }
        ArrayNode pods = summary.putArray("pods");
        Map<List<String>, List<ContainerStats>> byPod = new LinkedHashMap<>();
        for (ContainerStats stats : runtime.listContainerStats()) {
            String name = stats.labels().get("io.kubernetes.pod.name");
            String namespace = stats.labels().get("io.kubernetes.pod.namespace");
            String uid = stats.labels().get("io.kubernetes.pod.uid");
            if (name != null && namespace != null && uid != null) {
                byPod.computeIfAbsent(List.of(namespace, name, uid), key -> new ArrayList<>()).add(stats);
            }
        }
        byPod.forEach((key, containers) -> {
            ObjectNode pod = pods.addObject();
            pod.putObject("podRef").put("name", key.get(1)).put("namespace", key.get(0)).put("uid", key.get(2));
            ArrayNode list = pod.putArray("containers");
            long cpuSum = 0;
            long memorySum = 0;
            for (ContainerStats stats : containers) {
                ObjectNode container = list.addObject();
                container.put("name", stats.metadata().name());
                String at = time(stats.timestamp().equals(Instant.EPOCH) ? clock.instant() : stats.timestamp());
                ObjectNode containerCpu = container.putObject("cpu").put("time", at);
                stats.cpuUsageCoreNanoSeconds().ifPresent(value -> containerCpu.put("usageCoreNanoSeconds", value));
                ObjectNode containerMemory = container.putObject("memory").put("time", at);
                stats.memoryWorkingSetBytes().ifPresent(value -> containerMemory.put("workingSetBytes", value));
                cpuSum += stats.cpuUsageCoreNanoSeconds().orElse(0);
                memorySum += stats.memoryWorkingSetBytes().orElse(0);
            }
            pod.putObject("cpu").put("time", now).put("usageCoreNanoSeconds", cpuSum);
            pod.putObject("memory").put("time", now).put("workingSetBytes", memorySum);
        });
        return Json.writeString(summary);
    }

    private static String time(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** The node's busy CPU time so far (all but idle and iowait), from {@code /proc/stat}. */
    static OptionalLong nodeCpuNanoseconds() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).getFirst();
            String[] fields = first.trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
            long busy = 0;
            for (int i = 1; i < fields.length && i <= 8; i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(fields[i]);
                }
            }
            return OptionalLong.of(busy * NANOS_PER_USER_HZ_TICK);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** The node's memory working set: total − available, from {@code /proc/meminfo}. */
    static OptionalLong nodeWorkingSetBytes() {
        Map<String, Long> meminfo = meminfo();
        Long total = meminfo.get("MemTotal");
        Long available = meminfo.get("MemAvailable");
        return total != null && available != null ? OptionalLong.of(total - available) : OptionalLong.empty();
    }

    private static Map<String, Long> meminfo() {
        Map<String, Long> values = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                String[] parts = line.split("[:\\s]+");
                if (parts.length >= 2) {
                    long value = Long.parseLong(parts[1]);
                    values.put(parts[0], parts.length >= 3 && parts[2].equals("kB") ? value * 1024 : value);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no memory figures
        }
        return values;
    }
}
