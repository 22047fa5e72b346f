package dev.kapal.scheduler.metrics;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * kube-scheduler's core metrics, recorded by the scheduler and rendered in the Prometheus text
 * format 0.0.4 by {@link #render(StringBuilder)}:
 * <ul>
 * <li>{@code scheduler_schedule_attempts_total{profile,result}} — result {@code scheduled},
 *     {@code unschedulable} or {@code error};</li>
 * <li>{@code scheduler_scheduling_attempt_duration_seconds{profile,result}} — one scheduling cycle,
 *     buckets 1 ms doubling 15 times, as upstream;</li>
 * <li>{@code scheduler_pod_scheduling_sli_duration_seconds{attempts}} — from the pod entering the
 *     queue to its binding, buckets 10 ms doubling 20 times, as upstream;</li>
 * <li>{@code scheduler_pending_pods{queue}} — {@code active}, {@code backoff}, {@code unschedulable},
 *     {@code gated}, read from the queue at render time;</li>
 * <li>{@code scheduler_preemption_attempts_total} and {@code scheduler_preemption_victims}.</li>
 * </ul>
 * Recording is lock-free; label values come from bounded sets (profiles, results, small counts).
 */
public final class SchedulerMetrics {
    public static final double[] ATTEMPT_BUCKETS = exponential(0.001, 2, 15);
    public static final double[] SLI_BUCKETS = exponential(0.01, 2, 20);
    public static final double[] VICTIM_BUCKETS = exponential(1, 2, 7);

    private final Map<List<String>, LongAdder> attempts = new ConcurrentHashMap<>();
    private final Map<List<String>, Histogram> attemptDuration = new ConcurrentHashMap<>();
    private final Map<List<String>, Histogram> sliDuration = new ConcurrentHashMap<>();
    private final LongAdder preemptionAttempts = new LongAdder();
    private final Histogram preemptionVictims = new Histogram(VICTIM_BUCKETS);
    private volatile Supplier<Map<String, Integer>> pending = Map::of;

    /** One finished scheduling cycle. @param result {@code scheduled}, {@code unschedulable} or {@code error} */
    public void attempt(String profile, String result, long nanos) {
        List<String> key = List.of(profile, result);
        attempts.computeIfAbsent(key, ignored -> new LongAdder()).increment();
        attemptDuration.computeIfAbsent(key, ignored -> new Histogram(ATTEMPT_BUCKETS)).observe(nanos / 1e9);
    }

    /** A pod bound after {@code attempts} cycles, {@code nanos} after it first entered the queue. */
    public void podScheduled(int attempts, long nanos) {
        String label = attempts >= 16 ? "16+" : Integer.toString(attempts);
        sliDuration.computeIfAbsent(List.of(label), ignored -> new Histogram(SLI_BUCKETS)).observe(nanos / 1e9);
    }

    public void preemption(int victims) {
        preemptionAttempts.increment();
        preemptionVictims.observe(victims);
    }

    /** Where the pending pods are, by queue name; read at every render. */
    public void pendingPods(Supplier<Map<String, Integer>> depths) {
        this.pending = Objects.requireNonNull(depths, "depths");
    }

    public long attempts(String profile, String result) {
        LongAdder adder = attempts.get(List.of(profile, result));
        return adder == null ? 0 : adder.sum();
    }

    /** Appends every family with samples, HELP and TYPE lines first. */
    public void render(StringBuilder out) {
        if (!attempts.isEmpty()) {
            header(out, "scheduler_schedule_attempts_total",
                    "Number of attempts to schedule pods, by the result. 'unschedulable' means a pod could not be scheduled, while 'error' means an internal scheduler problem.",
                    "counter");
            sorted(attempts).forEach(entry -> sample(out, "scheduler_schedule_attempts_total",
                    List.of("profile", "result"), entry.getKey(), "", "", Long.toString(entry.getValue().sum())));
        }
        histogram(out, "scheduler_scheduling_attempt_duration_seconds",
                "Scheduling attempt latency in seconds (scheduling algorithm + binding)", List.of("profile", "result"), attemptDuration);
        histogram(out, "scheduler_pod_scheduling_sli_duration_seconds",
                "E2e latency for a pod being scheduled, from the time the pod enters the scheduling queue and might involve multiple scheduling attempts.",
                List.of("attempts"), sliDuration);
        Map<String, Integer> depths = pending.get();
        if (!depths.isEmpty()) {
            header(out, "scheduler_pending_pods",
                    "Number of pending pods, by the queue type. 'active' means number of pods in activeQ; 'backoff' means number of pods in backoffQ; 'unschedulable' means number of pods in unschedulablePods; 'gated' means number of pods gated by scheduling gates.",
                    "gauge");
            new java.util.TreeMap<>(depths).forEach((queue, count) ->
                    sample(out, "scheduler_pending_pods", List.of("queue"), List.of(queue), "", "", Integer.toString(count)));
        }
        if (preemptionAttempts.sum() > 0) {
            header(out, "scheduler_preemption_attempts_total", "Total preemption attempts in the cluster till now", "counter");
            sample(out, "scheduler_preemption_attempts_total", List.of(), List.of(), "", "", Long.toString(preemptionAttempts.sum()));
            histogram(out, "scheduler_preemption_victims", "Number of selected preemption victims", List.of(),
                    Map.of(List.of(), preemptionVictims));
        }
    }

    /** Everything {@link #render(StringBuilder)} writes, as a string. */
    public String render() {
        StringBuilder out = new StringBuilder(2048);
        render(out);
        return out.toString();
    }

    private static <V> List<Map.Entry<List<String>, V>> sorted(Map<List<String>, V> map) {
        List<Map.Entry<List<String>, V>> entries = new ArrayList<>(map.entrySet());
        entries.sort((left, right) -> String.join("\u0000", left.getKey()).compareTo(String.join("\u0000", right.getKey())));
        return entries;
    }

    private static void histogram(StringBuilder out, String name, String help, List<String> labels, Map<List<String>, Histogram> series) {
        if (series.isEmpty()) {
            return;
        }
        header(out, name, help, "histogram");
        for (var entry : sorted(series)) {
            Histogram histogram = entry.getValue();
            long[] counts = histogram.snapshot();
            long cumulative = 0;
            for (int i = 0; i < histogram.bounds.length; i++) {
                cumulative += counts[i];
                sample(out, name + "_bucket", labels, entry.getKey(), "le", format(histogram.bounds[i]), Long.toString(cumulative));
            }
            cumulative += counts[histogram.bounds.length];
            sample(out, name + "_bucket", labels, entry.getKey(), "le", "+Inf", Long.toString(cumulative));
            sample(out, name + "_sum", labels, entry.getKey(), "", "", format(histogram.sum.sum()));
            sample(out, name + "_count", labels, entry.getKey(), "", "", Long.toString(cumulative));
        }
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, List<String> labelNames, List<String> values,
                               String extraName, String extraValue, String value) {
        out.append(name);
        if (!labelNames.isEmpty() || !extraName.isEmpty()) {
            out.append('{');
            for (int i = 0; i < labelNames.size(); i++) {
                out.append(i > 0 ? "," : "").append(labelNames.get(i)).append("=\"")
                        .append(values.get(i).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
            }
            if (!extraName.isEmpty()) {
                out.append(labelNames.isEmpty() ? "" : ",").append(extraName).append("=\"").append(extraValue).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(value).append('\n');
    }

    static String format(double value) {
        if (value == 0) {
            return "0";
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    static double[] exponential(double start, double factor, int count) {
        double[] bounds = new double[count];
        double bound = start;
        for (int i = 0; i < count; i++) {
            bounds[i] = bound;
            bound *= factor;
        }
        return bounds;
    }

    /** Non-cumulative bucket counts, the last one for +Inf. */
    private static final class Histogram {
        private final double[] bounds;
        private final LongAdder[] counts;
        private final DoubleAdder sum = new DoubleAdder();

        Histogram(double[] bounds) {
            this.bounds = bounds;
            this.counts = new LongAdder[bounds.length + 1];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(double value) {
            int index = java.util.Arrays.binarySearch(bounds, value);
            counts[index >= 0 ? index : -index - 1].increment();
            sum.add(value);
        }

        long[] snapshot() {
            long[] snapshot = new long[counts.length];
            for (int i = 0; i < counts.length; i++) {
                snapshot[i] = counts[i].sum();
            }
            return snapshot;
        }
    }
}
