package dev.kapal.server;

import dev.kapal.apiserver.tls.ClusterPki;
import dev.kapal.apiserver.tls.InetLiterals;
import dev.kapal.apiserver.tls.IssuedCertificate;
import dev.kapal.apiserver.tls.SubjectAlternativeNames;
import dev.kapal.kubelet.KubeletHost;
import dev.kapal.kubelet.LocalMachine;
import dev.kapal.kubelet.NodeConfig;
import dev.kapal.kubelet.runtime.containerd.ContainerdNodeRuntime;
import dev.kapal.kubelet.server.KubeletAuthorizer;
import dev.kapal.kubelet.server.KubeletServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 * and the informers synced. The kubelet API ({@link KubeletServer}, {@code --kubelet-port}) serves
 * the API server's logs, exec, attach and port-forward with a serving certificate from the
 * server CA; callers are authenticated by the client CA and authorised by SubjectAccessReview.
 * Closing leaves the containers running (a restarted agent adopts them) and stops the managed
 * containerd.
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
    private volatile KubeletServer kubeletApi;

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
        NodeConfig registered = machine.nodeConfig(config.nodeName(), InetLiterals.format(config.advertiseAddress()),
                host.hostName(), kubeletVersion(), true);
        client = new LoopbackClients(certificates.pki(), apiServer.port())
                .forUser("system:node:" + config.nodeName(), List.of("system:nodes"));
        kubeletApi = startKubeletApi();
        NodeConfig node = new NodeConfig(registered.name(), registered.labels(), registered.annotations(),
                registered.capacity(), registered.allocatable(), registered.addresses(), registered.info(),
                registered.honourDownAnnotation(), kubeletApi.port());
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

    /**
     * The names the kubelet's serving certificate is valid for: the node's name and the host name
     * (the same by default, when no {@code --node-name} is given) and the advertise address.
     */
    static SubjectAlternativeNames kubeletServingNames(String nodeName, String hostName, java.net.InetAddress address) {
        return new SubjectAlternativeNames(new java.util.LinkedHashSet<>(java.util.List.of(nodeName, hostName)), Set.of(address));
    }

    /** The kubelet API on {@code --kubelet-port}, valid for the node's name, host name and address. */
    private KubeletServer startKubeletApi() {
        ClusterPki pki = certificates.pki();
        SubjectAlternativeNames names = kubeletServingNames(config.nodeName(), host.hostName(), config.advertiseAddress());
        IssuedCertificate serving = pki.issueKubeletServingCertificate(config.nodeName(), names);
        KubeletServer server = new KubeletServer(config.nodeName(), runtime.runtime(),
                new KubeletServer.Tls(serving.key(), List.of(serving.certificate(), pki.serverCa().certificate()),
                        pki.clientCa().certificate()),
                config.bindAddress(), config.kubeletPort(), KubeletAuthorizer.subjectAccessReview(client, config.nodeName()));
        try {
            server.start();
        } catch (Exception failed) {
            server.close();
            throw new IllegalStateException("the kubelet API could not listen on port " + config.kubeletPort() + ": "
                    + failed.getMessage(), failed);
        }
        log.info("agent: kubelet API on port {}", server.port());
        return server;
    }

    @Override
    public CompletableFuture<Void> ready() {
        return ready;
    }

    @Override
    public void close() {
        Component.closeAll(kubeletApi, kubelet, timers == null ? null : timers::shutdownNow, client, runtime);
    }
}
