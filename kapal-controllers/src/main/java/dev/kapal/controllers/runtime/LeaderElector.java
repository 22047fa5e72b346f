package dev.kapal.controllers.runtime;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election over a coordination.k8s.io/v1 Lease, as client-go's leaderelection does.
 *
 * <p>Contract: at most one elector per Lease believes it leads at a time, provided clocks tick at
 * about the same rate: a candidate takes the Lease only after observing no renewal for
 * {@code leaseDuration} on its own clock (never comparing timestamps across machines). The
 * leader renews every {@code retryPeriod}; if it cannot renew for {@code renewDeadline} it
 * stops leading ({@code onStoppedLeading}) before anyone else may take over, since
 * {@code renewDeadline < leaseDuration}. Callbacks run on the elector's virtual thread, one at a
 * time, {@code onStartedLeading} always before its {@code onStoppedLeading}. {@link #close}
 * stops leading and releases the Lease so a successor need not wait.
 */
public final class LeaderElector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaderElector.class);

    /** Where the Lease lives and upstream's timings (15 s lease, 10 s renew deadline, 2 s retry). */
    public record Settings(String namespace, String name, String identity, Duration leaseDuration,
                           Duration renewDeadline, Duration retryPeriod) {
        public Settings {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(identity, "identity");
            if (renewDeadline.compareTo(leaseDuration) >= 0 || retryPeriod.compareTo(renewDeadline) >= 0) {
                throw new IllegalArgumentException("need retryPeriod < renewDeadline < leaseDuration");
            }
        }

        public static Settings defaults(String namespace, String name, String identity) {
            return new Settings(namespace, name, identity, Duration.ofSeconds(15), Duration.ofSeconds(10),
                    Duration.ofSeconds(2));
        }
    }

    private final KubernetesClient client;
    private final Settings settings;
    private final Runnable onStartedLeading;
    private final Runnable onStoppedLeading;
    private volatile boolean running = true;
    private volatile boolean leading;
    private Thread thread;
    // What this elector last saw of the Lease and when (its own clock), to judge expiry.
    private String observedRecord = "";
    private long observedAt;

    public LeaderElector(KubernetesClient client, Settings settings, Runnable onStartedLeading, Runnable onStoppedLeading) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.onStartedLeading = Objects.requireNonNull(onStartedLeading, "onStartedLeading");
        this.onStoppedLeading = Objects.requireNonNull(onStoppedLeading, "onStoppedLeading");
    }

    public synchronized void start() {
        if (thread == null) {
            thread = Thread.ofVirtual().name("leader-elector-" + settings.name()).start(this::run);
        }
    }

    public boolean isLeader() {
        return leading;
    }

    private void run() {
        long lastRenewal = 0;
        while (running) {
            boolean renewed;
            try {
                renewed = tryAcquireOrRenew();
            } catch (KubernetesClientException failure) {
                log.debug("lease {}/{}: {}", settings.namespace(), settings.name(), failure.getMessage());
                renewed = false;
            } catch (RuntimeException failure) {
                log.warn("lease {}/{}: {}", settings.namespace(), settings.name(), failure.toString());
                renewed = false;
            }
            if (!running) {
                break;
            }
            long now = System.nanoTime();
            if (renewed) {
                lastRenewal = now;
                if (!leading) {
                    leading = true;
                    log.info("became leader of lease {}/{} as {}", settings.namespace(), settings.name(), settings.identity());
                    onStartedLeading.run();
                }
            } else if (leading && now - lastRenewal > settings.renewDeadline().toNanos()) {
                leading = false;
                log.warn("lost lease {}/{}: no renewal for {}", settings.namespace(), settings.name(), settings.renewDeadline());
                onStoppedLeading.run();
            }
            try {
                Thread.sleep(settings.retryPeriod());
            } catch (InterruptedException interrupted) {
                if (!running) {
                    break;
                }
            }
        }
    }

    private boolean tryAcquireOrRenew() {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        var leases = client.leases().inNamespace(settings.namespace());
        Lease lease = leases.withName(settings.name()).get();
        int durationSeconds = (int) settings.leaseDuration().toSeconds();
        if (lease == null) {
            Lease fresh = new LeaseBuilder()
                    .withNewMetadata().withNamespace(settings.namespace()).withName(settings.name()).endMetadata()
                    .withNewSpec()
                    .withHolderIdentity(settings.identity())
                    .withLeaseDurationSeconds(durationSeconds)
                    .withAcquireTime(now)
                    .withRenewTime(now)
                    .withLeaseTransitions(0)
                    .endSpec()
                    .build();
            try {
                leases.resource(fresh).create();
                return true;
            } catch (KubernetesClientException conflict) {
                if (conflict.getCode() == 409) {
                    return false;
                }
                throw conflict;
            }
        }
        LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
        String holder = spec.getHolderIdentity() == null ? "" : spec.getHolderIdentity();
        String record = holder + "@" + spec.getRenewTime() + "/" + spec.getLeaseDurationSeconds();
        long nanoNow = System.nanoTime();
        if (!record.equals(observedRecord)) {
            observedRecord = record;
            observedAt = nanoNow;
        }
        boolean ours = holder.equals(settings.identity());
        long heldFor = spec.getLeaseDurationSeconds() == null ? durationSeconds : spec.getLeaseDurationSeconds();
        if (!holder.isEmpty() && !ours && nanoNow - observedAt < Duration.ofSeconds(heldFor).toNanos()) {
            return false;
        }
        if (!ours) {
            spec.setAcquireTime(now);
            spec.setLeaseTransitions((spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions()) + 1);
        }
        spec.setHolderIdentity(settings.identity());
        spec.setLeaseDurationSeconds(durationSeconds);
        spec.setRenewTime(now);
        lease.setSpec(spec);
        try {
            leases.resource(lease).update();
            return true;
        } catch (KubernetesClientException conflict) {
            if (conflict.getCode() == 409) {
                return false;
            }
            throw conflict;
        }
    }

    /** Stops the election; if leading, calls {@code onStoppedLeading} and releases the Lease. */
    @Override
    public void close() {
        running = false;
        Thread current;
        synchronized (this) {
            current = thread;
        }
        if (current != null) {
            current.interrupt();
            try {
                current.join(5000);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (leading) {
            leading = false;
            onStoppedLeading.run();
            release();
        }
    }

    private void release() {
        try {
            Lease lease = client.leases().inNamespace(settings.namespace()).withName(settings.name()).get();
            if (lease != null && lease.getSpec() != null && settings.identity().equals(lease.getSpec().getHolderIdentity())) {
                ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
                lease.getSpec().setHolderIdentity(null);
                lease.getSpec().setLeaseDurationSeconds(1);
                lease.getSpec().setRenewTime(now);
                lease.getSpec().setAcquireTime(now);
                client.leases().inNamespace(settings.namespace()).resource(lease).update();
            }
        } catch (RuntimeException failure) {
            log.debug("lease {}/{} not released: {}", settings.namespace(), settings.name(), failure.getMessage());
        }
    }
}
