package dev.kapal.apiserver.cache;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One client watch on a {@link WatchCache}: a bounded queue the cache fills and the HTTP stream
 * drains. Events are already translated for the watcher's filter: an object that stops matching
 * arrives as {@code DELETED}, one that starts matching as {@code ADDED}, as upstream does.
 *
 * <p>A watcher that falls {@link #CAPACITY} events behind is terminated (its stream ends and the
 * client re-lists), so one slow client never holds back the others.
 */
public final class CacheWatcher implements AutoCloseable {
    public static final int CAPACITY = 4096;

    /** What the stream reads next. */
    public sealed interface Item {
        record Event(CacheEvent event) implements Item {
        }

        /** The watch ended: closed by the client, the server shutting down, or the watcher fell behind. */
        record End(String why) implements Item {
        }
    }

    private final Predicate<CachedObject> filter;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(CAPACITY + 1);
    private final Runnable onClose;
    private volatile boolean ended;

    CacheWatcher(Predicate<CachedObject> filter, Runnable onClose) {
        this.filter = Objects.requireNonNull(filter, "filter");
        this.onClose = Objects.requireNonNull(onClose, "onClose");
    }

    /** Offers a change; called by the cache with its lock held, in revision order. */
    void offer(CacheEvent event) {
        if (ended) {
            return;
        }
        boolean matchesNow = filter.test(event.object());
        boolean matchedBefore = event.previous().map(filter::test).orElse(false);
        CacheEvent translated = switch (event.type()) {
            case ADDED -> matchesNow ? event : null;
            case DELETED -> matchesNow ? event : null;
            case MODIFIED -> {
                if (matchesNow && matchedBefore) {
                    yield event;
                } else if (matchesNow) {
                    yield new CacheEvent(CacheEvent.Type.ADDED, event.object(), event.previous());
                } else if (matchedBefore) {
                    // As upstream: the object as it was when it last matched, at the event's revision.
                    CachedObject previous = event.previous().orElseThrow();
                    CachedObject last = CachedObject.of(previous.key(), previous.copy(), event.revision());
                    yield new CacheEvent(CacheEvent.Type.DELETED, last, event.previous());
                } else {
                    yield null;
                }
            }
        };
        if (translated == null) {
            return;
        }
        if (queue.size() >= CAPACITY || !queue.offer(new Item.Event(translated))) {
            // What is queued is useless once one event is lost: the client must relist anyway.
            ended = true;
            queue.clear();
            queue.offer(new Item.End("the watcher fell too far behind"));
        }
    }

    /** Ends the watch; the reader sees {@link Item.End} after the events already queued. */
    void end(String why) {
        if (!ended) {
            ended = true;
            if (!queue.offer(new Item.End(why))) {
                queue.clear();
                queue.offer(new Item.End(why));
            }
        }
    }

    /** The next item, or empty after {@code timeout} without one (time for a bookmark). */
    public Optional<Item> poll(long timeout, TimeUnit unit) throws InterruptedException {
        return Optional.ofNullable(queue.poll(timeout, unit));
    }

    /** Whether the watch has ended (the reader will see {@link Item.End}). */
    public boolean ended() {
        return ended;
    }

    @Override
    public void close() {
        ended = true;
        onClose.run();
    }
}
