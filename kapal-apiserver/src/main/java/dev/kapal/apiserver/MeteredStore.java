package dev.kapal.apiserver;

import dev.kapal.apiserver.metrics.ApiMetrics;
import dev.kapal.storage.KeyValue;
import dev.kapal.storage.ListResult;
import dev.kapal.storage.Store;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/** The API server's view of its store: every operation timed into {@code kapal_store_operation_duration_seconds}. */
final class MeteredStore implements Store {
    private final Store delegate;
    private final ApiMetrics metrics;

    MeteredStore(Store delegate, ApiMetrics metrics) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    private <T> T timed(String operation, Supplier<T> call) {
        long started = System.nanoTime();
        try {
            return call.get();
        } finally {
            metrics.observeStore(operation, System.nanoTime() - started);
        }
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
        return timed("create", () -> delegate.create(key, value));
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return timed("get", () -> delegate.get(key));
    }

    @Override
    public ListResult list(String prefix, long atRevision, String startAfter, int limit) {
        return timed("list", () -> delegate.list(prefix, atRevision, startAfter, limit));
    }

    @Override
    public KeyValue update(String key, long expectedRevision, byte[] value) {
        return timed("update", () -> delegate.update(key, expectedRevision, value));
    }

    @Override
    public KeyValue delete(String key, long expectedRevision) {
        return timed("delete", () -> delegate.delete(key, expectedRevision));
    }

    @Override
    public Watch watch(String prefix, long afterRevision, Watcher watcher) {
        return delegate.watch(prefix, afterRevision, watcher);
    }

    @Override
    public void compact(long revision) {
        timed("compact", () -> {
            delegate.compact(revision);
            return null;
        });
    }

    @Override
    public KeyValue guaranteedUpdate(String key, Function<Optional<KeyValue>, byte[]> update) {
        return timed("guaranteed_update", () -> delegate.guaranteedUpdate(key, update));
    }

    @Override
    public void close() {
        delegate.close();
    }
}
