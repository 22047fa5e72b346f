package dev.kapal.storage.watch;

import dev.kapal.storage.Store;
import dev.kapal.storage.StoreException;
import dev.kapal.storage.WatchEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Fans committed writes out to watches.
 *
 * <p>The backend calls {@link #publish} once per committed write, in revision order, after the
 * write is durable and readable. A new watch registers under the same lock and remembers the last
 * published revision (its <em>head</em>): events up to the head are read back from the
 * {@link HistorySource}, events after it arrive through the watch's queue. Both halves meet at
 * the head, so the stream has no gap and no duplicate.
 *
 * <p>Each watch has its own queue and its own virtual thread, so a slow watcher never blocks the
 * writer or other watchers. The price is memory: a watcher that stops consuming would make its
 * queue grow without end, so the queue is bounded ({@code maxQueuedEvents}); a watcher that falls
 * that far behind gets {@code onError} and is closed, like the API server's watch cache terminates
 * slow watchers. It then has to list and watch again.
 */
public final class WatchHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WatchHub.class);
    /** Events read from history per query, so replaying a long history never loads it at once. */
    static final int REPLAY_PAGE = 512;
    private static final AtomicLong IDS = new AtomicLong();

    private final HistorySource history;
    private final int maxQueuedEvents;
    private final Object lock = new Object();
    private final Set<Subscription> subscriptions = new LinkedHashSet<>(); // guarded by lock
    private long published; // guarded by lock
    private boolean closed; // guarded by lock

    /**
     * @param history          where replays read committed history
     * @param initialRevision  the store's revision when the hub starts (nothing after it is committed yet)
     * @param maxQueuedEvents  how many undelivered live events one watch may accumulate
     */
    public WatchHub(HistorySource history, long initialRevision, int maxQueuedEvents) {
        this.history = Objects.requireNonNull(history, "history");
        if (maxQueuedEvents < 1) {
            throw new IllegalArgumentException("maxQueuedEvents must be positive: " + maxQueuedEvents);
        }
        this.maxQueuedEvents = maxQueuedEvents;
        this.published = initialRevision;
    }

    /**
     * Hands committed events to the matching watches. Callers must publish every write exactly
     * once, in strictly increasing revision order, only after it can be read from history.
     */
    public void publish(List<WatchEvent> events) {
        synchronized (lock) {
            for (WatchEvent event : events) {
                if (event.revision() <= published) {
                    throw new IllegalStateException("published out of order: " + event.revision() + " after " + published);
                }
                published = event.revision();
                for (Subscription subscription : subscriptions) {
                    subscription.offer(event);
                }
            }
        }
    }

    /** Starts a watch; the caller has already checked {@code afterRevision} against compaction. */
    public Store.Watch watch(String prefix, long afterRevision, Store.Watcher watcher) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(watcher, "watcher");
        Subscription subscription;
        synchronized (lock) {
            if (closed) {
                throw new StoreException("store is closed");
            }
            subscription = new Subscription(prefix, afterRevision, published, watcher);
            subscriptions.add(subscription);
        }
        Thread.ofVirtual().name("kapal-watch-" + IDS.incrementAndGet()).start(subscription::run);
        return subscription;
    }

    /** How many watches are registered (for tests and metrics). */
    public int activeWatches() {
        synchronized (lock) {
            return subscriptions.size();
        }
    }

    /** Ends every watch with {@code onError}; later {@link #watch} calls fail. */
    @Override
    public void close() {
        List<Subscription> all;
        synchronized (lock) {
            closed = true;
            all = List.copyOf(subscriptions);
        }
        for (Subscription subscription : all) {
            subscription.fail(new StoreException("store is closed"));
        }
    }

    private void remove(Subscription subscription) {
        synchronized (lock) {
            subscriptions.remove(subscription);
        }
    }

    private final class Subscription implements Store.Watch {
        private final String prefix;
        private final long afterRevision;
        private final long head;
        private final Store.Watcher watcher;
        private final ReentrantLock queueLock = new ReentrantLock();
        private final Condition changed = queueLock.newCondition();
        private final ArrayDeque<WatchEvent> queue = new ArrayDeque<>(); // guarded by queueLock
        private StoreException failure; // guarded by queueLock
        private boolean closed; // guarded by queueLock

        Subscription(String prefix, long afterRevision, long head, Store.Watcher watcher) {
            this.prefix = prefix;
            this.afterRevision = afterRevision;
            this.head = head;
            this.watcher = watcher;
        }

        /** Called under the hub lock, so it must never block. */
        void offer(WatchEvent event) {
            if (event.revision() <= afterRevision || !event.current().key().startsWith(prefix)) {
                return;
            }
            queueLock.lock();
            try {
                if (closed || failure != null) {
                    return;
                }
                if (queue.size() >= maxQueuedEvents) {
                    queue.clear();
                    failure = new StoreException("watch on " + prefix + " fell more than " + maxQueuedEvents
                            + " events behind and was closed");
                } else {
                    queue.add(event);
                }
                changed.signal();
            } finally {
                queueLock.unlock();
            }
        }

        void fail(StoreException error) {
            queueLock.lock();
            try {
                if (!closed && failure == null) {
                    failure = error;
                    changed.signal();
                }
            } finally {
                queueLock.unlock();
            }
        }

        @Override
        public void close() {
            queueLock.lock();
            try {
                closed = true;
                queue.clear();
                changed.signal();
            } finally {
                queueLock.unlock();
            }
            remove(this);
        }

        void run() {
            try {
                replay();
                deliverLive();
            } catch (StoreException error) {
                fail(error);
                reportFailure();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            } finally {
                remove(this);
            }
        }

        private void replay() {
            long next = afterRevision;
            while (next < head) {
                List<WatchEvent> page = history.events(prefix, next, head, REPLAY_PAGE);
                for (WatchEvent event : page) {
                    if (stopped()) {
                        return;
                    }
                    deliver(event);
                }
                if (page.size() < REPLAY_PAGE) {
                    return;
                }
                next = page.get(page.size() - 1).revision();
            }
        }

        private void deliverLive() throws InterruptedException {
            ArrayDeque<WatchEvent> batch = new ArrayDeque<>();
            while (true) {
                queueLock.lock();
                try {
                    while (queue.isEmpty() && !closed && failure == null) {
                        changed.await();
                    }
                    if (closed || failure != null) {
                        break;
                    }
                    batch.addAll(queue);
                    queue.clear();
                } finally {
                    queueLock.unlock();
                }
                for (WatchEvent event : batch) {
                    if (stopped()) {
                        break;
                    }
                    deliver(event);
                }
                batch.clear();
            }
            reportFailure();
        }

        private void deliver(WatchEvent event) {
            try {
                watcher.onEvent(event);
            } catch (RuntimeException callbackFailure) {
                LOG.warn("watcher on {} threw; closing the watch", prefix, callbackFailure);
                throw new StoreException("watcher on " + prefix + " failed", callbackFailure);
            }
        }

        private boolean stopped() {
            queueLock.lock();
            try {
                return closed || failure != null;
            } finally {
                queueLock.unlock();
            }
        }

        /** Calls {@code onError} once, unless the watch was closed by its owner. */
        private void reportFailure() {
            StoreException error;
            queueLock.lock();
            try {
                if (closed || failure == null) {
                    return;
                }
                error = failure;
                closed = true; // nothing more is delivered, and onError is not repeated
            } finally {
                queueLock.unlock();
            }
            try {
                watcher.onError(error);
            } catch (RuntimeException callbackFailure) {
                LOG.warn("watcher on {} threw from onError", prefix, callbackFailure);
            }
        }
    }
}
