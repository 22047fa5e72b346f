package dev.kapal.server;

import dev.kapal.apiserver.tls.InetLiterals;
import dev.kapal.kubelet.KubeletHost;
import dev.kapal.kubelet.LocalMachine;
import dev.kapal.kubelet.NodeConfig;
import dev.kapal.kubelet.runtime.containerd.ContainerdNodeRuntime;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent of this machine, as k3s runs one inside its server: a {@link KubeletHost} with
 * one node ({@code --node-name}, the host name by default) on containerd — the one Kapal manages
 * under {@code <data-dir>/agent/containerd}, or the CRI socket of
 * {@code --container-runtime-endpoint}. It is a client of the API server like any kubelet: over
 * loopback as {@code system:node:<name>} in {@code system:nodes}, watching only its own pods.
 *
 * <p>The Node is registered from the real machine ({@link LocalMachine}) with a server node's
 * role labels; the pod CIDR the node IPAM controller assigns reaches containerd's CNI
 * configuration through the kubelet core. Ready once the Node, its status and Lease are written
 * and the informers synced. Closing leaves the containers running (a restarted agent adopts
 * them) and stops the managed containerd.
 */
final class AgentComponent implements Component {
    private static final Logger log = LoggerFactory.getLogger("kapal");

    private final ServerConfig config;
    private final CertificatesComponent certificates;
    private final ApiServerComponent apiServer;
    private final LocalHost host;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile ContainerdNodeRuntime runtime;
    private volatile KubernetesClient client;
    private volatile ScheduledExecutorService timers;
    private volatile KubeletHost kubelet;

    AgentComponent(ServerConfig config, CertificatesComponent certificates, ApiServerComponent apiServer, LocalHost host) {
        this.config = Objects.requireNonNull(config, "config");
        this.certificates = Objects.requireNonNull(certificates, "certificates");
        this.apiServer = Objects.requireNonNull(apiServer, "apiServer");
        this.host = Objects.requireNonNull(host, "host");
    }

    @Override
    public String name() {
        return "agent";
    }

    @Override
    public String detail() {
        ContainerdNodeRuntime current = runtime;
        String containerd = current == null ? "" : current.managed().map(managed -> "managed containerd at " + managed.socket())
                .orElseGet(() -> "containerd at " + config.containerRuntimeEndpoint().orElse(""));
        return "node " + config.nodeName() + ", " + containerd;
    }

    /** The kubelet version the node reports: the served Kubernetes version, as k3s suffixes its own. */
    static String kubeletVersion() {
        return Version.kubernetes() + "+kapal";
    }

    @Override
    public void start() {
        runtime = ContainerdNodeRuntime.open(config.dataDirectory(), config.containerRuntimeEndpoint(),
                message -> log.info("agent: {}", message));
        LocalMachine machine = LocalMachine.detect(config.dataDirectory());
        NodeConfig node = machine.nodeConfig(config.nodeName(), InetLiterals.format(config.advertiseAddress()), host.hostName(),
                kubeletVersion(), true);
        client = new LoopbackClients(certificates.pki(), apiServer.port())
                .forUser("system:node:" + config.nodeName(), List.of("system:nodes"));
        timers = KubeletHost.newTimers();
        KubeletHost.Options defaults = KubeletHost.Options.defaults();
        // One real node: few API writers, a virtual thread per pod sync (containerd calls block), only our pods watched.
        KubeletHost.Options options = new KubeletHost.Options(defaults.leaseDuration(), defaults.leaseRenewInterval(),
                defaults.statusUpdateFrequency(), defaults.statusReportFrequency(), 4, 0,
                Optional.of(Map.entry("spec.nodeName", config.nodeName())));
        kubelet = new KubeletHost(client, options, Clock.systemUTC(), timers);
        kubelet.addNode(node, runtime.runtime());
        kubelet.start();
        Component.completeWith(ready, kubelet.ready());
    }

    @Override
    public CompletableFuture<Void> ready() {
        return ready;
    }

    @Override
    public void close() {
        Component.closeAll(kubelet, timers == null ? null : timers::shutdownNow, client, runtime);
    }
}
