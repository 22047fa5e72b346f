package dev.kapal.bench;

import java.util.Arrays;

/** Percentiles of a set of latencies in nanoseconds, reported in milliseconds. */
public record Latencies(long[] sortedNanos) {
    public Latencies {
        sortedNanos = sortedNanos.clone();
        Arrays.sort(sortedNanos);
    }

    public static Latencies of(long[] nanos) {
        return new Latencies(nanos);
    }

    public int count() {
        return sortedNanos.length;
    }

    /** Nearest-rank percentile; NaN when there are no samples. */
    public double percentileMillis(double fraction) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(fraction * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank))] / 1e6;
    }

    public double p50() {
        return percentileMillis(0.50);
    }

    public double p99() {
        return percentileMillis(0.99);
    }

    public double maxMillis() {
        return sortedNanos.length == 0 ? Double.NaN : sortedNanos[sortedNanos.length - 1] / 1e6;
    }
}
