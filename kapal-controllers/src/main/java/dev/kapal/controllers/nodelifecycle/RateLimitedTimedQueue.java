package dev.kapal.controllers.nodelifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Function;

/**
 * Upstream's per-zone tainting queue: node names waiting for their NoExecute taint, processed in
 * order at most as fast as a {@link TokenBucket} allows.
 *
 * <p>A name can be {@link #add added} only once until it is {@link #remove removed}: being
 * processed takes it off the queue but keeps it a member, so a node that stays unhealthy is not
 * tainted again each pass. {@link #swapLimiter} changes the rate when the zone's state changes.
 * Thread-safe.
 */
final class RateLimitedTimedQueue {
    /** upstream's EvictionRateLimiterBurst */
    static final int BURST = 1;

    private record Entry(String name, Instant processAt, long order) {
    }

    private final Clock clock;
    private final Set<String> members = new HashSet<>();
    private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> {
        int byTime = a.processAt().compareTo(b.processAt());
        return byTime != 0 ? byTime : Long.compare(a.order(), b.order());
    });
    private TokenBucket limiter;
    private long sequence;

    RateLimitedTimedQueue(double qps, Clock clock) {
        this.clock = clock;
        this.limiter = new TokenBucket(qps, BURST, clock);
    }

    /** Queues {@code name} unless it is a member already; true if it was added. */
    synchronized boolean add(String name) {
        if (!members.add(name)) {
            return false;
        }
        queue.add(new Entry(name, clock.instant(), sequence++));
        return true;
    }

    /** Forgets {@code name} (queued or processed); true if it was a member. */
    synchronized boolean remove(String name) {
        queue.removeIf(entry -> entry.name().equals(name));
        return members.remove(name);
    }

    /** Uses a new rate from now on (zero or less stops processing). */
    synchronized void swapLimiter(double qps) {
        if (limiter.qps() != qps) {
            limiter = new TokenBucket(qps, BURST, clock);
        }
    }

    synchronized double qps() {
        return limiter.qps();
    }

    /**
     * Processes due names while the limiter allows: {@code action} returns empty when done with a
     * name (it stays a member), or how long to wait before trying it again.
     */
    void tryProcess(Function<String, Optional<Duration>> action) {
        while (true) {
            Entry head;
            synchronized (this) {
                head = queue.peek();
                if (head == null || clock.instant().isBefore(head.processAt()) || !limiter.tryAccept()) {
                    return;
                }
                queue.poll();
            }
            Optional<Duration> retry = action.apply(head.name());
            if (retry.isPresent()) {
                synchronized (this) {
                    if (members.contains(head.name())) {
                        queue.add(new Entry(head.name(), clock.instant().plus(retry.get()), sequence++));
                    }
                }
            }
        }
    }
}
