package dev.kapal.kubelet.runtime;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * CRI {@code ContainerConfig}, the fields Kapal uses: identity, image, command and arguments
 * (already expanded by the kubelet), environment, working directory, labels and annotations
 * (the kubelet passes the pod's annotations down, which is how the simulated runtime learns
 * {@code sim.kapal.dev/complete-after}), bind mounts of host paths the kubelet prepared (volumes,
 * the termination-message file), and the Linux resources it computed from requests and limits.
 * A simulated runtime ignores mounts and resources.
 *
 * @param mounts    CRI {@code Mount}s, in the order the container sees them
 * @param resources CRI {@code LinuxContainerResources}; {@link LinuxResources#NONE} leaves every
 *                  limit to the runtime's defaults
 */
public record ContainerConfig(
        ContainerMetadata metadata,
        ImageSpec image,
        List<String> command,
        List<String> args,
        String workingDir,
        List<KeyValue> envs,
        Map<String, String> labels,
        Map<String, String> annotations,
        List<Mount> mounts,
        LinuxResources resources) {

    /** CRI {@code KeyValue}: one environment variable. */
    public record KeyValue(String key, String value) {
        public KeyValue {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * CRI {@code Mount}: {@code hostPath} (a file or directory on the node) bound at
     * {@code containerPath}.
     */
    public record Mount(String containerPath, String hostPath, boolean readOnly) {
        public Mount {
            Objects.requireNonNull(containerPath, "containerPath");
            Objects.requireNonNull(hostPath, "hostPath");
        }
    }

    /**
     * CRI {@code LinuxContainerResources}, the fields the kubelet derives from requests, limits and
     * QoS class: CFS period and quota (microseconds; quota 0 = unlimited), cpu shares (0 = the
     * runtime's default), the memory limit in bytes (0 = unlimited) and the OOM score adjustment.
     */
    public record LinuxResources(long cpuPeriod, long cpuQuota, long cpuShares, long memoryLimitInBytes, long oomScoreAdj) {
        /** Nothing set: the runtime's defaults. */
        public static final LinuxResources NONE = new LinuxResources(0, 0, 0, 0, 0);
    }

    /** A container without mounts and without resource settings. */
    public ContainerConfig(ContainerMetadata metadata, ImageSpec image, List<String> command, List<String> args,
                           String workingDir, List<KeyValue> envs, Map<String, String> labels,
                           Map<String, String> annotations) {
        this(metadata, image, command, args, workingDir, envs, labels, annotations, List.of(), LinuxResources.NONE);
    }

    public ContainerConfig {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(image, "image");
        command = List.copyOf(command);
        args = List.copyOf(args);
        Objects.requireNonNull(workingDir, "workingDir");
        envs = List.copyOf(envs);
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        mounts = List.copyOf(mounts);
        Objects.requireNonNull(resources, "resources");
    }
}
