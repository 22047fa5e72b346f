package dev.kapal.server;

import dev.kapal.apiserver.tls.InetLiterals;
import dev.kapal.kubelet.NodeConfig;
import dev.kapal.kubelet.SimulatedNodes;
import java.net.InetAddress;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The resolved configuration of {@code kapal server}: every default applied, every value checked.
 *
 * @param dataDirectory      where state lives ({@code /var/lib/kapal} as root, {@code ~/.kapal} otherwise)
 * @param bindAddress        the address the API server listens on
 * @param httpsPort          the API server's port (0 picks a free one)
 * @param advertiseAddress   the address other machines and pods reach the API server at
 * @param tlsSans            extra names for the serving certificate (IP literals or DNS names)
 * @param writeKubeconfig    where to write the admin kubeconfig in addition to the data directory
 * @param kubeconfigMode     the mode of the admin kubeconfig files
 * @param datastoreEndpoint  {@code sqlite://PATH}, {@code etcd://...}, {@code memory://}; empty for the default SQLite file
 * @param clusterCidr        the pod network
 * @param serviceCidr        the Service ClusterIP range
 * @param clusterDns         the ClusterIP of the cluster DNS Service
 * @param clusterDomain      the cluster's DNS domain
 * @param nodeName           the name of this machine's Node
 * @param disableAgent       run the control plane only
 * @param simNodes           how many simulated nodes ({@code sim-0} …) to run in this process
 * @param simNodeCapacity    each simulated node's capacity (and allocatable)
 * @param containerRuntimeEndpoint the agent's CRI socket ({@code unix:///run/containerd/containerd.sock});
 *                           empty for the containerd Kapal manages under the data dir
 * @param nodeMonitorGracePeriod kube-controller-manager's {@code --node-monitor-grace-period}: how long
 *                           a node may go without renewing its Lease or status before the node
 *                           lifecycle controller marks it {@code Ready=Unknown} (50 s upstream)
 * @param kubeletPort        the port of the agent's kubelet API (10250 as upstream; 0 for any free port)
 */
public record ServerConfig(
        Path dataDirectory,
        InetAddress bindAddress,
        int httpsPort,
        InetAddress advertiseAddress,
        List<String> tlsSans,
        Optional<Path> writeKubeconfig,
        Set<PosixFilePermission> kubeconfigMode,
        String datastoreEndpoint,
        Cidr clusterCidr,
        Cidr serviceCidr,
        InetAddress clusterDns,
        String clusterDomain,
        String nodeName,
        boolean disableAgent,
        List<String> controllers,
        int simNodes,
        SimulatedNodes.Capacity simNodeCapacity,
        Optional<String> containerRuntimeEndpoint,
        java.time.Duration nodeMonitorGracePeriod,
        int kubeletPort) {

    /** Upstream's default {@code --node-monitor-grace-period} (since v1.32). */
    public static final java.time.Duration DEFAULT_NODE_MONITOR_GRACE_PERIOD = java.time.Duration.ofSeconds(50);

    public ServerConfig {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(advertiseAddress, "advertiseAddress");
        tlsSans = List.copyOf(tlsSans);
        Objects.requireNonNull(writeKubeconfig, "writeKubeconfig");
        kubeconfigMode = Set.copyOf(kubeconfigMode);
        Objects.requireNonNull(datastoreEndpoint, "datastoreEndpoint");
        Objects.requireNonNull(clusterCidr, "clusterCidr");
        Objects.requireNonNull(serviceCidr, "serviceCidr");
        Objects.requireNonNull(clusterDns, "clusterDns");
        Objects.requireNonNull(clusterDomain, "clusterDomain");
        Objects.requireNonNull(nodeName, "nodeName");
        controllers = List.copyOf(controllers);
        if (simNodes < 0) {
            throw new IllegalArgumentException("simNodes must not be negative: " + simNodes);
        }
        Objects.requireNonNull(simNodeCapacity, "simNodeCapacity");
        Objects.requireNonNull(containerRuntimeEndpoint, "containerRuntimeEndpoint");
        Objects.requireNonNull(nodeMonitorGracePeriod, "nodeMonitorGracePeriod");
        if (nodeMonitorGracePeriod.isNegative() || nodeMonitorGracePeriod.isZero()) {
            throw new IllegalArgumentException("nodeMonitorGracePeriod must be positive: " + nodeMonitorGracePeriod);
        }
        if (kubeletPort < 0 || kubeletPort > 65535) {
            throw new IllegalArgumentException("kubeletPort must be 0-65535: " + kubeletPort);
        }
    }

    /**
     * A configuration whose agent (if any) uses the managed containerd and the kubelet port 10250,
     * with upstream's node monitor grace period.
     */
    public ServerConfig(Path dataDirectory, InetAddress bindAddress, int httpsPort, InetAddress advertiseAddress,
                        List<String> tlsSans, Optional<Path> writeKubeconfig, Set<PosixFilePermission> kubeconfigMode,
                        String datastoreEndpoint, Cidr clusterCidr, Cidr serviceCidr, InetAddress clusterDns,
                        String clusterDomain, String nodeName, boolean disableAgent,
                        List<String> controllers, int simNodes, SimulatedNodes.Capacity simNodeCapacity) {
        this(dataDirectory, bindAddress, httpsPort, advertiseAddress, tlsSans, writeKubeconfig, kubeconfigMode,
                datastoreEndpoint, clusterCidr, serviceCidr, clusterDns, clusterDomain, nodeName, disableAgent,
                controllers, simNodes, simNodeCapacity, Optional.empty(), DEFAULT_NODE_MONITOR_GRACE_PERIOD,
                NodeConfig.DEFAULT_KUBELET_PORT);
    }

    /** A configuration without simulated nodes. */
    public ServerConfig(Path dataDirectory, InetAddress bindAddress, int httpsPort, InetAddress advertiseAddress,
                        List<String> tlsSans, Optional<Path> writeKubeconfig, Set<PosixFilePermission> kubeconfigMode,
                        String datastoreEndpoint, Cidr clusterCidr, Cidr serviceCidr, InetAddress clusterDns,
                        String clusterDomain, String nodeName, boolean disableAgent,
                        List<String> controllers) {
        this(dataDirectory, bindAddress, httpsPort, advertiseAddress, tlsSans, writeKubeconfig, kubeconfigMode,
                datastoreEndpoint, clusterCidr, serviceCidr, clusterDns, clusterDomain, nodeName, disableAgent,
                controllers, 0, SimulatedNodes.Capacity.DEFAULT, Optional.empty(), DEFAULT_NODE_MONITOR_GRACE_PERIOD,
                NodeConfig.DEFAULT_KUBELET_PORT);
    }

    /** k3s' rule: the system location for root, the home directory for everyone else. */
    public static Path defaultDataDirectory(boolean root, Path home) {
        return root ? Path.of("/var/lib/kapal") : home.resolve(".kapal");
    }

    /** The {@code kubernetes} Service's ClusterIP: the first address of the service CIDR. */
    public InetAddress serviceIp() {
        return serviceCidr.address(1);
    }

    /** Where the certificates live. */
    public Path tlsDirectory() {
        return dataDirectory.resolve("server").resolve("tls");
    }

    /** The admin kubeconfig every server writes into its data directory. */
    public Path kubeconfigPath() {
        return dataDirectory.resolve("kubeconfig.yaml");
    }

    /** The datastore endpoint with the default spelled out, for people reading the log. */
    public String datastoreDescription() {
        return datastoreEndpoint.isEmpty()
                ? "sqlite://" + dataDirectory.resolve("server/db/state.db").toAbsolutePath()
                : datastoreEndpoint;
    }

    /**
     * The API server URL for clients on this machine: loopback when listening on all addresses
     * or on loopback (k3s writes 127.0.0.1), else the one address listened on.
     */
    public String localServerUrl(int port) {
        InetAddress host = bindAddress.isAnyLocalAddress() || bindAddress.isLoopbackAddress()
                ? (bindAddress.getAddress().length == 16 && bindAddress.isLoopbackAddress()
                        ? bindAddress : InetLiterals.parse("127.0.0.1").orElseThrow())
                : bindAddress;
        return "https://" + InetLiterals.formatForUrl(host) + ":" + port;
    }
}
