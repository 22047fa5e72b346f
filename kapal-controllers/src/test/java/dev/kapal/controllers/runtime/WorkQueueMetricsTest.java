package dev.kapal.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** client-go's meaning of each workqueue metric, on a queue with a hand-driven clock. */
class WorkQueueMetricsTest {
    private static final ObjectKey A = new ObjectKey("ns", "a");
    private static final ObjectKey B = new ObjectKey("ns", "b");

    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final WorkQueue<ObjectKey> queue = new WorkQueue<>(
            new RateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(1000), 10, 100, now::get), now::get);

    /** The samples of the rendered text, by series ("family{labels}"), parsed line by line. */
    private Map<String, String> scrape() {
        StringBuilder out = new StringBuilder();
        WorkQueueMetrics.render(out, Map.of("test", queue));
        Map<String, String> samples = new LinkedHashMap<>();
        for (String line : out.toString().split("\n")) {
            if (!line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), line.substring(space + 1));
            }
        }
        return samples;
    }

    @Test
    void everyFamilyHasHelpTypeAndOneSeriesPerQueue() {
        StringBuilder out = new StringBuilder();
        WorkQueueMetrics.render(out, Map.of("deployment", queue, "replicaset", new WorkQueue<ObjectKey>()));
        String text = out.toString();
        for (String family : new String[] {"workqueue_depth", "workqueue_adds_total", "workqueue_queue_duration_seconds",
                "workqueue_work_duration_seconds", "workqueue_retries_total", "workqueue_unfinished_work_seconds",
                "workqueue_longest_running_processor_seconds"}) {
            assertThat(text).contains("# HELP " + family + " ").contains("# TYPE " + family + " ");
        }
        assertThat(text).contains("workqueue_depth{name=\"deployment\"} 0\n", "workqueue_depth{name=\"replicaset\"} 0\n",
                "workqueue_work_duration_seconds_bucket{name=\"replicaset\",le=\"0.00000001\"} 0\n",
                "workqueue_work_duration_seconds_bucket{name=\"replicaset\",le=\"+Inf\"} 0\n");
        StringBuilder none = new StringBuilder();
        WorkQueueMetrics.render(none, Map.of());
        assertThat(none).isEmpty();
    }

    @Test
    void addsDepthAndDurationsFollowTheKeyThroughTheQueue() throws Exception {
        queue.add(A);
        queue.add(A); // already dirty: not an add
        queue.add(B);
        assertThat(scrape()).containsEntry("workqueue_adds_total{name=\"test\"}", "2")
                .containsEntry("workqueue_depth{name=\"test\"}", "2");

        now.addAndGet(2_000_000); // A waited 2 ms
        assertThat(queue.take()).contains(A);
        now.addAndGet(3_000_000_000L); // A worked on for 3 s so far
        Map<String, String> during = scrape();
        assertThat(during).containsEntry("workqueue_depth{name=\"test\"}", "1")
                .containsEntry("workqueue_unfinished_work_seconds{name=\"test\"}", "3")
                .containsEntry("workqueue_longest_running_processor_seconds{name=\"test\"}", "3")
                .containsEntry("workqueue_queue_duration_seconds_bucket{name=\"test\",le=\"0.001\"}", "0")
                .containsEntry("workqueue_queue_duration_seconds_bucket{name=\"test\",le=\"0.01\"}", "1")
                .containsEntry("workqueue_queue_duration_seconds_count{name=\"test\"}", "1")
                .containsEntry("workqueue_queue_duration_seconds_sum{name=\"test\"}", "0.002")
                .containsEntry("workqueue_work_duration_seconds_count{name=\"test\"}", "0");

        queue.add(A); // dirty again while processing: counted, queued after done
        queue.done(A);
        Map<String, String> after = scrape();
        assertThat(after).containsEntry("workqueue_adds_total{name=\"test\"}", "3")
                .containsEntry("workqueue_depth{name=\"test\"}", "2")
                .containsEntry("workqueue_unfinished_work_seconds{name=\"test\"}", "0")
                .containsEntry("workqueue_work_duration_seconds_bucket{name=\"test\",le=\"1\"}", "0")
                .containsEntry("workqueue_work_duration_seconds_bucket{name=\"test\",le=\"10\"}", "1")
                .containsEntry("workqueue_work_duration_seconds_sum{name=\"test\"}", "3")
                .containsEntry("workqueue_work_duration_seconds_count{name=\"test\"}", "1");
    }

    @Test
    void retriesCountEveryDelayedOrRateLimitedReAdd() {
        queue.addRateLimited(A);
        queue.addAfter(B, Duration.ofSeconds(1));
        queue.addAfter(B, Duration.ZERO);
        assertThat(scrape()).containsEntry("workqueue_retries_total{name=\"test\"}", "3")
                .containsEntry("workqueue_adds_total{name=\"test\"}", "1");
        queue.shutDown();
        queue.addAfter(A, Duration.ofSeconds(1));
        assertThat(scrape()).containsEntry("workqueue_retries_total{name=\"test\"}", "3");
    }
}
