package dev.kapal.apiserver;

import dev.kapal.storage.KeyValue;
import dev.kapal.storage.ListResult;
import dev.kapal.storage.Store;
import dev.kapal.storage.StoreException;
import dev.kapal.storage.WatchEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expires events a time-to-live after their last write, as kube-apiserver's {@code --event-ttl}
 * (default one hour) does with an etcd lease that every write of an event renews.
 *
 * <p>Our stores have no leases, so the last write of each event is tracked in memory: a store
 * watch on {@code /registry/events/} (core and {@code events.k8s.io} Events are one stored
 * object) records the time of every create and update. A sweeper deletes each event whose last
 * write is older than the TTL, conditionally on the revision it saw, so an event rewritten in
 * between survives. Events already stored when this starts (after a restart) count from the
 * start: they live up to one TTL longer than upstream would keep them, never shorter.
 *
 * <p>Runs on two virtual threads (the watch and the sweeper) from construction until
 * {@link #close()}. Does not close the store.
 */
public final class EventTtl implements AutoCloseable {
    /** kube-apiserver's {@code --event-ttl} default. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    static final String PREFIX = "/registry/events/";
    private static final Duration LONGEST_SWEEP_INTERVAL = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(EventTtl.class);

    private record LastWrite(Instant at, long revision) {
    }

    private final Store store;
    private final Duration ttl;
    private final Clock clock;
    private final Duration sweepInterval;
    private final Map<String, LastWrite> lastWrites = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Thread sweeper;
    private boolean closed; // guarded by lock
    private boolean resync = true; // guarded by lock
    private Store.Watch watch; // guarded by lock

    public EventTtl(Store store, Duration ttl, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("event TTL must be positive: " + ttl);
        }
        Duration half = ttl.dividedBy(2);
        this.sweepInterval = half.compareTo(LONGEST_SWEEP_INTERVAL) > 0 ? LONGEST_SWEEP_INTERVAL
                : half.isZero() ? Duration.ofMillis(1) : half;
        this.sweeper = Thread.ofVirtual().name("kapal-event-ttl").start(this::run);
    }

    /** The TTL events get. */
    public Duration ttl() {
        return ttl;
    }

    private void run() {
        while (true) {
            boolean needResync;
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                needResync = resync;
                resync = false;
            } finally {
                lock.unlock();
            }
            try {
                if (needResync) {
                    resync();
                }
                sweep();
            } catch (StoreException | IllegalStateException e) {
                LOG.debug("event expiry round failed: {}", e.getMessage());
                requestResync();
            }
            if (!sleep()) {
                return;
            }
        }
    }

    /** Lists the stored events (counting them as written now) and watches from that revision. */
    private void resync() {
        Store.Watch previous;
        lock.lock();
        try {
            previous = watch;
            watch = null;
        } finally {
            lock.unlock();
        }
        if (previous != null) {
            previous.close();
        }
        Instant now = clock.instant();
        Map<String, LastWrite> seen = new ConcurrentHashMap<>();
        String after = "";
        long revision = 0;
        while (true) {
            ListResult page = store.list(PREFIX, revision, after, 500);
            revision = page.revision();
            for (KeyValue item : page.items()) {
                LastWrite known = lastWrites.get(item.key());
                seen.put(item.key(), known != null && known.revision() == item.modRevision() ? known
                        : new LastWrite(now, item.modRevision()));
            }
            if (!page.more() || page.items().isEmpty()) {
                break;
            }
            after = page.lastKey();
        }
        lastWrites.clear();
        lastWrites.putAll(seen);
        Store.Watch started = store.watch(PREFIX, revision, new Store.Watcher() {
            @Override
            public void onEvent(WatchEvent event) {
                switch (event.type()) {
                    case CREATE, UPDATE -> lastWrites.put(event.current().key(),
                            new LastWrite(clock.instant(), event.current().modRevision()));
                    case DELETE -> lastWrites.remove(event.current().key());
                }
            }

            @Override
            public void onError(StoreException error) {
                requestResync();
            }
        });
        lock.lock();
        try {
            if (closed) {
                started.close();
            } else {
                watch = started;
            }
        } finally {
            lock.unlock();
        }
    }

    private void sweep() {
        Instant deadline = clock.instant().minus(ttl);
        for (Map.Entry<String, LastWrite> entry : lastWrites.entrySet()) {
            LastWrite last = entry.getValue();
            if (last.at().isAfter(deadline)) {
                continue;
            }
            try {
                store.delete(entry.getKey(), last.revision());
                lastWrites.remove(entry.getKey(), last);
            } catch (StoreException.Conflict rewritten) {
                // Written again after we looked: the watch brings its new time.
            } catch (StoreException.KeyNotFound gone) {
                lastWrites.remove(entry.getKey(), last);
            }
        }
    }

    private void requestResync() {
        lock.lock();
        try {
            resync = true;
        } finally {
            lock.unlock();
        }
    }

    private boolean sleep() {
        lock.lock();
        try {
            long nanos = sweepInterval.toNanos();
            while (!closed && nanos > 0) {
                nanos = wake.awaitNanos(nanos);
            }
            return !closed;
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Stops expiring events; waits for a sweep in progress. */
    @Override
    public void close() {
        Store.Watch stopping;
        lock.lock();
        try {
            closed = true;
            stopping = watch;
            watch = null;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        if (stopping != null) {
            stopping.close();
        }
        try {
            sweeper.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
