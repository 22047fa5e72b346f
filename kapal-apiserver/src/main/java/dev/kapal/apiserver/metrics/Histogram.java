package dev.kapal.apiserver.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Observations counted into fixed buckets per label tuple, with their sum. Buckets are upper
 * bounds (inclusive, Prometheus's {@code le}); an implicit {@code +Inf} bucket takes the rest.
 */
public final class Histogram extends LabelledFamily<Histogram.Child, Histogram.Snapshot> {
    private final double[] bounds;

    Histogram(String name, String help, double[] bounds, List<String> labelNames) {
        super(name, help, labelNames);
        if (labelNames.contains("le")) {
            throw new IllegalArgumentException("le is reserved for histogram buckets: " + name);
        }
        if (bounds.length == 0) {
            throw new IllegalArgumentException("a histogram needs buckets: " + name);
        }
        for (int i = 0; i < bounds.length; i++) {
            if (!Double.isFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
                throw new IllegalArgumentException("bucket bounds must be finite and increasing: " + name + " " + Arrays.toString(bounds));
            }
        }
        this.bounds = bounds.clone();
    }

    /** The finite upper bounds, ascending. */
    public double[] bounds() {
        return bounds.clone();
    }

    @Override
    Child newChild() {
        return new Child(bounds);
    }

    @Override
    Snapshot read(Child child) {
        return child.snapshot();
    }

    /**
     * One series read at one moment: cumulative counts per finite bound, then the total.
     * The total is the sum of the buckets rather than a separate counter, so {@code +Inf} and
     * {@code _count} always agree even while observations race with the read.
     */
    public record Snapshot(long[] cumulativeCounts, long count, double sum) {
        public Snapshot {
            Objects.requireNonNull(cumulativeCounts, "cumulativeCounts");
        }
    }

    public static final class Child {
        private final double[] bounds;
        /** Non-cumulative counts; the last cell is the +Inf bucket. */
        private final LongAdder[] buckets;
        private final DoubleAdder sum = new DoubleAdder();

        Child(double[] bounds) {
            this.bounds = bounds;
            this.buckets = new LongAdder[bounds.length + 1];
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        public void observe(double value) {
            int index = Arrays.binarySearch(bounds, value);
            // Found: the bucket whose bound equals the value (le is inclusive). Not found: the insertion point.
            buckets[index >= 0 ? index : -index - 1].increment();
            sum.add(value);
        }

        /** Observes a duration given in nanoseconds, in seconds (Prometheus's base unit). */
        public void observeNanos(long nanos) {
            observe(nanos / 1e9);
        }

        public Snapshot snapshot() {
            long[] cumulative = new long[bounds.length];
            long running = 0;
            for (int i = 0; i < bounds.length; i++) {
                running += buckets[i].sum();
                cumulative[i] = running;
            }
            running += buckets[bounds.length].sum();
            return new Snapshot(cumulative, running, sum.sum());
        }
    }
}
