package dev.kapal.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pod-level cgroups, as the kubelet makes them with the cgroupfs driver and cgroups per QoS class
 * (cgroup v1): {@code /kubepods/pod<uid>} for Guaranteed pods, {@code /kubepods/burstable/pod<uid>}
 * and {@code /kubepods/besteffort/pod<uid>} for the others. The pod's sandbox and containers are
 * created under it (CRI {@code cgroup_parent}), and it carries upstream's pod limits
 * ({@code ResourceConfigForPod}): cpu shares from the pod's cpu requests; a CFS quota from its cpu
 * limits and a memory limit from its memory limits, each only when every container declares that
 * limit (always for Guaranteed pods); BestEffort pods 2 shares. The pod's requests and limits are
 * the larger of the biggest init container and the sum of the others (sidecars count with the
 * app containers), plus {@code spec.overhead}.
 *
 * <p>On a host without a writable cgroup v1 hierarchy (cgroup v2, or no privileges) there are no
 * pod cgroups: the runtime places containers itself, and only their own limits apply.
 */
final class PodCgroups {
    private static final Logger log = LoggerFactory.getLogger(PodCgroups.class);
    private static final List<String> CONTROLLERS = List.of("cpu", "cpuacct", "memory", "pids");

    private final Path root;

    private PodCgroups(Path root) {
        this.root = root;
    }

    /** The pod cgroups of a cgroup v1 hierarchy at {@code root} ({@code /sys/fs/cgroup}), if it is one Kapal may write. */
    static Optional<PodCgroups> detect(Path root) {
        boolean v1 = CONTROLLERS.stream().allMatch(controller -> Files.isDirectory(root.resolve(controller)))
                && Files.isRegularFile(root.resolve("memory").resolve("memory.limit_in_bytes"));
        if (!v1 || !Files.isWritable(root.resolve("memory"))) {
            log.info("no writable cgroup v1 hierarchy at {}: pods get no pod-level cgroups", root);
            return Optional.empty();
        }
        return Optional.of(new PodCgroups(root));
    }

    /** The pod's cgroup ({@code /kubepods/burstable/pod<uid>}), the sandbox's {@code cgroup_parent}. */
    static String parentOf(Pod pod) {
        String qos = ContainerResources.qosClass(pod);
        String uid = pod.getMetadata().getUid();
        return switch (qos) {
            case "Guaranteed" -> "/kubepods/pod" + uid;
            case "BestEffort" -> "/kubepods/besteffort/pod" + uid;
            default -> "/kubepods/burstable/pod" + uid;
        };
    }

    /** The pod cgroup's limits. {@code cpuQuota} and {@code memoryLimit} are -1 for none. */
    record Limits(long cpuShares, long cpuQuota, long memoryLimit) {
    }

    static Limits limitsOf(Pod pod) {
        List<Container> app = new ArrayList<>(pod.getSpec().getContainers());
        List<Container> init = new ArrayList<>();
        for (Container container : pod.getSpec().getInitContainers()) {
            if ("Always".equals(container.getRestartPolicy())) {
                app.add(container);
            } else {
                init.add(container);
            }
        }
        Map<String, Quantity> overhead = pod.getSpec().getOverhead() == null ? Map.of() : pod.getSpec().getOverhead();
        long cpuRequest = total(app, init, "requests", "cpu", true) + ContainerResources.milli(overhead.get("cpu"));
        long cpuLimit = total(app, init, "limits", "cpu", true) + ContainerResources.milli(overhead.get("cpu"));
        long memoryLimit = total(app, init, "limits", "memory", false) + ContainerResources.bytes(overhead.get("memory"));
        String qos = ContainerResources.qosClass(pod);
        if (qos.equals("BestEffort")) {
            return new Limits(ContainerResources.shares(0), -1, -1);
        }
        boolean allCpuLimits = declareAll(app, init, "cpu");
        boolean allMemoryLimits = declareAll(app, init, "memory");
        long shares = ContainerResources.shares(cpuRequest);
        long quota = (qos.equals("Guaranteed") || allCpuLimits) && cpuLimit > 0
                ? Math.max(1_000, cpuLimit * ContainerResources.CPU_PERIOD / 1000) : -1;
        long memory = (qos.equals("Guaranteed") || allMemoryLimits) && memoryLimit > 0 ? memoryLimit : -1;
        return new Limits(shares, quota, memory);
    }

    private static long total(List<Container> app, List<Container> init, String kind, String resource, boolean cpu) {
        long sum = 0;
        for (Container container : app) {
            sum += amount(container, kind, resource, cpu);
        }
        long biggestInit = 0;
        for (Container container : init) {
            biggestInit = Math.max(biggestInit, amount(container, kind, resource, cpu));
        }
        return Math.max(sum, biggestInit);
    }

    private static long amount(Container container, String kind, String resource, boolean cpu) {
        if (container.getResources() == null) {
            return 0;
        }
        Map<String, Quantity> values = kind.equals("requests") ? container.getResources().getRequests() : container.getResources().getLimits();
        Quantity quantity = values == null ? null : values.get(resource);
        // A limit without a request stands for the request, as upstream defaults it.
        if (quantity == null && kind.equals("requests") && container.getResources().getLimits() != null) {
            quantity = container.getResources().getLimits().get(resource);
        }
        return cpu ? ContainerResources.milli(quantity) : ContainerResources.bytes(quantity);
    }

    private static boolean declareAll(List<Container> app, List<Container> init, String resource) {
        return java.util.stream.Stream.concat(app.stream(), init.stream()).allMatch(container -> container.getResources() != null
                && container.getResources().getLimits() != null && container.getResources().getLimits().containsKey(resource));
    }

    /**
     * Creates (or updates) the pod's cgroup with its limits; answers the {@code cgroup_parent} for
     * its sandbox, or empty when the cgroup could not be made (the pod then runs without one).
     */
    Optional<String> setUp(Pod pod) {
        String parent = parentOf(pod);
        Limits limits = limitsOf(pod);
        try {
            for (String controller : CONTROLLERS) {
                Files.createDirectories(directory(controller, parent));
            }
            Path cpu = directory("cpu", parent);
            Files.writeString(cpu.resolve("cpu.shares"), Long.toString(limits.cpuShares()));
            Files.writeString(cpu.resolve("cpu.cfs_period_us"), Long.toString(ContainerResources.CPU_PERIOD));
            Files.writeString(cpu.resolve("cpu.cfs_quota_us"), Long.toString(limits.cpuQuota()));
            Files.writeString(directory("memory", parent).resolve("memory.limit_in_bytes"), Long.toString(limits.memoryLimit()));
            return Optional.of(parent);
        } catch (IOException | RuntimeException failed) {
            log.warn("creating cgroup {} for pod {}/{}: {}", parent, pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                    failed.getMessage());
            return Optional.empty();
        }
    }

    /** Removes the pod's cgroups (once its containers are gone; a busy one is left for next time). */
    void tearDown(String podUid) {
        for (String parent : List.of("/kubepods/pod" + podUid, "/kubepods/burstable/pod" + podUid, "/kubepods/besteffort/pod" + podUid)) {
            for (String controller : CONTROLLERS) {
                Path directory = directory(controller, parent);
                if (Files.isDirectory(directory)) {
                    try {
                        // A cgroup is removed with rmdir alone: its files are not real files.
                        Files.delete(directory);
                    } catch (IOException busy) {
                        log.debug("removing cgroup {}: {}", directory, busy.getMessage());
                    }
                }
            }
        }
    }

    private Path directory(String controller, String parent) {
        return root.resolve(controller).resolve(parent.substring(1));
    }
}
