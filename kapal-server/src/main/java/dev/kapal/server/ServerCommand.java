package dev.kapal.server;

import dev.kapal.controllers.ControllerManager;
import dev.kapal.api.validation.Names;
import dev.kapal.apiserver.tls.InetLiterals;
import java.net.InetAddress;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kapal server}: runs the control plane and the node agent on this machine.
 * Flag names and defaults are k3s'. Values are checked here, before anything starts, so a typo
 * costs one line of output instead of a half-started cluster.
 */
@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
        description = "Run the Kapal control plane and a node agent on this machine.", sortOptions = false)
final class ServerCommand implements Callable<Integer> {

    /** What happens with a valid configuration; tests substitute one that records it. */
    interface Runner {
        int run(ServerConfig config) throws Exception;

        /** Starts the real server and blocks until it is told to stop. */
        final class Production implements Runner {
            @Override
            public int run(ServerConfig config) {
                return KapalServer.runUntilSignalled(config);
            }
        }
    }

    /** kube-controller-manager's {@code --node-monitor-period} (not a flag here). */
    private static final java.time.Duration NODE_MONITOR_PERIOD =
            dev.kapal.controllers.nodelifecycle.NodeLifecycleController.Settings.defaults().monitorPeriod();

    private final Runner runner;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-d", "--data-dir"}, paramLabel = "DIR",
            description = "Folder to hold state (default: /var/lib/kapal as root, ~/.kapal otherwise)")
    Path dataDir;

    @Option(names = "--https-listen-port", paramLabel = "PORT", defaultValue = "6443", converter = Converters.Port.class,
            description = "HTTPS listen port (default: ${DEFAULT-VALUE})")
    int httpsListenPort;

    @Option(names = "--bind-address", paramLabel = "IP", defaultValue = "0.0.0.0", converter = Converters.Ip.class,
            description = "Address the API server listens on (default: ${DEFAULT-VALUE})")
    InetAddress bindAddress;

    @Option(names = "--advertise-address", paramLabel = "IP", converter = Converters.Ip.class,
            description = "Address the API server advertises to the cluster (default: the host's primary IPv4, else 127.0.0.1)")
    InetAddress advertiseAddress;

    @Option(names = "--tls-san", paramLabel = "NAME", split = ",", converter = Converters.SubjectAlternativeName.class,
            description = "Add an IP or DNS name to the serving certificate (repeatable)")
    List<String> tlsSans = new ArrayList<>();

    @Option(names = {"-o", "--write-kubeconfig"}, paramLabel = "PATH",
            description = "Also write the admin kubeconfig to this file")
    Path writeKubeconfig;

    @Option(names = "--write-kubeconfig-mode", paramLabel = "MODE", converter = Converters.FileMode.class,
            description = "Octal mode of the admin kubeconfig files, like 644 (default: 600)")
    Converters.FilePermissions writeKubeconfigMode;

    @Option(names = "--datastore-endpoint", paramLabel = "URL", defaultValue = "", converter = Converters.DatastoreEndpoint.class,
            description = "sqlite://PATH, etcd://HOST:PORT[,HOST:PORT...] or memory:// (default: sqlite in the data dir)")
    String datastoreEndpoint;

    @Option(names = "--cluster-cidr", paramLabel = "CIDR", defaultValue = "10.42.0.0/16", converter = Converters.CidrValue.class,
            description = "Pod network (default: ${DEFAULT-VALUE})")
    Cidr clusterCidr;

    @Option(names = "--service-cidr", paramLabel = "CIDR", defaultValue = "10.43.0.0/16", converter = Converters.CidrValue.class,
            description = "Service ClusterIP range (default: ${DEFAULT-VALUE})")
    Cidr serviceCidr;

    @Option(names = "--cluster-dns", paramLabel = "IP", converter = Converters.Ip.class,
            description = "ClusterIP of the cluster DNS Service (default: the 10th address of the service CIDR, 10.43.0.10)")
    InetAddress clusterDns;

    @Option(names = "--cluster-domain", paramLabel = "DOMAIN", defaultValue = "cluster.local",
            description = "Cluster DNS domain (default: ${DEFAULT-VALUE})")
    String clusterDomain;

    @Option(names = "--node-name", paramLabel = "NAME", description = "Name of this machine's Node (default: the host name, lower case)")
    String nodeName;

    @Option(names = "--disable-agent", description = "Run the control plane only, without the node agent")
    boolean disableAgent;

    @Option(names = "--container-runtime-endpoint", paramLabel = "ENDPOINT",
            description = "Use this existing CRI socket (unix:///path) instead of the containerd Kapal manages")
    String containerRuntimeEndpoint;

    @Option(names = "--kubelet-port", paramLabel = "PORT", defaultValue = "10250", converter = Converters.Port.class,
            description = "Port of the agent's kubelet API (logs, exec, attach, port-forward); 0 for any free port (default: ${DEFAULT-VALUE})")
    int kubeletPort;

    @Option(names = "--controllers", paramLabel = "NAMES", split = ",", defaultValue = "*",
            description = "Controllers to run, as kube-controller-manager reads it: '*' every default one, "
                    + "'name' enables, '-name' disables; names as kube-controller-manager 1.33 "
                    + "(replicaset-controller, ...) or their older aliases (replicaset, ...) (default: ${DEFAULT-VALUE})")
    List<String> controllers;

    @Option(names = "--sim-nodes", paramLabel = "N", defaultValue = "0", converter = Converters.Count.class,
            description = "Also run N simulated nodes sim-0 ... sim-(N-1) in this process (default: ${DEFAULT-VALUE})")
    int simNodes;

    @Option(names = "--sim-node-capacity", paramLabel = "cpu=Q,memory=Q,pods=Q", defaultValue = "cpu=32,memory=256Gi,pods=110",
            converter = Converters.SimNodeCapacity.class,
            description = "Capacity of each simulated node (default: ${DEFAULT-VALUE})")
    dev.kapal.kubelet.SimulatedNodes.Capacity simNodeCapacity;

    @Option(names = "--node-monitor-grace-period", paramLabel = "DURATION", defaultValue = "50s", converter = Converters.GoDuration.class,
            description = "How long a node may stop renewing its Lease and status before it is marked Ready=Unknown and "
                    + "tainted unreachable, as kube-controller-manager's flag (default: ${DEFAULT-VALUE})")
    java.time.Duration nodeMonitorGracePeriod;

    ServerCommand(Runner runner) {
        this.runner = runner;
    }

    @Override
    public Integer call() throws Exception {
        return runner.run(resolve(LocalHost.detect(), isRoot(), Path.of(System.getProperty("user.home"))));
    }

    /** Applies the computed defaults and the checks that involve more than one flag. */
    ServerConfig resolve(LocalHost host, boolean root, Path home) {
        InetAddress dns = clusterDns != null ? clusterDns : serviceCidr.address(10);
        if (clusterCidr.overlaps(serviceCidr)) {
            throw usage("--cluster-cidr " + clusterCidr + " overlaps --service-cidr " + serviceCidr);
        }
        try {
            // The node IPAM controller cuts node CIDRs (/24, /64 for IPv6) out of it, as k3s has it do.
            String cidr = clusterCidr.toString();
            new dev.kapal.controllers.nodeipam.CidrSet(cidr, cidr.contains(":") ? 64 : 24);
        } catch (IllegalArgumentException unusable) {
            throw usage("--cluster-cidr " + clusterCidr + ": " + unusable.getMessage());
        }
        if (!serviceCidr.contains(dns)) {
            throw usage("--cluster-dns " + InetLiterals.format(dns) + " is not inside --service-cidr " + serviceCidr);
        }
        String domain = clusterDomain.toLowerCase(Locale.ROOT);
        List<String> domainProblems = Names.dns1123Subdomain(domain);
        if (!domainProblems.isEmpty()) {
            throw usage("--cluster-domain '" + clusterDomain + "': " + String.join("; ", domainProblems));
        }
        String node = nodeName != null ? nodeName : host.hostName();
        List<String> nodeProblems = Names.dns1123Subdomain(node);
        if (!nodeProblems.isEmpty()) {
            throw usage("node name '" + node + "'" + (nodeName == null ? " (the host name; set --node-name)" : "")
                    + ": " + String.join("; ", nodeProblems));
        }
        try {
            ControllerManager.select(ControllerManager.builtIn(""), controllers);
        } catch (IllegalArgumentException unknown) {
            throw usage("--controllers: " + unknown.getMessage());
        }
        if (containerRuntimeEndpoint != null && containerRuntimeEndpoint.contains("://")
                && !containerRuntimeEndpoint.startsWith("unix://")) {
            throw usage("--container-runtime-endpoint " + containerRuntimeEndpoint + ": only unix:// endpoints are supported");
        }
        if (nodeMonitorGracePeriod.compareTo(NODE_MONITOR_PERIOD) <= 0) {
            // A grace no longer than the monitor period would mark nodes lost between two healthy heartbeats.
            throw usage("--node-monitor-grace-period " + nodeMonitorGracePeriod.toSeconds() + "s must be longer than the node monitor period ("
                    + NODE_MONITOR_PERIOD.toSeconds() + "s)");
        }
        Path data = (dataDir != null ? dataDir : ServerConfig.defaultDataDirectory(root, home)).toAbsolutePath().normalize();
        return new ServerConfig(
                data,
                bindAddress,
                httpsListenPort,
                advertiseAddress != null ? advertiseAddress
                        : host.primaryIpv4().orElse(InetLiterals.parse("127.0.0.1").orElseThrow()),
                tlsSans,
                Optional.ofNullable(writeKubeconfig).map(path -> path.toAbsolutePath().normalize()),
                writeKubeconfigMode != null ? writeKubeconfigMode.permissions() : PosixFilePermissions.fromString("rw-------"),
                datastoreEndpoint,
                clusterCidr,
                serviceCidr,
                dns,
                domain,
                node,
                disableAgent,
                controllers,
                simNodes,
                simNodeCapacity,
                Optional.ofNullable(containerRuntimeEndpoint),
                nodeMonitorGracePeriod,
                kubeletPort);
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** Whether we run as uid 0; {@code /proc/self} belongs to the effective user. */
    static boolean isRoot() {
        try {
            return ((Integer) java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (Exception notLinux) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
