package dev.kapal.controllers.runtime;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What a controller is waiting to see in its informer caches after it created or deleted objects
 * for a key, as kube-controller-manager's {@code UIDTrackingControllerExpectations}: informers lag
 * the API server, so a reconcile that ran right after creating three pods would otherwise see
 * none of them and create three more.
 *
 * <p>Contract: before issuing creates the reconciler calls {@link #expectCreations} with their
 * number; before deletes, {@link #expectDeletions} with the keys of the objects it deletes. The
 * informer event handlers call {@link #creationObserved} for each added object and
 * {@link #deletionObserved} for each deleted (or deleting) one. A create or delete that failed
 * never produces an event, so the reconciler lowers the expectation itself with the same
 * observed methods. {@link #satisfied} tells the reconciler whether it may act on the cache: true
 * when nothing is expected, when everything expected was observed, or when the expectation is
 * older than {@link #TTL} (a lost event must not block the key forever). Creation counts may go
 * negative (an event may arrive before the expectation is raised), which counts as satisfied.
 * {@link #forget} drops a key whose object is gone.
 *
 * <p>Thread-safe; handlers and workers call it concurrently.
 */
public final class Expectations<K> {
    /** Upstream's ExpectationsTimeout: after this an unmet expectation no longer blocks. */
    public static final Duration TTL = Duration.ofMinutes(5);

    private final LongSupplier nanoClock;
    private final Map<K, Record> records = new ConcurrentHashMap<>();

    /** Creates and deletes expected for one key, and when they were set. */
    private static final class Record {
        int creations;
        final Set<String> deletions = new HashSet<>();
        long setAt;
    }

    public Expectations() {
        this(System::nanoTime);
    }

    /** @param nanoClock a monotonic clock in nanoseconds (tests pass a fake one) */
    public Expectations(LongSupplier nanoClock) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** Whether the reconciler may trust the cache for {@code key} (see the class contract). */
    public boolean satisfied(K key) {
        Record record = records.get(key);
        if (record == null) {
            return true;
        }
        synchronized (record) {
            if (record.creations <= 0 && record.deletions.isEmpty()) {
                return true;
            }
            return nanoClock.getAsLong() - record.setAt > TTL.toNanos();
        }
    }

    /** Expects {@code count} creations for {@code key}, replacing what was expected before. */
    public void expectCreations(K key, int count) {
        set(key, count, Set.of());
    }

    /** Expects the deletion of the objects named by {@code objectKeys}, replacing what was expected. */
    public void expectDeletions(K key, Set<String> objectKeys) {
        set(key, 0, objectKeys);
    }

    private void set(K key, int creations, Set<String> deletions) {
        Record record = new Record();
        record.creations = creations;
        record.deletions.addAll(deletions);
        record.setAt = nanoClock.getAsLong();
        records.put(key, record);
    }

    /** One expected creation happened (or will never happen because it failed). */
    public void creationObserved(K key) {
        Record record = records.get(key);
        if (record != null) {
            synchronized (record) {
                record.creations--;
            }
        }
    }

    /** The object {@code objectKey} was deleted (or its deletion failed or was not needed). */
    public void deletionObserved(K key, String objectKey) {
        Record record = records.get(key);
        if (record != null) {
            synchronized (record) {
                record.deletions.remove(objectKey);
            }
        }
    }

    /** How many creations and deletions are still awaited for {@code key}, for tests and logs. */
    public Pending pending(K key) {
        Record record = records.get(key);
        if (record == null) {
            return new Pending(0, 0);
        }
        synchronized (record) {
            return new Pending(Math.max(0, record.creations), record.deletions.size());
        }
    }

    /** Outstanding creations and deletions of one key. */
    public record Pending(int creations, int deletions) {
    }

    /** Forgets {@code key} (its object was deleted). */
    public void forget(K key) {
        records.remove(key);
    }
}
