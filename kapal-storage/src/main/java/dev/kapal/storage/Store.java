package dev.kapal.storage;

import java.util.Optional;
import java.util.function.Function;

/**
 * A revisioned key-value store with watch: the one place cluster state is kept.
 *
 * <h2>Revisions</h2>
 * Every successful write (create, update, delete) gets the next value of one global, strictly
 * increasing revision, starting at 1. Revisions are never reused, even across restarts and
 * compactions; the API server exposes them as {@code resourceVersion}.
 *
 * <h2>Durability</h2>
 * A write method returns only after the write is durable: once it has returned, the write
 * survives a crash of the process (kill -9) — the memory backend excepted, which keeps nothing.
 *
 * <h2>Consistency</h2>
 * Writes are linearizable. {@code get} and {@code list} at revision 0 read the latest state;
 * {@code list} at a positive revision reads the state exactly as it was at that revision, which
 * is how paged lists stay consistent. History older than the compacted revision is gone: reading
 * or watching it fails with {@link StoreException.Compacted}.
 *
 * <h2>Watch</h2>
 * A watch delivers every change under its prefix with a revision greater than the starting one,
 * in revision order, without gaps or duplicates, each with the previous value. Deliveries to one
 * watch never overlap (one callback at a time); callbacks must return quickly and must not call
 * back into the store's write methods. A watch that cannot continue (its revision got compacted
 * before delivery, the store closed) gets one {@link Watcher#onError} and no further events.
 *
 * <h2>Keys</h2>
 * Keys are strings following Kubernetes' layout, {@code /registry/<resource>/<namespace>/<name>}.
 * Prefixes passed to {@code list} and {@code watch} should end with {@code /}; matching is a
 * plain string prefix match and ordering is by key (Java {@code String} order, which matches
 * byte order for the ASCII keys Kubernetes names produce).
 *
 * <p>Implementations are thread-safe.
 */
public interface Store extends AutoCloseable {

    /** The revision of the latest write (0 in an empty, never-written store). */
    long currentRevision();

    /** The oldest revision still readable; reads and watches below it fail with {@code Compacted}. */
    long compactedRevision();

    /**
     * Creates {@code key}.
     *
     * @return the stored value with its new revision
     * @throws StoreException.KeyExists if the key is live
     */
    KeyValue create(String key, byte[] value);

    /** The live value of {@code key}, if any, at the latest revision. */
    Optional<KeyValue> get(String key);

    /**
     * Lists live keys under {@code prefix}.
     *
     * @param prefix     the key prefix
     * @param atRevision 0 for the latest state, else the revision to read at
     * @param startAfter return only keys strictly greater than this; empty string for the first page
     * @param limit      at most this many items; 0 for no limit
     * @throws StoreException.Compacted       if {@code atRevision} is below the compacted revision
     * @throws StoreException.FutureRevision if {@code atRevision} is above the current revision
     */
    ListResult list(String prefix, long atRevision, String startAfter, int limit);

    /**
     * Replaces the value of {@code key} if its current {@code modRevision} is
     * {@code expectedRevision} (compare-and-swap).
     *
     * @return the stored value with its new revision
     * @throws StoreException.KeyNotFound if the key is not live
     * @throws StoreException.Conflict    if the key was modified since {@code expectedRevision}
     */
    KeyValue update(String key, long expectedRevision, byte[] value);

    /**
     * Deletes {@code key} if its current {@code modRevision} is {@code expectedRevision}, or
     * unconditionally when {@code expectedRevision} is 0.
     *
     * @return the deleted value, with {@code modRevision} set to the revision of the delete
     * @throws StoreException.KeyNotFound if the key is not live
     * @throws StoreException.Conflict    if the key was modified since {@code expectedRevision}
     */
    KeyValue delete(String key, long expectedRevision);

    /**
     * Watches changes under {@code prefix} with revisions greater than {@code afterRevision}.
     * Events already in history are replayed first, then live ones follow.
     *
     * @throws StoreException.Compacted if {@code afterRevision} is below the compacted revision
     */
    Watch watch(String prefix, long afterRevision, Watcher watcher);

    /**
     * Discards history up to and including {@code revision} (never the latest value of a live key).
     * Compacting at or below the compacted revision does nothing.
     */
    void compact(long revision);

    /**
     * Stops every watch (each gets {@code onError}) and releases resources, after pending writes
     * are durable. Idempotent: closing a closed store does nothing.
     */
    @Override
    void close();

    /**
     * Read-modify-write: calls {@code update} with the current value (empty when absent) and
     * writes what it returns with compare-and-swap, retrying with fresh state on conflict.
     * The callback may run several times and must be free of side effects; it may throw to abort.
     * When the key is absent and the callback returns a value, the key is created.
     *
     * @return the stored value
     */
    default KeyValue guaranteedUpdate(String key, Function<Optional<KeyValue>, byte[]> update) {
        Optional<KeyValue> current = get(key);
        while (true) {
            byte[] next = update.apply(current);
            try {
                return current.isPresent()
                        ? update(key, current.get().modRevision(), next)
                        : create(key, next);
            } catch (StoreException.Conflict conflict) {
                current = conflict.current();
            } catch (StoreException.KeyExists | StoreException.KeyNotFound raced) {
                current = get(key);
            }
        }
    }

    /** A running watch; closing it stops deliveries (a delivery in progress may finish). */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /** Receives a watch's events. See the watch contract on {@link Store}. */
    interface Watcher {
        /** Called with one or more events, in revision order. */
        void onEvent(WatchEvent event);

        /** Called once when the watch ends for a reason other than {@code close()}. */
        void onError(StoreException error);
    }
}
