package dev.kapal.server;

import dev.kapal.apiserver.ApiServer;
import dev.kapal.apiserver.ApiServerConfig;
import dev.kapal.apiserver.auth.Authorizer;
import dev.kapal.apiserver.tls.InetLiterals;
import dev.kapal.controllers.ControllerManager;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** The Kubernetes API over HTTPS, served from the datastore with the cluster's certificates. */
final class ApiServerComponent implements Component {
    /** Upstream's watch cache keeps about 75 s of events for watches that resume. */
    static final Duration EVENT_HISTORY = Duration.ofSeconds(75);

    private final ServerConfig config;
    private final CertificatesComponent certificates;
    private final DatastoreComponent datastore;
    private final List<dev.kapal.apiserver.metrics.MetricsSource> metricsSources;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile ApiServer server;

    ApiServerComponent(ServerConfig config, CertificatesComponent certificates, DatastoreComponent datastore) {
        this(config, certificates, datastore, List.of());
    }

    /** @param metricsSources other components' families, served after the API server's at {@code /metrics} */
    ApiServerComponent(ServerConfig config, CertificatesComponent certificates, DatastoreComponent datastore,
                       List<dev.kapal.apiserver.metrics.MetricsSource> metricsSources) {
        this.metricsSources = List.copyOf(metricsSources);
        this.config = Objects.requireNonNull(config, "config");
        this.certificates = Objects.requireNonNull(certificates, "certificates");
        this.datastore = Objects.requireNonNull(datastore, "datastore");
    }

    @Override
    public String name() {
        return "apiserver";
    }

    @Override
    public String detail() {
        return "https://" + InetLiterals.formatForUrl(config.bindAddress()) + ":" + port();
    }

    @Override
    public void start() throws Exception {
        // Client certificates are verified by the TLS layer; the API server adds its service account tokens.
        ApiServerConfig apiConfig = new ApiServerConfig(
                config.bindAddress(),
                config.httpsPort(),
                certificates.pki().tlsMaterial(),
                datastore.store(),
                List.of(),
                Authorizer.ALLOW_AUTHENTICATED,
                config.advertiseAddress(),
                config.serviceIp(),
                config.serviceCidr().toString(),
                config.clusterDomain(),
                EVENT_HISTORY,
                ApiServerConfig.DEFAULT_MAX_REQUEST_BYTES)
                // The collector removes the orphan/foregroundDeletion finalizers DELETE then adds.
                .withGarbageCollection(ControllerManager.selectsGarbageCollector(config.controllers()))
                // Pods need their account to exist; only a running serviceaccount controller makes the default ones.
                .withServiceAccountAdmission(ControllerManager.selectsServiceAccountController(config.controllers()))
                .withMetricsSources(metricsSources);
        server = new ApiServer(apiConfig);
        server.start();
        server.ready().whenComplete((ignored, failure) -> {
            if (failure != null) {
                ready.completeExceptionally(failure);
            } else {
                ready.complete(null);
                // kubectl reads the OpenAPI documents before every create and apply: have them
                // rendered before the first one asks, at low priority beside the other components' start.
                Thread warmUp = Thread.ofPlatform().name("openapi-warm-up").daemon().priority(Thread.MIN_PRIORITY)
                        .unstarted(server::prepareOpenApi);
                warmUp.start();
            }
        });
    }

    @Override
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** The port the API server listens on (the bound one when configured with 0). */
    int port() {
        ApiServer current = server;
        return current != null ? current.port() : config.httpsPort();
    }

    @Override
    public void close() {
        // Ends watches cleanly and flushes and closes the store.
        ApiServer current = server;
        if (current != null) {
            current.close();
        }
    }
}
