package dev.kapal.controllers.runtime;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one {@link WorkQueue} counts, with client-go's meaning of each workqueue metric: an add is
 * counted when a key becomes dirty (not when it was queued already); the queue duration runs from
 * that add until a worker takes the key; the work duration from take to {@code done}; a retry is
 * every {@link WorkQueue#addAfter} (rate-limited or not), as client-go's delaying queue counts.
 * Depth and the in-progress figures are read from the queue when rendered.
 *
 * <p>Recording is lock-free; the queue records under its own lock, renderers read concurrently.
 */
final class QueueMetrics {
    /** client-go's buckets for both durations: 10 ns up to 10 s, by factors of ten. */
    static final double[] DURATION_BUCKETS = {1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10};

    final LongAdder adds = new LongAdder();
    final LongAdder retries = new LongAdder();
    final Histogram queueDuration = new Histogram();
    final Histogram workDuration = new Histogram();

    /** A histogram over {@link #DURATION_BUCKETS}: per-bucket counts (the last for +Inf) and the sum. */
    static final class Histogram {
        private final LongAdder[] counts = new LongAdder[DURATION_BUCKETS.length + 1];
        private final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observeNanos(long nanos) {
            double seconds = Math.max(0, nanos) / 1e9;
            int bucket = 0;
            while (bucket < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[bucket]) {
                bucket++;
            }
            counts[bucket].increment();
            sum.add(seconds);
        }

        /** Cumulative counts per bucket bound, then +Inf (the total). */
        long[] cumulative() {
            long[] cumulative = new long[counts.length];
            long running = 0;
            for (int i = 0; i < counts.length; i++) {
                running += counts[i].sum();
                cumulative[i] = running;
            }
            return cumulative;
        }

        double sum() {
            return sum.sum();
        }
    }
}
