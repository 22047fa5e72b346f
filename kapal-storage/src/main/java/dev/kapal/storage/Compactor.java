package dev.kapal.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Compacts a store periodically, the way the Kubernetes API server does: every interval it
 * compacts to the revision it observed one interval earlier, so about one interval of history
 * (default five minutes) stays for watches to resume from. Runs on one virtual thread from
 * construction until {@link #close()}.
 */
public final class Compactor implements AutoCloseable {
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

    private final Store store;
    private final Duration interval;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition stopped = lock.newCondition();
    private final Thread thread;
    private boolean closed; // guarded by lock

    public Compactor(Store store) {
        this(store, DEFAULT_INTERVAL);
    }

    public Compactor(Store store, Duration interval) {
        this.store = Objects.requireNonNull(store, "store");
        this.interval = Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("compaction interval must be positive: " + interval);
        }
        this.thread = Thread.ofVirtual().name("kapal-compactor").start(this::run);
    }

    private void run() {
        long observed = store.currentRevision();
        while (sleep()) {
            long target = observed;
            observed = store.currentRevision();
            if (target <= store.compactedRevision()) {
                continue;
            }
            try {
                store.compact(target);
                LOG.debug("compacted to revision {}", target);
            } catch (StoreException e) {
                // Transient (a busy or closing store): the next round tries a newer revision.
                LOG.warn("compaction to revision {} failed: {}", target, e.getMessage());
            }
        }
    }

    /** Waits one interval; false once closed. */
    private boolean sleep() {
        lock.lock();
        try {
            long nanos = interval.toNanos();
            while (!closed && nanos > 0) {
                nanos = stopped.awaitNanos(nanos);
            }
            return !closed;
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Stops compacting; waits for a compaction in progress to finish. Does not close the store. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            stopped.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
