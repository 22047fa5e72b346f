package dev.kapal.server;

import dev.kapal.controllers.ControllerManager;
import dev.kapal.controllers.nodeipam.NodeIpamController;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The controller manager (namespace, serviceaccount, root-ca-cert-publisher, nodeipam over the
 * cluster CIDR, nodelifecycle, taint-eviction-controller, replicaset, replicationcontroller,
 * deployment, garbagecollector, podgc, disruption), talking to the API
 * server over loopback as {@code system:kube-controller-manager}, with leader election on the
 * {@code kube-system/kube-controller-manager} Lease. Ready once it leads and its informers synced.
 * Its workqueue metrics are served at the API server's {@code /metrics} through {@link LateMetrics}.
 */
final class ControllersComponent implements Component {
    private final ServerConfig config;
    private final CertificatesComponent certificates;
    private final ApiServerComponent apiServer;
    private final LateMetrics metrics;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile KubernetesClient client;
    private volatile ControllerManager manager;
    private volatile List<ControllerManager.Definition> selected = List.of();

    ControllersComponent(ServerConfig config, CertificatesComponent certificates, ApiServerComponent apiServer, LateMetrics metrics) {
        this.config = Objects.requireNonNull(config, "config");
        this.certificates = Objects.requireNonNull(certificates, "certificates");
        this.apiServer = Objects.requireNonNull(apiServer, "apiServer");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public String name() {
        return "controllers";
    }

    @Override
    public String detail() {
        return String.join(", ", ControllerManager.names(selected));
    }

    @Override
    public void start() {
        String caPem = certificates.pki().serverCa().certificatePem();
        selected = ControllerManager.select(ControllerManager.builtIn(parameters(config, caPem)), config.controllers());
        client = new LoopbackClients(certificates.pki(), apiServer.port())
                .forUser("system:kube-controller-manager", List.of());
        // Upstream's identity: the host name and a unique suffix, so a restart is a new holder.
        String identity = config.nodeName() + "_" + UUID.randomUUID();
        manager = new ControllerManager(client, selected, identity);
        metrics.serve(manager::writeMetrics);
        manager.start();
        Component.completeWith(ready, manager.ready());
    }

    /** kube-controller-manager's flags as k3s sets them: node CIDRs allocated from {@code --cluster-cidr}. */
    static ControllerManager.Parameters parameters(ServerConfig config, String caPem) {
        return ControllerManager.Parameters.defaults(caPem)
                .withNodeIpam(NodeIpamController.Settings.defaults(config.clusterCidr().toString()))
                .withNodeLifecycle(withGracePeriod(config.nodeMonitorGracePeriod()));
    }

    private static dev.kapal.controllers.nodelifecycle.NodeLifecycleController.Settings withGracePeriod(java.time.Duration grace) {
        var defaults = dev.kapal.controllers.nodelifecycle.NodeLifecycleController.Settings.defaults();
        return defaults.withPeriods(defaults.monitorPeriod(), grace, defaults.startupGracePeriod());
    }

    @Override
    public CompletableFuture<Void> ready() {
        return ready;
    }

    @Override
    public void close() {
        Component.closeAll(manager, client);
    }
}
