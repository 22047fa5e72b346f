package dev.kapal.controllers.nodelifecycle;

import java.time.Clock;

/**
 * client-go's token bucket, non-blocking: {@code qps} tokens a second up to {@code burst}, full at
 * start. A rate of zero or less never accepts (upstream swaps in a "never" limiter to stop
 * evictions). Thread-safe.
 */
final class TokenBucket {
    private final double qps;
    private final int burst;
    private final Clock clock;
    private double tokens;
    private long lastNanos;

    TokenBucket(double qps, int burst, Clock clock) {
        this.qps = qps;
        this.burst = burst;
        this.clock = clock;
        this.tokens = burst;
        this.lastNanos = nanos();
    }

    double qps() {
        return qps;
    }

    synchronized boolean tryAccept() {
        if (qps <= 0) {
            return false;
        }
        long now = nanos();
        tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * qps);
        lastNanos = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    private long nanos() {
        var instant = clock.instant();
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
