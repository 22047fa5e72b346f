package dev.kapal.controllers.runtime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The queue of keys a controller's workers process. It makes four promises, and only these:
 *
 * <ol>
 *   <li><b>Deduplicated while queued.</b> Adding a key that is already waiting to be taken does
 *       nothing: however often an object changes before a worker gets to it, it is reconciled
 *       once. Keys are taken in the order they were first added.</li>
 *   <li><b>Never one key on two workers.</b> Between {@link #take} handing out a key and the
 *       worker calling {@link #done} for it, the key is <i>processing</i>; adding it then marks
 *       it dirty instead of queueing it, and {@code done} queues it again. So a key is processed
 *       by at most one worker at a time, and a change that arrived during processing is not
 *       lost. Every key taken must be passed to {@code done} exactly once.</li>
 *   <li><b>Rate-limited retries.</b> {@link #addRateLimited} adds a key after the delay its
 *       {@link RateLimiter} gives: per-key exponential backoff (5 ms doubling up to 1000 s by
 *       default) and an overall token bucket (10 per second, burst 100). {@link #forget} resets
 *       a key's backoff once it has succeeded; the queue never forgets on its own.
 *       {@link #addAfter} adds a key after a fixed delay; of several pending delays for one
 *       key, the earliest wins.</li>
 *   <li><b>Clean shutdown.</b> After {@link #shutDown} adds are ignored, every {@code take}
 *       (including ones already waiting) returns empty, and keys still queued or delayed are
 *       dropped. {@link #shutDownWithDrain} does the same and then waits until every key being
 *       processed is {@code done}.</li>
 * </ol>
 *
 * Thread-safe; {@code take} is meant for virtual threads (it blocks).
 */
public final class WorkQueue<K> {
    private final ReentrantLock lock = new ReentrantLock();
    /** Takers wait here for a key. */
    private final Condition available = lock.newCondition();
    /** Drains wait here for processing to end. */
    private final Condition idle = lock.newCondition();
    private final ArrayDeque<K> queue = new ArrayDeque<>();
    /** Keys that need processing: the queued ones and the processing ones added again. */
    private final Set<K> dirty = new HashSet<>();
    /** The keys being processed, with the nano time each was taken (for the work-duration metrics). */
    private final Map<K, Long> processing = new HashMap<>();
    /** When each dirty key was added (for the queue-duration metric). */
    private final Map<K, Long> addedAt = new HashMap<>();
    private final QueueMetrics metrics = new QueueMetrics();
    private final PriorityQueue<Delayed<K>> delayed = new PriorityQueue<>();
    private final Map<K, Long> earliestDelay = new HashMap<>();
    private final RateLimiter<K> rateLimiter;
    private final LongSupplier nanoClock;
    private boolean shuttingDown;

    private record Delayed<K>(K key, long readyAt) implements Comparable<Delayed<K>> {
        @Override
        public int compareTo(Delayed<K> other) {
            return Long.compare(readyAt, other.readyAt);
        }
    }

    public WorkQueue(RateLimiter<K> rateLimiter, LongSupplier nanoClock) {
        this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** A queue with client-go's default rate limiter. */
    public WorkQueue() {
        this(RateLimiter.defaults(), System::nanoTime);
    }

    /** Queues {@code key} unless it is already queued; if it is processing, after {@code done}. */
    public void add(K key) {
        Objects.requireNonNull(key, "key");
        lock.lock();
        try {
            addLocked(key);
        } finally {
            lock.unlock();
        }
    }

    private void addLocked(K key) {
        if (shuttingDown || !dirty.add(key)) {
            return;
        }
        metrics.adds.increment();
        addedAt.putIfAbsent(key, nanoClock.getAsLong());
        if (!processing.containsKey(key)) {
            queue.addLast(key);
            available.signal();
        }
    }

    /** Adds {@code key} once {@code delay} has passed (at once when it is not positive). */
    public void addAfter(K key, Duration delay) {
        Objects.requireNonNull(key, "key");
        if (!delay.isPositive()) {
            lock.lock();
            try {
                if (!shuttingDown) {
                    metrics.retries.increment();
                }
                addLocked(key);
            } finally {
                lock.unlock();
            }
            return;
        }
        lock.lock();
        try {
            if (shuttingDown) {
                return;
            }
            metrics.retries.increment();
            long readyAt = nanoClock.getAsLong() + delay.toNanos();
            Long earliest = earliestDelay.get(key);
            if (earliest != null && earliest - readyAt <= 0) {
                return;
            }
            earliestDelay.put(key, readyAt);
            delayed.add(new Delayed<>(key, readyAt));
            // A waiting taker may have to wake up earlier than it planned.
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Adds {@code key} after its rate limiter's delay, counting one more failure for it. */
    public void addRateLimited(K key) {
        addAfter(key, rateLimiter.when(key));
    }

    /** Resets {@code key}'s backoff; call when it was processed successfully. */
    public void forget(K key) {
        rateLimiter.forget(key);
    }

    /** How many rate-limited retries {@code key} has had since it was last forgotten. */
    public int retries(K key) {
        return rateLimiter.retries(key);
    }

    /**
     * Waits for a key and marks it processing; the caller must call {@link #done} with it.
     *
     * @return the key, or empty once the queue is shut down
     */
    public Optional<K> take() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (shuttingDown) {
                    return Optional.empty();
                }
                long waitNanos = promoteDueLocked();
                K key = queue.pollFirst();
                if (key != null) {
                    long now = nanoClock.getAsLong();
                    processing.put(key, now);
                    dirty.remove(key);
                    Long added = addedAt.remove(key);
                    if (added != null) {
                        metrics.queueDuration.observeNanos(now - added);
                    }
                    if (!queue.isEmpty()) {
                        // Pass the wake-up on, as LinkedBlockingQueue does: a signal may have gone to us.
                        available.signal();
                    }
                    return Optional.of(key);
                }
                if (waitNanos == Long.MAX_VALUE) {
                    available.await();
                } else {
                    available.awaitNanos(waitNanos);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Moves delayed keys whose time has come into the queue; returns nanos until the next one. */
    private long promoteDueLocked() {
        long now = nanoClock.getAsLong();
        while (!delayed.isEmpty()) {
            Delayed<K> next = delayed.peek();
            if (next.readyAt() - now > 0) {
                return next.readyAt() - now;
            }
            delayed.poll();
            Long earliest = earliestDelay.get(next.key());
            if (earliest != null && earliest == next.readyAt()) {
                earliestDelay.remove(next.key());
                addLocked(next.key());
            }
        }
        return Long.MAX_VALUE;
    }

    /** Ends processing of {@code key}; if it was added meanwhile, it is queued again. */
    public void done(K key) {
        lock.lock();
        try {
            Long taken = processing.remove(key);
            if (taken == null) {
                throw new IllegalStateException("done(" + key + ") for a key that is not processing");
            }
            metrics.workDuration.observeNanos(nanoClock.getAsLong() - taken);
            if (dirty.contains(key) && !shuttingDown) {
                queue.addLast(key);
                available.signal();
            } else {
                dirty.remove(key);
                addedAt.remove(key);
            }
            if (processing.isEmpty()) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many keys are queued (not counting delayed or processing ones). */
    public int length() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** How many keys are processing right now. */
    public int processing() {
        lock.lock();
        try {
            return processing.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends this queue's samples of client-go's workqueue families to {@code families}, under
     * {@code name} (see {@link WorkQueueMetrics}).
     */
    void sample(String name, WorkQueueMetrics.Families families) {
        int depth;
        double unfinished = 0;
        double longest = 0;
        lock.lock();
        try {
            depth = dirty.size();
            long now = nanoClock.getAsLong();
            for (long since : processing.values()) {
                double seconds = Math.max(0, now - since) / 1e9;
                unfinished += seconds;
                longest = Math.max(longest, seconds);
            }
        } finally {
            lock.unlock();
        }
        families.add(name, depth, metrics, unfinished, longest);
    }

    /** Ignores adds from now on, drops queued and delayed keys, and makes every {@code take} return empty. */
    public void shutDown() {
        lock.lock();
        try {
            shuttingDown = true;
            queue.clear();
            delayed.clear();
            earliestDelay.clear();
            dirty.retainAll(processing.keySet());
            addedAt.keySet().retainAll(processing.keySet());
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@link #shutDown}, then waits until every processing key is {@code done}.
     *
     * @return true if processing drained within {@code timeout}
     */
    public boolean shutDownWithDrain(Duration timeout) throws InterruptedException {
        shutDown();
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!processing.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    public boolean isShutDown() {
        lock.lock();
        try {
            return shuttingDown;
        } finally {
            lock.unlock();
        }
    }
}
