package dev.kapal.apiserver.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapal.apiserver.metrics.TextFormatParser.Family;
import dev.kapal.apiserver.metrics.TextFormatParser.Sample;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class MetricsRegistryTest {
    private final MetricsRegistry registry = new MetricsRegistry();

    private Map<String, Family> scrape() {
        return TextFormatParser.parse(new String(registry.render(), StandardCharsets.UTF_8));
    }

    @Test
    void counterRendersHelpTypeAndSortedSeries() {
        Counter counter = registry.counter("things_total", "Things seen.", "kind", "code");
        counter.labels("b", "200").inc();
        counter.labels("a", "404").add(3);
        counter.labels("a", "200").inc();
        counter.labels("a", "200").inc();
        assertThat(new String(registry.render(), StandardCharsets.UTF_8)).isEqualTo("""
                # HELP things_total Things seen.
                # TYPE things_total counter
                things_total{kind="a",code="200"} 2
                things_total{kind="a",code="404"} 3
                things_total{kind="b",code="200"} 1
                """);
    }

    @Test
    void histogramBucketsAreCumulativeWithInclusiveBounds() {
        Histogram histogram = registry.histogram("latency_seconds", "Latency.", new double[] {0.005, 0.1, 1}, "op");
        Histogram.Child child = histogram.labels("get");
        child.observe(0.005); // on the bound: counts in le="0.005"
        child.observe(0.05);
        child.observeNanos(2_500_000_000L);
        Family family = scrape().get("latency_seconds");
        assertThat(family.type()).isEqualTo("histogram");
        assertThat(family.samples()).extracting(Sample::name).containsExactly(
                "latency_seconds_bucket", "latency_seconds_bucket", "latency_seconds_bucket", "latency_seconds_bucket",
                "latency_seconds_sum", "latency_seconds_count");
        assertThat(family.samples()).extracting(sample -> sample.labels().get("le"))
                .containsExactly("0.005", "0.1", "1", "+Inf", null, null);
        assertThat(family.samples()).extracting(Sample::value).containsExactly(1.0, 2.0, 2.0, 3.0, 2.555, 3.0);
        assertThat(family.samples().getFirst().labels()).containsEntry("op", "get");
        assertThat(new String(registry.render(), StandardCharsets.UTF_8))
                .contains("latency_seconds_bucket{op=\"get\",le=\"+Inf\"} 3\n")
                .contains("latency_seconds_sum{op=\"get\"} 2.555\n");
    }

    @Test
    void gaugesGoUpDownAndCanBeSet() {
        Gauge gauge = registry.gauge("open_things", "Open things.");
        gauge.labels().inc();
        gauge.labels().inc();
        gauge.labels().dec();
        assertThat(scrape().get("open_things").samples().getFirst().value()).isEqualTo(1.0);
        gauge.labels().set(42.5);
        assertThat(new String(registry.render(), StandardCharsets.UTF_8)).contains("open_things 42.5\n");
    }

    @Test
    void labelValuesAndHelpAreEscaped() {
        registry.counter("odd_total", "Help with a \\ backslash\nand a newline.", "value")
                .labels("quote \" backslash \\ newline \n end").inc();
        String text = new String(registry.render(), StandardCharsets.UTF_8);
        assertThat(text).contains("# HELP odd_total Help with a \\\\ backslash\\nand a newline.\n");
        assertThat(text).contains("odd_total{value=\"quote \\\" backslash \\\\ newline \\n end\"} 1\n");
        Family family = scrape().get("odd_total");
        assertThat(family.help()).isEqualTo("Help with a \\ backslash\nand a newline.");
        assertThat(family.samples().getFirst().labels().get("value")).isEqualTo("quote \" backslash \\ newline \n end");
    }

    @Test
    void familiesWithoutSeriesAreLeftOut() {
        registry.counter("never_total", "Never used.", "x");
        registry.counter("used_total", "Used.").labels().inc();
        assertThat(scrape()).containsOnlyKeys("used_total");
    }

    @Test
    void declarationsAreValidated() {
        registry.counter("dup_total", "Once.");
        assertThatThrownBy(() -> registry.counter("dup_total", "Twice.")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.counter("bad-name", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.counter("ok_total", "x", "bad-label")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.histogram("h", "x", new double[] {1, 1}, "a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.histogram("h2", "x", new double[] {1}, "le")).isInstanceOf(IllegalArgumentException.class);
        Counter counter = registry.counter("two_labels_total", "x", "a", "b");
        assertThatThrownBy(() -> counter.labels("only-one")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> counter.labels("a", "b").add(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void numbersArePrintedAsGoPrintsThem() {
        assertThat(MetricsRegistry.formatDouble(1.0)).isEqualTo("1");
        assertThat(MetricsRegistry.formatDouble(0.005)).isEqualTo("0.005");
        assertThat(MetricsRegistry.formatDouble(1.25)).isEqualTo("1.25");
        assertThat(MetricsRegistry.formatDouble(0.0001)).isEqualTo("0.0001");
        assertThat(MetricsRegistry.formatDouble(60)).isEqualTo("60");
        assertThat(MetricsRegistry.formatDouble(0)).isEqualTo("0");
        assertThat(MetricsRegistry.formatDouble(Double.NaN)).isEqualTo("NaN");
        assertThat(MetricsRegistry.formatDouble(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    }

    @Test
    void concurrentIncrementsAreAllCounted() throws Exception {
        Counter counter = registry.counter("hits_total", "Hits.", "series");
        Histogram histogram = registry.histogram("hit_seconds", "Hit time.", new double[] {0.5}, "series");
        int threads = 8;
        int perThread = 50_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                futures.add(executor.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        String series = Integer.toString(i % 4);
                        counter.labels(series).inc();
                        histogram.labels(series).observe(i % 2 == 0 ? 0.25 : 1.0);
                    }
                    return null;
                }));
            }
            // Scrape while writers run: every scrape must parse and stay internally consistent.
            start.countDown();
            for (int scrape = 0; scrape < 20; scrape++) {
                Family family = scrape().getOrDefault("hit_seconds", new Family("hit_seconds", "", "histogram", List.of()));
                List<Sample> samples = family.samples();
                for (int i = 0; i + 3 < samples.size(); i += 4) {
                    assertThat(samples.get(i).value()).isLessThanOrEqualTo(samples.get(i + 1).value());
                    assertThat(samples.get(i + 1).value()).as("+Inf equals _count").isEqualTo(samples.get(i + 3).value());
                }
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        Map<List<String>, Long> counts = counter.series();
        assertThat(counts).hasSize(4);
        assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo((long) threads * perThread);
        assertThat(counts.get(List.of("0"))).isEqualTo((long) threads * perThread / 4);
        Histogram.Snapshot zero = histogram.series().get(List.of("0"));
        assertThat(zero.count()).isEqualTo((long) threads * perThread / 4);
        assertThat(zero.cumulativeCounts()[0]).as("even i observe 0.25").isEqualTo(zero.count());
        assertThat(zero.sum()).isEqualTo(zero.count() * 0.25);
    }
}
