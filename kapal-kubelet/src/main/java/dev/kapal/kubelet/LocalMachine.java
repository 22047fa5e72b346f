package dev.kapal.kubelet;

import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The facts a real node's kubelet registers with, read from this machine: capacity (processors,
 * {@code MemTotal} of {@code /proc/meminfo}, the size of the filesystem holding the data
 * directory, 110 pods), allocatable (capacity less upstream's default hard eviction thresholds,
 * {@code memory.available<100Mi} and {@code nodefs.available<10%}, as a kubelet without
 * reservations computes it), and {@code nodeInfo} from {@code /etc/machine-id}, the boot id,
 * the kernel release and {@code /etc/os-release}.
 *
 * @param processors      available processors
 * @param memoryBytes     total memory
 * @param filesystemBytes size of the data directory's filesystem
 * @param machineId       {@code /etc/machine-id}
 * @param systemUuid      the DMI product UUID, empty when the machine has none
 * @param bootId          {@code /proc/sys/kernel/random/boot_id}
 * @param kernelVersion   {@code /proc/sys/kernel/osrelease} (what {@code uname -r} prints)
 * @param osImage         {@code PRETTY_NAME} of {@code /etc/os-release}
 * @param architecture    the Go name of the architecture ({@code amd64}, {@code arm64})
 */
public record LocalMachine(int processors, long memoryBytes, long filesystemBytes, String machineId, String systemUuid,
                           String bootId, String kernelVersion, String osImage, String architecture) {
    /** The kubelet's default {@code maxPods}. */
    public static final int MAX_PODS = 110;
    private static final long MEMORY_EVICTION_THRESHOLD = 100L * 1024 * 1024;

    public LocalMachine {
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(systemUuid, "systemUuid");
        Objects.requireNonNull(bootId, "bootId");
        Objects.requireNonNull(kernelVersion, "kernelVersion");
        Objects.requireNonNull(osImage, "osImage");
        Objects.requireNonNull(architecture, "architecture");
    }

    /** Reads this machine; {@code dataDirectory} says which filesystem is the node's ephemeral storage. */
    public static LocalMachine detect(Path dataDirectory) {
        long memory = read(Path.of("/proc/meminfo")).flatMap(LocalMachine::memTotal).orElse(Runtime.getRuntime().maxMemory());
        long filesystem;
        try {
            Path existing = dataDirectory.toAbsolutePath();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            FileStore store = Files.getFileStore(existing == null ? Path.of("/") : existing);
            filesystem = store.getTotalSpace();
        } catch (IOException unreadable) {
            filesystem = 0;
        }
        return new LocalMachine(Runtime.getRuntime().availableProcessors(), memory, filesystem,
                firstLine(Path.of("/etc/machine-id")).or(() -> firstLine(Path.of("/var/lib/dbus/machine-id"))).orElse(""),
                firstLine(Path.of("/sys/class/dmi/id/product_uuid")).orElse(""),
                firstLine(Path.of("/proc/sys/kernel/random/boot_id")).orElse(""),
                firstLine(Path.of("/proc/sys/kernel/osrelease")).orElse(System.getProperty("os.version")),
                read(Path.of("/etc/os-release")).flatMap(LocalMachine::prettyName).orElse("Linux"),
                goArchitecture(System.getProperty("os.arch")));
    }

    /** {@code MemTotal} of a {@code /proc/meminfo} text, in bytes. */
    static Optional<Long> memTotal(String meminfo) {
        return meminfo.lines()
                .filter(line -> line.startsWith("MemTotal:"))
                .map(line -> line.substring("MemTotal:".length()).strip().split("\\s+"))
                .map(fields -> Long.parseLong(fields[0]) * (fields.length > 1 && fields[1].equalsIgnoreCase("kB") ? 1024 : 1))
                .findFirst();
    }

    /** {@code PRETTY_NAME} of an os-release text, unquoted. */
    static Optional<String> prettyName(String osRelease) {
        return osRelease.lines()
                .filter(line -> line.startsWith("PRETTY_NAME="))
                .map(line -> line.substring("PRETTY_NAME=".length()).strip())
                .map(value -> value.length() >= 2 && (value.startsWith("\"") || value.startsWith("'"))
                        ? value.substring(1, value.length() - 1) : value)
                .findFirst();
    }

    /** Go's GOARCH for a Java {@code os.arch}. */
    static String goArchitecture(String javaArchitecture) {
        return switch (javaArchitecture.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            default -> javaArchitecture;
        };
    }

    /** Capacity as the kubelet reports it (memory and storage in Ki, as cAdvisor's byte counts print). */
    public Map<String, Quantity> capacity() {
        Map<String, Quantity> capacity = new LinkedHashMap<>();
        capacity.put("cpu", new Quantity(Integer.toString(processors)));
        capacity.put("ephemeral-storage", new Quantity((filesystemBytes / 1024) + "Ki"));
        capacity.put("hugepages-1Gi", new Quantity("0"));
        capacity.put("hugepages-2Mi", new Quantity("0"));
        capacity.put("memory", new Quantity((memoryBytes / 1024) + "Ki"));
        capacity.put("pods", new Quantity(Integer.toString(MAX_PODS)));
        return capacity;
    }

    /** Capacity less the default hard eviction thresholds (no system or kube reservations). */
    public Map<String, Quantity> allocatable() {
        Map<String, Quantity> allocatable = new LinkedHashMap<>(capacity());
        long storage = filesystemBytes / 1024 * 1024;
        allocatable.put("ephemeral-storage", new Quantity(Long.toString(storage - storage / 10)));
        allocatable.put("memory", new Quantity((Math.max(0, memoryBytes - MEMORY_EVICTION_THRESHOLD) / 1024) + "Ki"));
        return allocatable;
    }

    /**
     * The Node configuration of this machine as a server node (k3s' labels for one, with
     * {@code kapal} as the instance type).
     *
     * @param kubeletVersion {@code v1.33.x+kapal}
     * @param controlPlane   whether this node also runs the control plane (the role labels)
     */
    public NodeConfig nodeConfig(String nodeName, String internalIp, String hostName, String kubeletVersion,
                                 boolean controlPlane) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("beta.kubernetes.io/arch", architecture);
        labels.put("beta.kubernetes.io/instance-type", "kapal");
        labels.put("beta.kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", architecture);
        labels.put("kubernetes.io/hostname", nodeName);
        labels.put("kubernetes.io/os", "linux");
        if (controlPlane) {
            labels.put("node-role.kubernetes.io/control-plane", "true");
            labels.put("node-role.kubernetes.io/master", "true");
        }
        labels.put("node.kubernetes.io/instance-type", "kapal");
        List<NodeAddress> addresses = List.of(new NodeAddress(internalIp, "InternalIP"), new NodeAddress(hostName, "Hostname"));
        NodeConfig.NodeInfo info = new NodeConfig.NodeInfo(machineId, systemUuid, bootId, kernelVersion, osImage, "linux",
                architecture, kubeletVersion);
        return new NodeConfig(nodeName, labels, Map.of("volumes.kubernetes.io/controller-managed-attach-detach", "true"),
                capacity(), allocatable(), addresses, info, false);
    }

    private static Optional<String> read(Path path) {
        try {
            return Optional.of(Files.readString(path));
        } catch (IOException | SecurityException unreadable) {
            return Optional.empty();
        }
    }

    private static Optional<String> firstLine(Path path) {
        return read(path).map(String::strip).filter(text -> !text.isEmpty()).map(text -> text.lines().findFirst().orElse(""));
    }
}
