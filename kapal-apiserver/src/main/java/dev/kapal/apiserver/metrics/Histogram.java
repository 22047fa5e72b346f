package dev.kapal.apiserver.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Observations counted into fixed buckets per label tuple, with their sum. Buckets are upper
 * bounds (inclusive, Prometheus's {@code le}); an implicit {@code +Inf} bucket takes the rest.
 */
public final class Histogram implements MetricFamily {
    private final String name;
    private final String help;
    private final List<String> labelNames;
    private final double[] bounds;
    private final ConcurrentHashMap<List<String>, Child> children = new ConcurrentHashMap<>();

    Histogram(String name, String help, double[] bounds, List<String> labelNames) {
        MetricFamily.validate(name, labelNames);
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
        this.name = name;
        this.help = Objects.requireNonNull(help, "help");
        this.labelNames = List.copyOf(labelNames);
        this.bounds = bounds.clone();
    }

    public Child labels(String... values) {
        List<String> key = MetricFamily.key(name, labelNames, values);
        Child child = children.get(key);
        return child != null ? child : children.computeIfAbsent(key, k -> new Child(bounds));
    }

    /** The finite upper bounds, ascending. */
    public double[] bounds() {
        return bounds.clone();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String help() {
        return help;
    }

    @Override
    public List<String> labelNames() {
        return labelNames;
    }

    @Override
    public Map<List<String>, Snapshot> series() {
        Map<List<String>, Snapshot> copy = new LinkedHashMap<>();
        children.forEach((key, child) -> copy.put(key, child.snapshot()));
        return copy;
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
