package dev.kapal.server;

import dev.kapal.storage.KeyValue;
import dev.kapal.storage.ListResult;
import dev.kapal.storage.Store;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A store whose {@code close()} takes effect once. The API server owns and closes the store it is
 * given, and the datastore component closes it too in case the API server never got that far;
 * the {@link Store} contract does not promise that a second close is harmless.
 */
final class OnceClosingStore implements Store {
    private final Store delegate;
    private final AtomicBoolean closed = new AtomicBoolean();

    OnceClosingStore(Store delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public long currentRevision() {
        return delegate.currentRevision();
    }

    @Override
    public long compactedRevision() {
        return delegate.compactedRevision();
    }

    @Override
    public KeyValue create(String key, byte[] value) {
        return delegate.create(key, value);
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return delegate.get(key);
    }

    @Override
    public ListResult list(String prefix, long atRevision, String startAfter, int limit) {
        return delegate.list(prefix, atRevision, startAfter, limit);
    }

    @Override
    public KeyValue update(String key, long expectedRevision, byte[] value) {
        return delegate.update(key, expectedRevision, value);
    }

    @Override
    public KeyValue delete(String key, long expectedRevision) {
        return delegate.delete(key, expectedRevision);
    }

    @Override
    public Watch watch(String prefix, long afterRevision, Watcher watcher) {
        return delegate.watch(prefix, afterRevision, watcher);
    }

    @Override
    public void compact(long revision) {
        delegate.compact(revision);
    }

    @Override
    public KeyValue guaranteedUpdate(String key, Function<Optional<KeyValue>, byte[]> update) {
        // The backend may have a better read-modify-write than the interface's default.
        return delegate.guaranteedUpdate(key, update);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            delegate.close();
        }
    }
}
