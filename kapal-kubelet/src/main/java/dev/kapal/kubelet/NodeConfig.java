package dev.kapal.kubelet;

import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a kubelet registers its Node with: name, labels and annotations it owns, capacity and
 * allocatable, addresses, and the {@code nodeInfo} facts that do not come from the runtime.
 *
 * @param honourDownAnnotation whether {@value #DOWN_ANNOTATION}{@code : "true"} on the Node
 *                             silences this kubelet (simulated nodes only)
 * @param kubeletPort          the port of this node's kubelet API ({@code kubelet.server.KubeletServer}),
 *                             reported as {@code status.daemonEndpoints.kubeletEndpoint.Port}: where
 *                             the API server connects for logs, exec, attach and port-forward
 */
public record NodeConfig(
        String name,
        Map<String, String> labels,
        Map<String, String> annotations,
        Map<String, Quantity> capacity,
        Map<String, Quantity> allocatable,
        List<NodeAddress> addresses,
        NodeInfo info,
        boolean honourDownAnnotation,
        int kubeletPort) {

    /** The kubelet's default port, 10250. */
    public static final int DEFAULT_KUBELET_PORT = 10250;

    /** With the kubelet API on {@link #DEFAULT_KUBELET_PORT}. */
    public NodeConfig(String name, Map<String, String> labels, Map<String, String> annotations,
                      Map<String, Quantity> capacity, Map<String, Quantity> allocatable, List<NodeAddress> addresses,
                      NodeInfo info, boolean honourDownAnnotation) {
        this(name, labels, annotations, capacity, allocatable, addresses, info, honourDownAnnotation, DEFAULT_KUBELET_PORT);
    }

    /** Node annotation that makes a simulated node stop heartbeating, as if lost. */
    public static final String DOWN_ANNOTATION = "sim.kapal.dev/down";

    /**
     * The {@code status.nodeInfo} fields a kubelet knows itself; {@code containerRuntimeVersion}
     * comes from the runtime's {@code Version}.
     */
    public record NodeInfo(String machineId, String systemUuid, String bootId, String kernelVersion, String osImage,
                           String operatingSystem, String architecture, String kubeletVersion) {
        public NodeInfo {
            Objects.requireNonNull(machineId, "machineId");
            Objects.requireNonNull(systemUuid, "systemUuid");
            Objects.requireNonNull(bootId, "bootId");
            Objects.requireNonNull(kernelVersion, "kernelVersion");
            Objects.requireNonNull(osImage, "osImage");
            Objects.requireNonNull(operatingSystem, "operatingSystem");
            Objects.requireNonNull(architecture, "architecture");
            Objects.requireNonNull(kubeletVersion, "kubeletVersion");
        }
    }

    public NodeConfig {
        Objects.requireNonNull(name, "name");
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        capacity = Map.copyOf(capacity);
        allocatable = Map.copyOf(allocatable);
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(info, "info");
        if (kubeletPort < 1 || kubeletPort > 65535) {
            throw new IllegalArgumentException("kubeletPort must be 1-65535: " + kubeletPort);
        }
    }

    /** The node's IP addresses (InternalIP first, then ExternalIP), the pods' {@code hostIPs}. */
    public List<String> hostIps() {
        return addresses.stream()
                .filter(address -> address.getType().equals("InternalIP"))
                .map(NodeAddress::getAddress)
                .toList();
    }
}
