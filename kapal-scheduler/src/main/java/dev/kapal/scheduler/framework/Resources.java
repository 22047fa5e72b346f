package dev.kapal.scheduler.framework;

import dev.kapal.api.quantity.Quantity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An amount of schedulable resources: CPU in millicores, memory and ephemeral storage in bytes,
 * extended resources ({@code example.com/gpu}, {@code hugepages-2Mi}) in their integer units.
 * Immutable.
 */
public record Resources(long milliCpu, long memory, long ephemeralStorage, Map<String, Long> scalar) {
    public static final Resources ZERO = new Resources(0, 0, 0, Map.of());
    /** What scoring assumes for a container without requests, as upstream: 100m CPU, 200 MiB. */
    public static final long DEFAULT_MILLI_CPU = 100;
    public static final long DEFAULT_MEMORY = 200L * 1024 * 1024;

    public Resources {
        scalar = Map.copyOf(scalar);
    }

    /** Parses a resource list (requests, allocatable); {@code pods} is not a resource here. */
    public static Resources of(Map<String, io.fabric8.kubernetes.api.model.Quantity> list) {
        if (list == null || list.isEmpty()) {
            return ZERO;
        }
        long cpu = 0;
        long memory = 0;
        long storage = 0;
        Map<String, Long> scalar = new TreeMap<>();
        for (var entry : list.entrySet()) {
            var raw = entry.getValue();
            Quantity quantity = Quantity.parse(raw.getAmount() + (raw.getFormat() == null ? "" : raw.getFormat()));
            switch (entry.getKey()) {
                case "cpu" -> cpu = quantity.milliValue();
                case "memory" -> memory = quantity.value();
                case "ephemeral-storage" -> storage = quantity.value();
                case "pods" -> {
                    // Counted as the number of pods on a node, not as a request.
                }
                default -> {
                    if (isScalar(entry.getKey())) {
                        scalar.put(entry.getKey(), quantity.value());
                    }
                }
            }
        }
        return new Resources(cpu, memory, storage, scalar);
    }

    /** Extended resources (a domain-qualified name), hugepages and attachable volumes count; others are ignored. */
    static boolean isScalar(String name) {
        return name.startsWith("hugepages-") || name.startsWith("attachable-volumes-")
                || (name.contains("/") && !name.startsWith("kubernetes.io/") && !name.startsWith("requests."));
    }

    public Resources plus(Resources other) {
        return new Resources(milliCpu + other.milliCpu, memory + other.memory,
                ephemeralStorage + other.ephemeralStorage, merge(scalar, other.scalar, 1));
    }

    public Resources minus(Resources other) {
        return new Resources(milliCpu - other.milliCpu, memory - other.memory,
                ephemeralStorage - other.ephemeralStorage, merge(scalar, other.scalar, -1));
    }

    /** The larger of each resource. */
    public Resources max(Resources other) {
        Map<String, Long> merged = new HashMap<>(scalar);
        other.scalar.forEach((name, value) -> merged.merge(name, value, Math::max));
        return new Resources(Math.max(milliCpu, other.milliCpu), Math.max(memory, other.memory),
                Math.max(ephemeralStorage, other.ephemeralStorage), merged);
    }

    public boolean isZero() {
        return milliCpu == 0 && memory == 0 && ephemeralStorage == 0 && scalar.values().stream().allMatch(v -> v == 0);
    }

    private static Map<String, Long> merge(Map<String, Long> left, Map<String, Long> right, long sign) {
        if (right.isEmpty()) {
            return left;
        }
        Map<String, Long> merged = new HashMap<>(left);
        right.forEach((name, value) -> merged.merge(name, sign * value, Long::sum));
        merged.values().removeIf(v -> v == 0);
        return merged;
    }

    /**
     * What a pod asks of a node, as upstream computes it: the sum of the app containers and the
     * restartable init containers (sidecars), or, if larger, what the init phase needs at its
     * peak (each ordinary init container plus the sidecars started before it), plus the pod's
     * overhead.
     *
     * @param nonZero whether containers without a CPU or memory request count as the scoring defaults
     */
    public static Resources podRequests(Pod pod, boolean nonZero) {
        // Dry runs and filters ask for the same pod object many times in a row; parsing
        // quantities dominates, so the last answer per thread is kept (by identity).
        Object[] last = LAST.get();
        int slot = nonZero ? 2 : 0;
        if (last[slot] == pod) {
            return (Resources) last[slot + 1];
        }
        Resources computed = computePodRequests(pod, nonZero);
        last[slot] = pod;
        last[slot + 1] = computed;
        return computed;
    }

    private static final ThreadLocal<Object[]> LAST = ThreadLocal.withInitial(() -> new Object[4]);

    private static Resources computePodRequests(Pod pod, boolean nonZero) {
        PodSpec spec = pod.getSpec();
        Resources sum = ZERO;
        for (Container container : list(spec.getContainers())) {
            sum = sum.plus(containerRequests(container, nonZero));
        }
        Resources sidecars = ZERO;
        Resources initPeak = ZERO;
        for (Container container : list(spec.getInitContainers())) {
            Resources requests = containerRequests(container, nonZero);
            if ("Always".equals(container.getRestartPolicy())) {
                sum = sum.plus(requests);
                sidecars = sidecars.plus(requests);
                initPeak = initPeak.max(sidecars);
            } else {
                initPeak = initPeak.max(requests.plus(sidecars));
            }
        }
        Resources total = sum.max(initPeak);
        if (spec.getOverhead() != null && !spec.getOverhead().isEmpty()) {
            total = total.plus(of(spec.getOverhead()));
        }
        return total;
    }

    private static Resources containerRequests(Container container, boolean nonZero) {
        var requirements = container.getResources();
        Resources requests = requirements == null ? ZERO : of(requirements.getRequests());
        if (!nonZero) {
            return requests;
        }
        boolean hasCpu = requirements != null && requirements.getRequests() != null
                && requirements.getRequests().containsKey("cpu");
        boolean hasMemory = requirements != null && requirements.getRequests() != null
                && requirements.getRequests().containsKey("memory");
        return new Resources(hasCpu ? requests.milliCpu : DEFAULT_MILLI_CPU,
                hasMemory ? requests.memory : DEFAULT_MEMORY, requests.ephemeralStorage, requests.scalar);
    }

    private static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }
}
