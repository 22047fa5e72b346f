package dev.kapal.apiserver.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapal.apiserver.metrics.TextFormatParser.Family;
import dev.kapal.apiserver.metrics.TextFormatParser.Sample;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiMetricsTest {
    private final ApiMetrics metrics = new ApiMetrics();

    private Map<String, Family> scrape() {
        return TextFormatParser.parse(new String(metrics.render(), StandardCharsets.UTF_8));
    }

    @Test
    void requestsAreCountedAndTimedWithUpstreamLabels() {
        metrics.observeRequest("LIST", "apps", "v1", "deployments", "", "namespace", 200, 30_000_000);
        metrics.observeRequest("LIST", "apps", "v1", "deployments", "", "namespace", 200, 700_000_000);
        metrics.observeRequest("POST", true, "", "v1", "configmaps", "", "namespace", 201, 1_000_000);
        Family total = scrape().get("apiserver_request_total");
        assertThat(total.type()).isEqualTo("counter");
        assertThat(total.samples()).hasSize(2);
        Sample list = total.samples().stream().filter(s -> s.labels().get("verb").equals("LIST")).findFirst().orElseThrow();
        assertThat(list.labels()).containsExactly(
                Map.entry("verb", "LIST"), Map.entry("dry_run", ""), Map.entry("group", "apps"), Map.entry("version", "v1"),
                Map.entry("resource", "deployments"), Map.entry("subresource", ""), Map.entry("scope", "namespace"),
                Map.entry("component", "apiserver"), Map.entry("code", "200"));
        assertThat(list.value()).isEqualTo(2);
        Sample post = total.samples().stream().filter(s -> s.labels().get("verb").equals("POST")).findFirst().orElseThrow();
        assertThat(post.labels()).containsEntry("dry_run", "All").containsEntry("code", "201");

        Family duration = scrape().get("apiserver_request_duration_seconds");
        assertThat(duration.type()).isEqualTo("histogram");
        assertThat(duration.samples().stream().filter(s -> s.name().endsWith("_bucket")).map(s -> s.labels().get("le")).distinct())
                .containsExactly("0.005", "0.025", "0.05", "0.1", "0.2", "0.4", "0.6", "0.8", "1", "1.25", "1.5", "2", "3", "4",
                        "5", "6", "8", "10", "15", "20", "30", "45", "60", "+Inf");
        Sample listUnder50ms = duration.samples().stream()
                .filter(s -> "LIST".equals(s.labels().get("verb")) && "0.05".equals(s.labels().get("le"))).findFirst().orElseThrow();
        assertThat(listUnder50ms.value()).isEqualTo(1);
        assertThat(duration.samples()).noneMatch(s -> s.labels().containsKey("code"));
    }

    @Test
    void longRunningRequestsAreCountedWhileOpenAndClosedOnce() {
        ApiMetrics.LongRunning first = metrics.watchOpened("", "v1", "pods", "namespace");
        ApiMetrics.LongRunning second = metrics.watchOpened("", "v1", "pods", "namespace");
        assertThat(watchers()).isEqualTo(2);
        first.close();
        first.close();
        assertThat(watchers()).isEqualTo(1);
        second.close();
        assertThat(watchers()).isEqualTo(0);
        assertThat(scrape().get("apiserver_longrunning_requests").samples().getFirst().labels())
                .containsEntry("verb", "WATCH").containsEntry("resource", "pods").containsEntry("component", "apiserver");
    }

    private double watchers() {
        return scrape().get("apiserver_longrunning_requests").samples().getFirst().value();
    }

    @Test
    void storeLatencyAndObjectCounts() {
        metrics.observeStore("get", 200_000);
        metrics.observeStore("get", 3_000_000);
        metrics.setStorageObjects("deployments.apps", 12);
        Map<String, Family> families = scrape();
        Family store = families.get("kapal_store_operation_duration_seconds");
        Sample under1ms = store.samples().stream().filter(s -> "0.001".equals(s.labels().get("le"))).findFirst().orElseThrow();
        assertThat(under1ms.value()).isEqualTo(1);
        Sample count = store.samples().stream().filter(s -> s.name().endsWith("_count")).findFirst().orElseThrow();
        assertThat(count.value()).isEqualTo(2);
        assertThat(families.get("apiserver_storage_objects").samples().getFirst().value()).isEqualTo(12);
        assertThat(metrics.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    }

    @Test
    void otherComponentsFamiliesFollowTheServersOwn() {
        metrics.observeStore("get", 200_000);
        MetricsSource scheduler = out -> out.append("# HELP scheduler_pending_pods Pending pods.\n")
                .append("# TYPE scheduler_pending_pods gauge\n")
                .append("scheduler_pending_pods{queue=\"active\"} 3\n");
        String text = new String(metrics.render(java.util.List.of(scheduler)), StandardCharsets.UTF_8);
        Map<String, Family> families = TextFormatParser.parse(text);
        assertThat(families).containsKeys("kapal_store_operation_duration_seconds", "scheduler_pending_pods");
        assertThat(families.get("scheduler_pending_pods").samples().getFirst().value()).isEqualTo(3);
        assertThat(text.indexOf("scheduler_pending_pods")).isGreaterThan(text.indexOf("kapal_store_operation_duration_seconds"));
        assertThat(metrics.render(java.util.List.of())).isEqualTo(metrics.render());
    }
}
