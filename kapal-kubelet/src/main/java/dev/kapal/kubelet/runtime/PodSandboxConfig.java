package dev.kapal.kubelet.runtime;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * CRI {@code PodSandboxConfig}, the fields Kapal uses: the pod's identity, hostname, port
 * mappings, the labels and annotations the kubelet passes down (the pod's own, plus the
 * kubelet's {@code io.kubernetes.pod.*} labels), and whether the pod shares the node's network
 * ({@code linux.security_context.namespace_options.network = NODE}: no address of its own), and the
 * pod's cgroup ({@code linux.cgroup_parent}, empty: the runtime's default place).
 * DNS, log directory and the other Linux options join when the containerd runtime needs them.
 */
public record PodSandboxConfig(
        PodSandboxMetadata metadata,
        String hostname,
        List<PortMapping> portMappings,
        Map<String, String> labels,
        Map<String, String> annotations,
        boolean hostNetwork,
        String cgroupParent) {
    public PodSandboxConfig {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(hostname, "hostname");
        portMappings = List.copyOf(portMappings);
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        Objects.requireNonNull(cgroupParent, "cgroupParent");
    }

    /** A sandbox in the runtime's default cgroup. */
    public PodSandboxConfig(PodSandboxMetadata metadata, String hostname, List<PortMapping> portMappings,
                            Map<String, String> labels, Map<String, String> annotations, boolean hostNetwork) {
        this(metadata, hostname, portMappings, labels, annotations, hostNetwork, "");
    }
}
