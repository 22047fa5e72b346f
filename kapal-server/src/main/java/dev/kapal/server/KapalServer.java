package dev.kapal.server;

import dev.kapal.apiserver.tls.InetLiterals;
import java.io.IOException;
import java.nio.file.Files;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kapal server}: the components of the control plane, in start order
 * (certificates, datastore, API server, admin kubeconfig, then the components that are clients of the
 * API server: scheduler, controllers, the simulated nodes of {@code --sim-nodes}, and the node agent
 * unless {@code --disable-agent}), run until a stop is requested.
 */
final class KapalServer {
    private static final Logger log = LoggerFactory.getLogger("kapal");
    /** Set in the environment: stop cleanly as soon as everything is ready (used to train start-up caches). */
    static final String EXIT_WHEN_READY = "KAPAL_EXIT_WHEN_READY";

    private final ServerConfig config;
    private final LocalHost host;
    private final LongSupplier millisSinceLaunch;

    KapalServer(ServerConfig config, LocalHost host, LongSupplier millisSinceLaunch) {
        this.config = Objects.requireNonNull(config, "config");
        this.host = Objects.requireNonNull(host, "host");
        this.millisSinceLaunch = Objects.requireNonNull(millisSinceLaunch, "millisSinceLaunch");
    }

    /**
     * Runs until SIGTERM or SIGINT, then stops gracefully and returns 0; returns 1 if start-up
     * fails. A second signal during shutdown ends the process at once.
     */
    static int runUntilSignalled(ServerConfig config) {
        CompletableFuture<String> stop = new CompletableFuture<>();
        AtomicBoolean stopping = new AtomicBoolean();
        for (String name : List.of("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    if (!stopping.compareAndSet(false, true)) {
                        log.warn("SIG{} again: exiting without waiting for a clean stop", name);
                        Runtime.getRuntime().halt(1);
                    }
                    stop.complete("SIG" + name);
                });
            } catch (IllegalArgumentException unavailable) {
                // The JVM reserves this signal (for example under -Xrs); its default action stays.
            }
        }
        return new KapalServer(config, LocalHost.detect(), launchClock()).run(stop);
    }

    /**
     * Starts the components, waits for {@code stop}, closes them in reverse order.
     *
     * @return the process exit status
     */
    int run(CompletableFuture<String> stop) {
        log.info("{} starting: data dir {}, node {}", Version.line(), config.dataDirectory(), config.nodeName());
        try {
            Files.createDirectories(config.dataDirectory());
        } catch (IOException unwritable) {
            log.error("cannot create the data dir {}: {}", config.dataDirectory(), Composition.describe(unwritable));
            return Main.FAILURE;
        }
        CertificatesComponent certificates = new CertificatesComponent(config, host);
        DatastoreComponent datastore = new DatastoreComponent(config);
        // The scheduler and the controllers are made after the API server they talk to, but their
        // metrics are served there.
        LateMetrics schedulerMetrics = new LateMetrics();
        LateMetrics controllerMetrics = new LateMetrics();
        ApiServerComponent apiServer = new ApiServerComponent(config, certificates, datastore,
                List.of(schedulerMetrics, controllerMetrics));
        SchedulerComponent scheduler = new SchedulerComponent(config, certificates, apiServer, schedulerMetrics);
        KubeconfigComponent kubeconfig = new KubeconfigComponent(config, certificates, apiServer);
        ControllersComponent controllers = new ControllersComponent(config, certificates, apiServer, controllerMetrics);
        List<Component> components = new java.util.ArrayList<>(List.of(certificates, datastore, apiServer, kubeconfig, scheduler,
                controllers));
        if (config.simNodes() > 0) {
            components.add(new SimulatedNodesComponent(config, certificates, apiServer));
        }
        if (!config.disableAgent()) {
            components.add(new AgentComponent(config, certificates, apiServer, host));
        }
        try (Composition composition = new Composition(components, millisSinceLaunch)) {
            if (composition.start(stop)) {
                log.info("kapal server ready in {} ms: export KUBECONFIG={} (API at https://{}:{})",
                        millisSinceLaunch.getAsLong(), config.kubeconfigPath(),
                        InetLiterals.formatForUrl(config.advertiseAddress()), apiServer.port());
                if (System.getenv(EXIT_WHEN_READY) != null) {
                    // bin/kapal's start-up cache training: one start, then a clean stop.
                    stop.complete(EXIT_WHEN_READY);
                }
            }
            String reason = stop.join();
            log.info("{}: stopping", reason);
        } catch (Composition.StartupFailure failure) {
            log.error("{}", failure.getMessage());
            log.debug("start-up failure", failure.getCause());
            return Main.FAILURE;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return Main.FAILURE;
        }
        log.info("stopped in {} ms since launch", millisSinceLaunch.getAsLong());
        return 0;
    }

    /**
     * Milliseconds since the JVM started (the honest start of "ready in"). The process start time
     * from /proc has only one-second resolution, so the JVM's own record is used.
     */
    static LongSupplier launchClock() {
        long launch = ManagementFactory.getRuntimeMXBean().getStartTime();
        return () -> System.currentTimeMillis() - launch;
    }
}
