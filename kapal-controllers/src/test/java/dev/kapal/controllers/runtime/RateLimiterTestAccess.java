package dev.kapal.controllers.runtime;

import java.util.function.LongSupplier;

/** client-go's default limiter on a fake clock. */
final class RateLimiterTestAccess {
    private RateLimiterTestAccess() {
    }

    static <K> RateLimiter<K> withClock(LongSupplier clock) {
        return new RateLimiter<>(RateLimiter.DEFAULT_BASE_DELAY, RateLimiter.DEFAULT_MAX_DELAY,
                RateLimiter.DEFAULT_QPS, RateLimiter.DEFAULT_BURST, clock);
    }
}
