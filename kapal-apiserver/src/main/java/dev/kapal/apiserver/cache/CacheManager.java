package dev.kapal.apiserver.cache;

import dev.kapal.api.ApiException;
import dev.kapal.storage.KeyValue;
import dev.kapal.storage.ListResult;
import dev.kapal.storage.Store;
import dev.kapal.storage.StoreException;
import dev.kapal.storage.WatchEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds every {@link WatchCache} from one store watch over {@code /registry/}.
 *
 * <p>Because all changes arrive through one ordered stream, the manager knows exactly how far the
 * caches have caught up with the store ({@link #processedRevision()}): a consistent read waits
 * until that reaches the store's current revision, then reads memory. This is what upstream gets
 * from etcd progress notifications.
 *
 * <p>Caches are created with {@link #cache(String)}: the prefix is listed at the processed
 * revision while changes are held back, so no change is missed or applied twice.
 */
public final class CacheManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CacheManager.class);
    private static final String ROOT = "/registry/";
    private static final int LIST_PAGE = 10_000;

    private final Store store;
    private final Duration historyWindow;
    private final Clock clock;
    private final Map<String, WatchCache> caches = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progressed = lock.newCondition();
    private volatile long processedRevision;
    private volatile Optional<StoreException> failure = Optional.empty();
    private Store.Watch watch;

    public CacheManager(Store store, Duration historyWindow, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.historyWindow = Objects.requireNonNull(historyWindow, "historyWindow");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Starts following the store from its current revision. */
    public void start() {
        lock.lock();
        try {
            processedRevision = store.currentRevision();
            watch = store.watch(ROOT, processedRevision, new Store.Watcher() {
                @Override
                public void onEvent(WatchEvent event) {
                    dispatch(event);
                }

                @Override
                public void onError(StoreException error) {
                    LOG.error("the store watch ended; the API server cannot serve fresh reads: {}", error.getMessage());
                    failure = Optional.of(error);
                }
            });
        } finally {
            lock.unlock();
        }
    }

    /** How far every cache has caught up with the store. */
    public long processedRevision() {
        return processedRevision;
    }

    /** The cache of {@code prefix} (a storage prefix such as {@code /registry/configmaps/}), created on first use. */
    public WatchCache cache(String prefix) {
        WatchCache existing = caches.get(prefix);
        if (existing != null) {
            return existing;
        }
        lock.lock();
        try {
            existing = caches.get(prefix);
            if (existing != null) {
                return existing;
            }
            long revision = processedRevision;
            List<CachedObject> initial = new ArrayList<>();
            String after = "";
            while (true) {
                ListResult page = store.list(prefix, revision, after, LIST_PAGE);
                for (KeyValue kv : page.items()) {
                    initial.add(CachedObject.decode(kv));
                }
                if (!page.more()) {
                    break;
                }
                after = page.lastKey();
            }
            WatchCache cache = new WatchCache(prefix, initial, revision, historyWindow, clock, this);
            caches.put(prefix, cache);
            return cache;
        } finally {
            lock.unlock();
        }
    }

    /** Drops the cache of a prefix no longer served (a deleted CRD); its watches end. */
    public void drop(String prefix) {
        lock.lock();
        try {
            WatchCache cache = caches.remove(prefix);
            if (cache != null) {
                cache.endAll("the resource is no longer served");
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the caches reflect every write up to {@code revision}.
     *
     * @throws ApiException 504 Timeout (upstream's "Too large resource version") if they do not within {@code timeout}
     */
    public void waitFor(long revision, Duration timeout) {
        if (processedRevision >= revision) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (processedRevision < revision) {
                failure.ifPresent(error -> {
                    throw ApiException.serviceUnavailable("the watch cache is not following the store: " + error.getMessage());
                });
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw ApiException.timeout("Too large resource version: " + revision + ", current: " + processedRevision);
                }
                progressed.awaitNanos(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.timeout("interrupted while waiting for resource version " + revision);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the caches reflect the store's latest write: the basis of consistent reads. */
    public void waitForCurrent(Duration timeout) {
        waitFor(store.currentRevision(), timeout);
    }

    private void dispatch(WatchEvent event) {
        lock.lock();
        try {
            WatchCache cache = cacheOf(event.current().key());
            if (cache != null && event.revision() > cache.revision()) {
                cache.apply(toCacheEvent(event, cache));
            }
            processedRevision = event.revision();
            progressed.signalAll();
        } catch (RuntimeException e) {
            // A value that does not decode must not stop the stream for every other resource.
            LOG.error("could not apply the change of {} at revision {} to the cache", event.current().key(), event.revision(), e);
            processedRevision = event.revision();
            progressed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private WatchCache cacheOf(String key) {
        int first = key.indexOf('/', ROOT.length());
        if (first < 0) {
            return null;
        }
        int second = key.indexOf('/', first + 1);
        if (second > 0) {
            WatchCache custom = caches.get(key.substring(0, second + 1));
            if (custom != null) {
                return custom;
            }
        }
        return caches.get(key.substring(0, first + 1));
    }

    private static CacheEvent toCacheEvent(WatchEvent event, WatchCache cache) {
        // The cache holds the previous state already decoded; decoding the store's copy again would double the work.
        Optional<CachedObject> previous = cache.get(event.current().key());
        return switch (event.type()) {
            case CREATE -> new CacheEvent(CacheEvent.Type.ADDED, CachedObject.decode(event.current()), previous);
            case UPDATE -> new CacheEvent(CacheEvent.Type.MODIFIED, CachedObject.decode(event.current()), previous);
            case DELETE -> new CacheEvent(CacheEvent.Type.DELETED, CachedObject.decode(event.current()), previous);
        };
    }

    /** Stops following the store and ends every watch. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (watch != null) {
                watch.close();
            }
            caches.values().forEach(cache -> cache.endAll("the server is shutting down"));
        } finally {
            lock.unlock();
        }
    }
}
