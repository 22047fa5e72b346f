package dev.kapal.storage.memory;

import dev.kapal.storage.KeyValue;
import dev.kapal.storage.ListResult;
import dev.kapal.storage.Store;
import dev.kapal.storage.StoreException;
import dev.kapal.storage.WatchEvent;
import dev.kapal.storage.watch.WatchHub;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link Store} kept in memory. History is stored as the watch events themselves: one per
 * revision, indexed by revision (for watch replay) and by key then revision (for reads at a past
 * revision). Writes hold one write lock while they change state and publish, which makes them
 * linearizable and publishes them in revision order.
 */
public final class MemoryStore implements Store {
    /** Default bound on undelivered events per watch; see {@link WatchHub}. */
    public static final int DEFAULT_MAX_QUEUED_EVENTS = 100_000;

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final NavigableMap<Long, WatchEvent> byRevision = new TreeMap<>(); // guarded by lock
    private final NavigableMap<String, NavigableMap<Long, WatchEvent>> byKey = new TreeMap<>(); // guarded by lock
    private final WatchHub hub;
    private long revision; // guarded by lock
    private long compacted; // guarded by lock
    private boolean closed; // guarded by lock

    public MemoryStore() {
        this(DEFAULT_MAX_QUEUED_EVENTS);
    }

    public MemoryStore(int maxQueuedEventsPerWatch) {
        this.hub = new WatchHub(this::history, 0, maxQueuedEventsPerWatch);
    }

