package dev.kapal.server;

import dev.kapal.kubelet.KubeletHost;
import dev.kapal.kubelet.SimulatedNodes;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The simulated nodes of {@code --sim-nodes N}: one {@link KubeletHost} running the kubelets of
 * {@code sim-0} … {@code sim-(N-1)} on simulated runtimes, talking to the API server over
 * loopback in the group {@code system:nodes}. Ready once every sim node is registered (Node,
 * status, Lease) and the host's informers synced.
 */
final class SimulatedNodesComponent implements Component {
    private final ServerConfig config;
    private final CertificatesComponent certificates;
    private final ApiServerComponent apiServer;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile KubernetesClient client;
    private volatile ScheduledExecutorService timers;
    private volatile KubeletHost host;

    SimulatedNodesComponent(ServerConfig config, CertificatesComponent certificates, ApiServerComponent apiServer) {
        this.config = Objects.requireNonNull(config, "config");
        this.certificates = Objects.requireNonNull(certificates, "certificates");
        this.apiServer = Objects.requireNonNull(apiServer, "apiServer");
    }

    @Override
    public String name() {
        return "sim-nodes";
    }

    @Override
    public String detail() {
        return config.simNodes() + " nodes";
    }

    @Override
    public void start() {
        client = new LoopbackClients(certificates.pki(), apiServer.port()).forUser("system:kapal-sim-nodes", List.of("system:nodes"));
        timers = KubeletHost.newTimers();
        host = SimulatedNodes.host(client, config.simNodes(), config.simNodeCapacity(), KubeletHost.Options.defaults(), timers,
                Clock.systemUTC());
        host.start();
        Component.completeWith(ready, host.ready());
    }

    @Override
    public CompletableFuture<Void> ready() {
        return ready;
    }

    @Override
    public void close() {
        Component.closeAll(host, timers == null ? null : timers::shutdownNow, client);
    }
}
