package dev.kapal.server;

import dev.kapal.scheduler.Scheduler;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The scheduler, talking to the API server over loopback as {@code system:kube-scheduler}.
 * Ready once its informers have synced. No leader election yet: one server runs one scheduler.
 */
final class SchedulerComponent implements Component {
    private final CertificatesComponent certificates;
    private final ApiServerComponent apiServer;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile KubernetesClient client;
    private volatile Scheduler scheduler;

    SchedulerComponent(CertificatesComponent certificates, ApiServerComponent apiServer) {
        this.certificates = Objects.requireNonNull(certificates, "certificates");
        this.apiServer = Objects.requireNonNull(apiServer, "apiServer");
    }

    @Override
    public String name() {
        return "scheduler";
    }

    @Override
    public void start() {
        client = new LoopbackClients(certificates.pki(), apiServer.port()).forUser("system:kube-scheduler", List.of());
        scheduler = Scheduler.withDefaultProfile(client);
        scheduler.start();
        Component.completeWith(ready, scheduler.ready());
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