    @Override
    public long currentRevision() {
        lock.readLock().lock();
        try {
            return revision;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public long compactedRevision() {
        lock.readLock().lock();
        try {
            return compacted;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public KeyValue create(String key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        lock.writeLock().lock();
        try {
            checkOpen();
            if (latestLive(key).isPresent()) {
                throw new StoreException.KeyExists(key);
            }
            long next = revision + 1;
            KeyValue created = new KeyValue(key, value.clone(), next, next);
            append(new WatchEvent(WatchEvent.Type.CREATE, created, Optional.empty()));
            return created;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public Optional<KeyValue> get(String key) {
        Objects.requireNonNull(key, "key");
        lock.readLock().lock();
        try {
            checkOpen();
            return latestLive(key);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public ListResult list(String prefix, long atRevision, String startAfter, int limit) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(startAfter, "startAfter");
        if (limit < 0 || atRevision < 0) {
            throw new IllegalArgumentException("limit and atRevision must not be negative");
        }
        lock.readLock().lock();
        try {
            checkOpen();
            long at = atRevision == 0 ? revision : atRevision;
            if (at > revision) {
                throw new StoreException.FutureRevision(at, revision);
            }
            if (at < compacted) {
                throw new StoreException.Compacted(at, compacted);
            }
            String from = startAfter.compareTo(prefix) > 0 ? startAfter : prefix;
            NavigableMap<String, NavigableMap<Long, WatchEvent>> range =
                    byKey.tailMap(from, !from.equals(startAfter));
            List<KeyValue> items = new ArrayList<>();
            long remaining = 0;
            for (Map.Entry<String, NavigableMap<Long, WatchEvent>> entry : range.entrySet()) {
                if (!entry.getKey().startsWith(prefix)) {
                    break;
                }
                Map.Entry<Long, WatchEvent> atOrBefore = entry.getValue().floorEntry(at);
                if (atOrBefore == null || atOrBefore.getValue().type() == WatchEvent.Type.DELETE) {
                    continue;
                }
                if (limit == 0 || items.size() < limit) {
                    items.add(atOrBefore.getValue().current());
                } else {
                    remaining++;
                }
            }
            return new ListResult(items, at, remaining > 0, remaining);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public KeyValue update(String key, long expectedRevision, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        lock.writeLock().lock();
        try {
            checkOpen();
            KeyValue current = latestLive(key).orElseThrow(() -> new StoreException.KeyNotFound(key));
            if (current.modRevision() != expectedRevision) {
                throw new StoreException.Conflict(key, Optional.of(current));
            }
            KeyValue updated = new KeyValue(key, value.clone(), current.createRevision(), revision + 1);
            append(new WatchEvent(WatchEvent.Type.UPDATE, updated, Optional.of(current)));
            return updated;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public KeyValue delete(String key, long expectedRevision) {
        Objects.requireNonNull(key, "key");
        lock.writeLock().lock();
        try {
            checkOpen();
            KeyValue current = latestLive(key).orElseThrow(() -> new StoreException.KeyNotFound(key));
            if (expectedRevision != 0 && current.modRevision() != expectedRevision) {
                throw new StoreException.Conflict(key, Optional.of(current));
            }
            KeyValue deleted = new KeyValue(key, current.value(), current.createRevision(), revision + 1);
            append(new WatchEvent(WatchEvent.Type.DELETE, deleted, Optional.of(current)));
            return deleted;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public Watch watch(String prefix, long afterRevision, Watcher watcher) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(watcher, "watcher");
        // Checked here, under the read lock, so the caller gets the failure synchronously; a
        // compaction between this check and the replay reaches the watcher through onError.
        lock.readLock().lock();
        try {
            checkOpen();
            if (afterRevision < compacted) {
                throw new StoreException.Compacted(afterRevision, compacted);
            }
            return hub.watch(prefix, afterRevision, watcher);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void compact(long target) {
        lock.writeLock().lock();
        try {
            checkOpen();
            if (target <= compacted) {
                return;
            }
            if (target > revision) {
                throw new StoreException.FutureRevision(target, revision);
            }
            // Keep, for every key, the newest event at or before the target unless it is a
            // delete: that is exactly the state at the target, so lists there still work, and
            // events after it still find their previous values.
            Iterator<Map.Entry<String, NavigableMap<Long, WatchEvent>>> keys = byKey.entrySet().iterator();
            while (keys.hasNext()) {
                NavigableMap<Long, WatchEvent> versions = keys.next().getValue();
                NavigableMap<Long, WatchEvent> old = versions.headMap(target, true);
                if (old.isEmpty()) {
                    continue;
                }
                Map.Entry<Long, WatchEvent> newestOld = old.lastEntry();
                boolean keepNewest = newestOld.getValue().type() != WatchEvent.Type.DELETE;
                for (Long oldRevision : List.copyOf(old.keySet())) {
                    if (keepNewest && oldRevision.equals(newestOld.getKey())) {
                        continue;
                    }
                    versions.remove(oldRevision);
                    byRevision.remove(oldRevision);
                }
                if (versions.isEmpty()) {
                    keys.remove();
                }
            }
            compacted = target;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lock.writeLock().unlock();
        }
        hub.close();
    }

    /** History for watch replay; see {@link dev.kapal.storage.watch.HistorySource}. */
    private List<WatchEvent> history(String prefix, long afterRevision, long upToRevision, int limit) {
        lock.readLock().lock();
        try {
            checkOpen();
            if (afterRevision < compacted) {
                throw new StoreException.Compacted(afterRevision, compacted);
            }
            List<WatchEvent> events = new ArrayList<>();
            for (WatchEvent event : byRevision.subMap(afterRevision, false, upToRevision, true).values()) {
                if (event.current().key().startsWith(prefix)) {
                    events.add(event);
                    if (events.size() == limit) {
                        break;
                    }
                }
            }
            return events;
        } finally {
            lock.readLock().unlock();
        }
    }

    private Optional<KeyValue> latestLive(String key) {
        NavigableMap<Long, WatchEvent> versions = byKey.get(key);
        if (versions == null || versions.isEmpty()) {
            return Optional.empty();
        }
        WatchEvent last = versions.lastEntry().getValue();
        return last.type() == WatchEvent.Type.DELETE ? Optional.empty() : Optional.of(last.current());
    }

    /** Records the next revision's event and publishes it, all under the write lock. */
    private void append(WatchEvent event) {
        revision = event.revision();
        byRevision.put(revision, event);
        byKey.computeIfAbsent(event.current().key(), k -> new TreeMap<>()).put(revision, event);
        hub.publish(List.of(event));
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("store is closed");
        }
    }
}
