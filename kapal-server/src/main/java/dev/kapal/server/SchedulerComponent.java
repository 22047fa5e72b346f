package dev.kapal.server;

import dev.kapal.scheduler.LeaderElectedScheduler;
import dev.kapal.scheduler.Scheduler;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The scheduler, talking to the API server over loopback as {@code system:kube-scheduler}, with
 * leader election on the {@code kube-system/kube-scheduler} Lease (upstream's timing), so that
 * several servers can each run one and only the holder schedules. Ready once it leads and its
 * informers synced. Its metrics are served at the API server's {@code /metrics} through {@link
 * LateMetrics}.
 */
final class SchedulerComponent implements Component {
    private final ServerConfig config;
    private final CertificatesComponent certificates;
    private final ApiServerComponent apiServer;
    private final LateMetrics metrics;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile KubernetesClient client;
    private volatile LeaderElectedScheduler scheduler;

    SchedulerComponent(ServerConfig config, CertificatesComponent certificates, ApiServerComponent apiServer, LateMetrics metrics) {
        this.config = Objects.requireNonNull(config, "config");
        this.certificates = Objects.requireNonNull(certificates, "certificates");
        this.apiServer = Objects.requireNonNull(apiServer, "apiServer");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public String name() {
        return "scheduler";
    }

    @Override
    public void start() {
        KubernetesClient loopback = new LoopbackClients(certificates.pki(), apiServer.port()).forUser("system:kube-scheduler", List.of());
        client = loopback;
        // Upstream's identity: the host name and a unique suffix, so a restart is a new holder.
        String identity = config.nodeName() + "_" + UUID.randomUUID();
        LeaderElectedScheduler elected = new LeaderElectedScheduler(loopback, identity,
                () -> Scheduler.withDefaultProfile(loopback), LeaderElectedScheduler.Timing.UPSTREAM);
        scheduler = elected;
        metrics.serve(elected::writeMetrics);
        elected.start();
        Component.completeWith(ready, elected.ready());
    }

    @Override
    public CompletableFuture<Void> ready() {
        return ready;
    }

    @Override
    public void close() {
        Component.closeAll(scheduler, client);
    }
}
