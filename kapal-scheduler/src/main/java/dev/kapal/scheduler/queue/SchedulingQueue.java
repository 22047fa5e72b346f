package dev.kapal.scheduler.queue;

import dev.kapal.scheduler.framework.PodKey;
import dev.kapal.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The pods waiting to be scheduled. Its promises:
 * <ol>
 * <li>A pod is in at most one place: active, backoff, unschedulable, gated, or in flight (popped
 *     and not yet {@link #done}); adding a pod that is already known updates its object in place.</li>
 * <li>{@link #pop} returns the active pod with the highest {@code spec.priority}, the earliest
 *     enqueued first among equals; pods whose backoff expired are moved to active first.</li>
 * <li>A pod that failed is requeued by {@link #requeueAfterFailure}: after its {@code n}-th failed
 *     attempt it waits {@code initial * 2^(n-1)}, capped at {@code max} (1 s → 10 s). An
 *     unschedulable pod waits in the unschedulable set until a cluster event ({@link
 *     #moveAllToActiveOrBackoff}) or {@code maxInUnschedulable} (5 min) passes; if such an event came
 *     while it was in flight, it goes straight to backoff, so events during a cycle are not lost.</li>
 * <li>A pod the PreEnqueue check rejects (scheduling gates) is parked as gated and re-checked on every
 *     update of it; it never reaches active while rejected.</li>
 * </ol>
 * All methods are thread-safe; {@link #pop} blocks.
 */
public final class SchedulingQueue {
    public static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    public static final Duration MAX_IN_UNSCHEDULABLE = Duration.ofMinutes(5);

    /** Where a known pod is. */
    public enum Where { ACTIVE, BACKOFF, UNSCHEDULABLE, GATED, IN_FLIGHT }

    /** A pod in the queue, with what the queue knows about its attempts. */
    public static final class Entry {
        private Pod pod;
        private final PodKey key;
        private final long sequence;
        private final long enqueuedNanos;
        private int attempts;
        private long backoffUntil;
        private long unschedulableSince;
        private long poppedInCycle;
        private Where where;

        private Entry(Pod pod, long sequence, long now) {
            this.pod = pod;
            this.key = PodKey.of(pod);
            this.sequence = sequence;
            this.enqueuedNanos = now;
        }

        public Pod pod() {
            return pod;
        }

        public PodKey key() {
            return key;
        }

        public int attempts() {
            return attempts;
        }

        /** The scheduling cycle number at the last pop. */
        public long cycle() {
            return poppedInCycle;
        }

        /** When the pod first entered the queue (nanos of the queue's clock), for end-to-end latency. */
        public long enqueuedNanos() {
            return enqueuedNanos;
        }
    }

    private static int priority(Entry entry) {
        Integer priority = entry.pod.getSpec().getPriority();
        return priority == null ? 0 : priority;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final LongSupplier nanoClock;
    private final Function<Pod, Status> preEnqueue;
    private final Map<PodKey, Entry> known = new HashMap<>();
    private final TreeSet<Entry> active = new TreeSet<>(Comparator.comparingInt((Entry e) -> -priority(e))
            .thenComparingLong(e -> e.sequence));
    private final TreeSet<Entry> backoff = new TreeSet<>(Comparator.comparingLong((Entry e) -> e.backoffUntil)
            .thenComparingLong(e -> e.sequence));
    private long sequence;
    private long schedulingCycle;
    private long moveRequestCycle = -1;
    private boolean closed;
    private static final long STALE_CHECK_INTERVAL = TimeUnit.SECONDS.toNanos(30);
    private long lastStaleCheck;

    /**
     * @param nanoClock  {@link System#nanoTime} outside tests
     * @param preEnqueue the profile's PreEnqueue plugins; non-success parks the pod as gated
     */
    public SchedulingQueue(LongSupplier nanoClock, Function<Pod, Status> preEnqueue) {
        this.nanoClock = nanoClock;
        this.preEnqueue = preEnqueue;
        this.lastStaleCheck = nanoClock.getAsLong();
    }

    /** A new pod, or a new version of a known one. An update of an unschedulable or gated pod may make it schedulable, so it moves to active. */
    public void addOrUpdate(Pod pod) {
        lock.lock();
        try {
            PodKey key = PodKey.of(pod);
            Entry entry = known.get(key);
            if (entry == null) {
                entry = new Entry(pod, sequence++, nanoClock.getAsLong());
                known.put(key, entry);
                place(entry);
                return;
            }
            switch (entry.where) {
                case ACTIVE -> {
                    // The priority may change with the object: re-sort.
                    active.remove(entry);
                    entry.pod = pod;
                    active.add(entry);
                }
                case BACKOFF, IN_FLIGHT -> entry.pod = pod;
                case GATED -> {
                    entry.pod = pod;
                    place(entry);
                }
                case UNSCHEDULABLE -> {
                    // As upstream's isPodUpdated: a change of status alone (our own condition and
                    // nominatedNodeName patches) does not make the pod fit anywhere new.
                    boolean relevant = !java.util.Objects.equals(entry.pod.getSpec(), pod.getSpec())
                            || !java.util.Objects.equals(entry.pod.getMetadata().getLabels(), pod.getMetadata().getLabels())
                            || !java.util.Objects.equals(entry.pod.getMetadata().getAnnotations(), pod.getMetadata().getAnnotations());
                    entry.pod = pod;
                    if (relevant) {
                        place(entry);
                    }
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void place(Entry entry) {
        if (!preEnqueue.apply(entry.pod).isSuccess()) {
            entry.where = Where.GATED;
            return;
        }
        long now = nanoClock.getAsLong();
        if (entry.attempts > 0 && entry.backoffUntil > now) {
            entry.where = Where.BACKOFF;
            backoff.add(entry);
        } else {
            entry.where = Where.ACTIVE;
            active.add(entry);
        }
        changed.signalAll();
    }

    /** The pod is gone (deleted, or bound by someone else): forget it wherever it is. */
    public void delete(PodKey key) {
        lock.lock();
        try {
            Entry entry = known.remove(key);
            if (entry != null) {
                active.remove(entry);
                backoff.remove(entry);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next pod to schedule, waiting up to {@code timeout}; empty on timeout or after {@link #close}.
     * The pod is in flight until {@link #done} or {@link #requeueAfterFailure}.
     */
    public Optional<Entry> pop(Duration timeout) throws InterruptedException {
        long deadline = nanoClock.getAsLong() + timeout.toNanos();
        lock.lock();
        try {
            while (!closed) {
                long now = nanoClock.getAsLong();
                flush(now);
                Entry next = active.pollFirst();
                if (next != null) {
                    next.where = Where.IN_FLIGHT;
                    next.attempts++;
                    next.poppedInCycle = ++schedulingCycle;
                    return Optional.of(next);
                }
                long wait = deadline - now;
                if (wait <= 0) {
                    return Optional.empty();
                }
                if (!backoff.isEmpty()) {
                    wait = Math.min(wait, backoff.first().backoffUntil - now);
                }
                changed.awaitNanos(Math.max(wait, TimeUnit.MILLISECONDS.toNanos(1)));
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    private void flush(long now) {
        while (!backoff.isEmpty() && backoff.first().backoffUntil <= now) {
            Entry entry = backoff.pollFirst();
            entry.where = Where.ACTIVE;
            active.add(entry);
        }
        // Pods unschedulable for too long are retried even without an event; checked every 30 s.
        if (now - lastStaleCheck >= STALE_CHECK_INTERVAL) {
            lastStaleCheck = now;
            moveStaleUnschedulable(now);
        }
    }

    private void moveStaleUnschedulable(long now) {
        for (Entry entry : known.values()) {
            if (entry.where == Where.UNSCHEDULABLE && now - entry.unschedulableSince >= MAX_IN_UNSCHEDULABLE.toNanos()) {
                moveOut(entry, now);
            }
        }
    }

    /** The in-flight pod was bound (or handed to binding): the queue forgets it. */
    public void done(PodKey key) {
        lock.lock();
        try {
            Entry entry = known.get(key);
            if (entry != null && entry.where == Where.IN_FLIGHT) {
                known.remove(key);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The in-flight pod could not be scheduled.
     *
     * @param unschedulable true when no node fits (waits for an event); false for errors (backoff only)
     */
    public void requeueAfterFailure(Entry entry, boolean unschedulable) {
        lock.lock();
        try {
            if (known.get(entry.key) != entry || entry.where != Where.IN_FLIGHT) {
                return;
            }
            long now = nanoClock.getAsLong();
            entry.backoffUntil = now + backoffFor(entry.attempts).toNanos();
            if (!preEnqueue.apply(entry.pod).isSuccess()) {
                entry.where = Where.GATED;
            } else if (unschedulable && moveRequestCycle < entry.poppedInCycle) {
                entry.where = Where.UNSCHEDULABLE;
                entry.unschedulableSince = now;
            } else {
                entry.where = Where.BACKOFF;
                backoff.add(entry);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Upstream's backoff: 1 s after the first failure, doubling, at most 10 s. */
    public static Duration backoffFor(int attempts) {
        Duration backoff = INITIAL_BACKOFF;
        for (int i = 1; i < attempts && backoff.compareTo(MAX_BACKOFF) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        return backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
    }

    /**
     * A cluster event that may make unschedulable pods fit (a node added or changed, a pod
     * deleted): every unschedulable pod moves to backoff if its backoff has not expired, else to active.
     */
    public void moveAllToActiveOrBackoff(String event) {
        lock.lock();
        try {
            moveRequestCycle = schedulingCycle;
            long now = nanoClock.getAsLong();
            for (Entry entry : known.values()) {
                if (entry.where == Where.UNSCHEDULABLE) {
                    moveOut(entry, now);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void moveOut(Entry entry, long now) {
        if (entry.backoffUntil > now) {
            entry.where = Where.BACKOFF;
            backoff.add(entry);
        } else {
            entry.where = Where.ACTIVE;
            active.add(entry);
        }
        changed.signalAll();
    }

    /** Where the pod is, for tests and metrics. */
    public Optional<Where> where(PodKey key) {
        lock.lock();
        try {
            return Optional.ofNullable(known.get(key)).map(e -> e.where);
        } finally {
            lock.unlock();
        }
    }

    /** How many pods each sub-queue holds. */
    public Map<Where, Integer> depths() {
        lock.lock();
        try {
            Map<Where, Integer> depths = new java.util.EnumMap<>(Where.class);
            for (Where where : Where.values()) {
                depths.put(where, 0);
            }
            known.values().forEach(e -> depths.merge(e.where, 1, Integer::sum));
            return depths;
        } finally {
            lock.unlock();
        }
    }

    /** The pending pods in pop order (active only), for tests. */
    public List<PodKey> activeKeys() {
        lock.lock();
        try {
            List<PodKey> keys = new ArrayList<>();
            active.forEach(e -> keys.add(e.key));
            return keys;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every {@link #pop} with empty; later pops return empty at once. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
