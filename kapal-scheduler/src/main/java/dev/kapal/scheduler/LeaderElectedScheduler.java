package dev.kapal.scheduler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Scheduler} that runs only while this process holds the {@code kube-system/kube-scheduler}
 * Lease, as kube-scheduler's {@code --leader-elect} does, so several servers can run one each and
 * only one schedules.
 *
 * <p>Contract: {@link #start()} once; the scheduler is created and started when leadership is
 * acquired, and closed when it is lost (another holder then schedules; a fresh election round
 * starts, where upstream's process would exit and be restarted). {@link #ready()} completes when
 * this instance first leads and its scheduler is ready — it may never complete while another
 * instance leads. {@link #close()} stops scheduling and releases the Lease so a successor need not
 * wait for it to expire. Timing defaults are upstream's: lease 15 s, renew deadline 10 s, retry 2 s.
 */
public final class LeaderElectedScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaderElectedScheduler.class);
    public static final String LEASE_NAMESPACE = "kube-system";
    public static final String LEASE_NAME = "kube-scheduler";

    /** Leader election timing. */
    public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        public static final Timing UPSTREAM = new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));

        public Timing {
            Objects.requireNonNull(leaseDuration, "leaseDuration");
            Objects.requireNonNull(renewDeadline, "renewDeadline");
            Objects.requireNonNull(retryPeriod, "retryPeriod");
            if (renewDeadline.compareTo(leaseDuration) >= 0 || retryPeriod.compareTo(renewDeadline) >= 0) {
                throw new IllegalArgumentException("need retryPeriod < renewDeadline < leaseDuration: " + this);
            }
        }
    }

    private final KubernetesClient client;
    private final String identity;
    private final Supplier<Scheduler> schedulers;
    private final Timing timing;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile Scheduler current;
    private volatile CompletableFuture<?> election;
    private volatile boolean closed;

    /**
     * @param identity   this instance's holder identity (upstream: host name plus a unique suffix)
     * @param schedulers makes a new, unstarted scheduler for each term of leadership
     */
    public LeaderElectedScheduler(KubernetesClient client, String identity, Supplier<Scheduler> schedulers, Timing timing) {
        this.client = Objects.requireNonNull(client, "client");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.schedulers = Objects.requireNonNull(schedulers, "schedulers");
        this.timing = Objects.requireNonNull(timing, "timing");
    }

    public synchronized void start() {
        if (closed || election != null) {
            throw new IllegalStateException("start once, before close");
        }
        campaign();
    }

    private synchronized void campaign() {
        if (closed) {
            return;
        }
        var config = new LeaderElectionConfigBuilder()
                .withName(LEASE_NAME)
                .withLock(new LeaseLock(LEASE_NAMESPACE, LEASE_NAME, identity))
                .withLeaseDuration(timing.leaseDuration())
                .withRenewDeadline(timing.renewDeadline())
                .withRetryPeriod(timing.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::startLeading, this::stopLeading,
                        leader -> log.info("scheduler leader is now {}", leader)))
                .build();
        CompletableFuture<?> round = client.leaderElector().withConfig(config).build().start();
        election = round;
        round.whenComplete((ignored, failure) -> {
            if (!closed) {
                log.warn("scheduler leader election ended{}; campaigning again",
                        failure == null ? "" : ": " + failure.getMessage());
                campaign();
            }
        });
    }

    private synchronized void startLeading() {
        if (closed) {
            return;
        }
        log.info("{} leads {}/{}: scheduling", identity, LEASE_NAMESPACE, LEASE_NAME);
        Scheduler scheduler = schedulers.get();
        current = scheduler;
        scheduler.start();
        scheduler.ready().whenComplete((ignored, failure) -> {
            if (failure != null) {
                ready.completeExceptionally(failure);
            } else {
                ready.complete(null);
            }
        });
    }

    private synchronized void stopLeading() {
        Scheduler scheduler = current;
        current = null;
        if (scheduler != null) {
            if (!closed) {
                log.error("{} lost {}/{}: scheduling stops until it leads again", identity, LEASE_NAMESPACE, LEASE_NAME);
            }
            scheduler.close();
        }
    }

    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** Whether this instance leads and schedules now. */
    public boolean isLeading() {
        return current != null;
    }

    /** The scheduler of the current term, if leading. */
    public java.util.Optional<Scheduler> scheduler() {
        return java.util.Optional.ofNullable(current);
    }

    /** The current term's metrics in the Prometheus text format; nothing while not leading. */
    public void writeMetrics(StringBuilder out) {
        Scheduler scheduler = current;
        if (scheduler != null) {
            scheduler.metrics().render(out);
        }
    }

    @Override
    public void close() {
        CompletableFuture<?> round;
        synchronized (this) {
            closed = true;
            round = election;
        }
        stopLeading();
        if (round != null) {
            // Cancelling makes the elector release the Lease (releaseOnCancel).
            round.cancel(true);
        }
    }
}
