package dev.kapal.controllers.runtime;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * kube-controller-manager's workqueue metrics in the Prometheus text format 0.0.4, one series per
 * queue with the label {@code name} (the controller's name), as client-go's workqueue metrics
 * provider registers them:
 * <ul>
 * <li>{@code workqueue_depth} (gauge) — keys waiting to be taken;</li>
 * <li>{@code workqueue_adds_total} (counter) — adds that made a key dirty;</li>
 * <li>{@code workqueue_queue_duration_seconds} (histogram) — from add to take;</li>
 * <li>{@code workqueue_work_duration_seconds} (histogram) — from take to done;</li>
 * <li>{@code workqueue_retries_total} (counter) — delayed and rate-limited re-adds;</li>
 * <li>{@code workqueue_unfinished_work_seconds} (gauge) — the summed age of the work under way;</li>
 * <li>{@code workqueue_longest_running_processor_seconds} (gauge) — the age of the oldest work under way.</li>
 * </ul>
 * Histogram buckets are client-go's: 10 ns to 10 s by factors of ten. The gauges are computed
 * when rendered (client-go refreshes them every half second).
 */
public final class WorkQueueMetrics {
    private WorkQueueMetrics() {
    }

    /** Appends every family for {@code queues} (queue name to queue); nothing when there is no queue. */
    public static void render(StringBuilder out, Map<String, WorkQueue<?>> queues) {
        if (queues.isEmpty()) {
            return;
        }
        Families families = new Families();
        new TreeMap<>(queues).forEach((name, queue) -> queue.sample(name, families));
        families.writeTo(out);
    }

    /** Appends the families of {@code controllers}' queues, labelled with the controllers' names. */
    public static void render(StringBuilder out, List<? extends Controller<?>> controllers) {
        Map<String, WorkQueue<?>> queues = new TreeMap<>();
        controllers.forEach(controller -> queues.putIfAbsent(controller.name(), controller.queue()));
        render(out, queues);
    }

    /** One snapshot of each queue, collected before the families are written family by family. */
    static final class Families {
        private record Sample(String name, int depth, long adds, long retries, long[] queueBuckets, double queueSum,
                              long[] workBuckets, double workSum, double unfinished, double longest) {
        }

        private final List<Sample> samples = new ArrayList<>();

        void add(String name, int depth, QueueMetrics metrics, double unfinished, double longest) {
            samples.add(new Sample(name, depth, metrics.adds.sum(), metrics.retries.sum(),
                    metrics.queueDuration.cumulative(), metrics.queueDuration.sum(),
                    metrics.workDuration.cumulative(), metrics.workDuration.sum(), unfinished, longest));
        }

        void writeTo(StringBuilder out) {
            family(out, "workqueue_adds_total", "counter", "Total number of adds handled by workqueue");
            samples.forEach(sample -> line(out, "workqueue_adds_total", sample.name(), "", Long.toString(sample.adds())));
            family(out, "workqueue_depth", "gauge", "Current depth of workqueue");
            samples.forEach(sample -> line(out, "workqueue_depth", sample.name(), "", Integer.toString(sample.depth())));
            family(out, "workqueue_longest_running_processor_seconds", "gauge",
                    "How many seconds has the longest running processor for workqueue been running.");
            samples.forEach(sample -> line(out, "workqueue_longest_running_processor_seconds", sample.name(), "",
                    number(sample.longest())));
            family(out, "workqueue_queue_duration_seconds", "histogram",
                    "How long in seconds an item stays in workqueue before being requested.");
            samples.forEach(sample -> histogram(out, "workqueue_queue_duration_seconds", sample.name(),
                    sample.queueBuckets(), sample.queueSum()));
            family(out, "workqueue_retries_total", "counter", "Total number of retries handled by workqueue");
            samples.forEach(sample -> line(out, "workqueue_retries_total", sample.name(), "", Long.toString(sample.retries())));
            family(out, "workqueue_unfinished_work_seconds", "gauge",
                    "How many seconds of work has done that is in progress and hasn't been observed by work_duration. "
                            + "Large values indicate stuck threads. One can deduce the number of stuck threads by "
                            + "observing the rate at which this increases.");
            samples.forEach(sample -> line(out, "workqueue_unfinished_work_seconds", sample.name(), "",
                    number(sample.unfinished())));
            family(out, "workqueue_work_duration_seconds", "histogram",
                    "How long in seconds processing an item from workqueue takes.");
            samples.forEach(sample -> histogram(out, "workqueue_work_duration_seconds", sample.name(),
                    sample.workBuckets(), sample.workSum()));
        }

        private static void family(StringBuilder out, String name, String type, String help) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        }

        private static void histogram(StringBuilder out, String family, String name, long[] cumulative, double sum) {
            for (int i = 0; i < QueueMetrics.DURATION_BUCKETS.length; i++) {
                line(out, family + "_bucket", name, number(QueueMetrics.DURATION_BUCKETS[i]), Long.toString(cumulative[i]));
            }
            long count = cumulative[cumulative.length - 1];
            line(out, family + "_bucket", name, "+Inf", Long.toString(count));
            line(out, family + "_sum", name, "", number(sum));
            line(out, family + "_count", name, "", Long.toString(count));
        }

        /** {@code family{name="queue"[,le="bound"]} value}; queue names are escaped as label values. */
        private static void line(StringBuilder out, String family, String name, String le, String value) {
            out.append(family).append("{name=\"")
                    .append(name.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
            if (!le.isEmpty()) {
                out.append(",le=\"").append(le).append('"');
            }
            out.append("} ").append(value).append('\n');
        }

        private static String number(double value) {
            return value == 0 ? "0" : BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
        }
    }
}
