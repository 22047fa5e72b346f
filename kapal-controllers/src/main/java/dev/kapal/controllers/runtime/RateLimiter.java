package dev.kapal.controllers.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How long a failed key waits before its next attempt: the larger of a per-key exponential
 * backoff and an overall token bucket, the combination client-go's default controller rate
 * limiter uses.
 * <ul>
 *   <li>Per key: {@code base * 2^failures}, capped at {@code max} (defaults 5 ms and 1000 s);
 *       {@link #forget} resets the key's failure count.</li>
 *   <li>Overall: a token bucket of {@code qps} tokens per second holding at most {@code burst}
 *       (defaults 10 and 100); every {@link #when} takes a token, and waits for one when the
 *       bucket is empty, so a storm of failures across many keys is slowed down as a whole.</li>
 * </ul>
 * Thread-safe.
 */
public final class RateLimiter<K> {
    public static final Duration DEFAULT_BASE_DELAY = Duration.ofMillis(5);
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(1000);
    public static final double DEFAULT_QPS = 10;
    public static final int DEFAULT_BURST = 100;

    private final long baseNanos;
    private final long maxNanos;
    private final double nanosPerToken;
    private final int burst;
    private final LongSupplier nanoClock;
    private final Map<K, Integer> failures = new HashMap<>();
    private long nextTokenAt;

    public RateLimiter(Duration baseDelay, Duration maxDelay, double qps, int burst, LongSupplier nanoClock) {
        this.baseNanos = baseDelay.toNanos();
        this.maxNanos = maxDelay.toNanos();
        if (baseNanos <= 0 || maxNanos < baseNanos || qps <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate limiter needs 0 < base <= max, qps > 0, burst >= 1");
        }
        this.nanosPerToken = 1e9 / qps;
        this.burst = burst;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.nextTokenAt = nanoClock.getAsLong();
    }

    /** client-go's defaults: 5 ms to 1000 s per key, 10 qps with a burst of 100 overall. */
    public static <K> RateLimiter<K> defaults() {
        return new RateLimiter<>(DEFAULT_BASE_DELAY, DEFAULT_MAX_DELAY, DEFAULT_QPS, DEFAULT_BURST, System::nanoTime);
    }

    /** Records one more failure of {@code key} and returns how long it should wait. */
    public synchronized Duration when(K key) {
        int count = failures.merge(key, 1, Integer::sum) - 1;
        long perKey = count >= 62 ? maxNanos : Math.min(maxNanos, multiplyCapped(baseNanos, 1L << count));
        return Duration.ofNanos(Math.max(perKey, takeToken()));
    }

    /** Forgets {@code key}'s failures: its next failure starts from the base delay again. */
    public synchronized void forget(K key) {
        failures.remove(key);
    }

    /** How many times {@code key} failed since it was last forgotten. */
    public synchronized int retries(K key) {
        return failures.getOrDefault(key, 0);
    }

    /** Takes a token, returning how long until it is really there (zero while the bucket has some). */
    private long takeToken() {
        long now = nanoClock.getAsLong();
        long tokenNanos = (long) nanosPerToken;
        // The bucket as a virtual clock (GCRA): each token moves it one token's time ahead; the
        // caller waits for whatever lies beyond the burst the bucket can hold.
        nextTokenAt = Math.max(nextTokenAt, now) + tokenNanos;
        return Math.max(0, nextTokenAt - now - burst * tokenNanos);
    }

    private static long multiplyCapped(long value, long factor) {
        long high = Math.multiplyHigh(value, factor);
        return high != 0 || value * factor < 0 ? Long.MAX_VALUE : value * factor;
    }
}
