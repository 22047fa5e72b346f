package dev.kapal.apiserver.cache;

import dev.kapal.api.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Predicate;

/**
 * The in-memory copy of one storage prefix ({@code /registry/configmaps/}): the current objects,
 * ordered by key, and a window of recent changes for watches that resume from an older
 * resourceVersion. Fed only by {@link CacheManager}, in revision order.
 *
 * <p>Reads are consistent: a {@link Snapshot} is the exact state of the prefix at its revision.
 */
public final class WatchCache {
    /** Most changes kept per prefix, whatever their age. */
    static final int MAX_HISTORY = 100_000;

    private final String prefix;
    private final Duration historyWindow;
    private final Clock clock;
    private final CacheManager manager;
    private final TreeMap<String, CachedObject> objects = new TreeMap<>();
    private final ArrayDeque<Timed> history = new ArrayDeque<>();
    private final Set<CacheWatcher> watchers = new CopyOnWriteArraySet<>();
    /** The revision of the last change applied to this prefix. */
    private long appliedRevision;
    /** Watches may resume from any revision at or above this one. */
    private long oldestResumableRevision;

    private record Timed(CacheEvent event, long atMillis) {
    }

    /** The state of the prefix at {@code revision}. */
    public record Snapshot(List<CachedObject> objects, long revision) {
        public Snapshot {
            objects = List.copyOf(objects);
        }
    }

    /** A started watch: the initial state to send first (may be empty), then the watcher's events. */
    public record WatchStart(List<CachedObject> initial, long initialRevision, CacheWatcher watcher) {
        public WatchStart {
            initial = List.copyOf(initial);
            Objects.requireNonNull(watcher, "watcher");
        }
    }

    WatchCache(String prefix, Collection<CachedObject> initial, long revision, Duration historyWindow, Clock clock,
               CacheManager manager) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.historyWindow = Objects.requireNonNull(historyWindow, "historyWindow");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.manager = Objects.requireNonNull(manager, "manager");
        for (CachedObject object : initial) {
            objects.put(object.key(), object);
        }
        this.appliedRevision = revision;
        this.oldestResumableRevision = revision;
    }

    public String prefix() {
        return prefix;
    }

    /** Applies one change; called by the manager in revision order. */
    synchronized void apply(CacheEvent event) {
        switch (event.type()) {
            case ADDED, MODIFIED -> objects.put(event.object().key(), event.object());
            case DELETED -> objects.remove(event.object().key());
        }
        appliedRevision = event.revision();
        long now = clock.millis();
        history.addLast(new Timed(event, now));
        trimHistory(now);
        for (CacheWatcher watcher : watchers) {
            watcher.offer(event);
        }
    }

    private void trimHistory(long now) {
        long horizon = now - historyWindow.toMillis();
        while (!history.isEmpty() && (history.size() > MAX_HISTORY || history.peekFirst().atMillis() < horizon)) {
            oldestResumableRevision = history.removeFirst().event().revision();
        }
    }

    /**
     * The objects under {@code subPrefix} (the whole prefix, or {@code <prefix><namespace>/}) that
     * pass {@code filter}, with the revision the state is exact at.
     */
    public Snapshot list(String subPrefix, Predicate<CachedObject> filter) {
        List<CachedObject> result = new ArrayList<>();
        long revision;
        synchronized (this) {
            Collection<CachedObject> range = subPrefix.equals(prefix)
                    ? objects.values()
                    : objects.subMap(subPrefix, subPrefix + Character.MAX_VALUE).values();
            for (CachedObject object : range) {
                if (filter.test(object)) {
                    result.add(object);
                }
            }
            revision = Math.max(appliedRevision, manager.processedRevision());
        }
        return new Snapshot(result, revision);
    }

    /** One object by key. */
    public synchronized Optional<CachedObject> get(String key) {
        return Optional.ofNullable(objects.get(key));
    }

    /** The number of objects cached. */
    public synchronized int size() {
        return objects.size();
    }

    /** The revision this prefix's state is exact at. */
    public synchronized long revision() {
        return Math.max(appliedRevision, manager.processedRevision());
    }

    /**
     * Starts a watch. With {@code initialState} the current objects passing the filter come first
     * (as ADDED events) and changes after the current revision follow; otherwise changes after
     * {@code fromRevision} are replayed from the history window, then live ones follow.
     *
     * @throws ApiException 410 Gone when {@code fromRevision} is older than the history window
     */
    public WatchStart watch(boolean initialState, long fromRevision, Predicate<CachedObject> filter) {
        CacheWatcher[] holder = new CacheWatcher[1];
        CacheWatcher watcher = new CacheWatcher(filter, () -> watchers.remove(holder[0]));
        holder[0] = watcher;
        synchronized (this) {
            long current = Math.max(appliedRevision, manager.processedRevision());
            List<CachedObject> initial = new ArrayList<>();
            if (initialState) {
                for (CachedObject object : objects.values()) {
                    if (filter.test(object)) {
                        initial.add(object);
                    }
                }
            } else {
                if (fromRevision < oldestResumableRevision) {
                    throw ApiException.expired("too old resource version: " + fromRevision + " (" + oldestResumableRevision + ")");
                }
                for (Iterator<Timed> it = history.iterator(); it.hasNext(); ) {
                    CacheEvent event = it.next().event();
                    if (event.revision() > fromRevision) {
                        watcher.offer(event);
                    }
                }
            }
            watchers.add(watcher);
            return new WatchStart(initial, current, watcher);
        }
    }

    /** The number of open watches. */
    public int watcherCount() {
        return watchers.size();
    }

    /** Ends every watch (server shutdown). */
    void endAll(String why) {
        for (CacheWatcher watcher : watchers) {
            watcher.end(why);
        }
    }
}
