package dev.kapal.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.apiserver.testing.InProcessApiServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link KubeletEvents} against an in-process API server: aggregation and the spam filter. */
class KubeletEventsTest {
    private static InProcessApiServer cluster;
    private static KubernetesClient admin;

    @BeforeAll
    static void start() throws Exception {
        cluster = new InProcessApiServer();
        admin = cluster.admin();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Pod pod(String name) {
        return admin.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withNodeName("n1").addNewContainer().withName("app").withImage("busybox").endContainer()
                    .addNewInitContainer().withName("init").withImage("busybox").endInitContainer()
                .endSpec().build()).create();
    }

    private static List<Event> events(String pod) {
        return admin.v1().events().inNamespace("default").list().getItems().stream()
                .filter(event -> pod.equals(event.getInvolvedObject().getName())).toList();
    }

    @Test
    void repeatsAreAggregatedAndTheSpamFilterHoldsBackMoreThan25() {
        Pod pod = pod("noisy");
        try (KubeletEvents events = new KubeletEvents(cluster.clientFor("system:node:n1", "system:nodes"), Clock.systemUTC(), 100, 1)) {
            for (int index = 0; index < 30; index++) {
                events.record("n1", pod, Optional.of(KubeletEvents.fieldPath(pod, "app")), "Warning", "Unhealthy",
                        "Readiness probe failed: no");
            }
            events.record("n1", pod, Optional.of(KubeletEvents.fieldPath(pod, "init")), "Normal", "Started", "Started container init");

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(events.written()).isEqualTo(26));
            assertThat(events.filtered()).isEqualTo(5);
        }
        List<Event> written = events("noisy");
        assertThat(written).hasSize(2);
        Event unhealthy = written.stream().filter(event -> "Unhealthy".equals(event.getReason())).findFirst().orElseThrow();
        assertThat(unhealthy.getCount()).isEqualTo(25);
        assertThat(unhealthy.getInvolvedObject().getFieldPath()).isEqualTo("spec.containers{app}");
        assertThat(unhealthy.getSource().getHost()).isEqualTo("n1");
        Event started = written.stream().filter(event -> "Started".equals(event.getReason())).findFirst().orElseThrow();
        assertThat(started.getInvolvedObject().getFieldPath()).isEqualTo("spec.initContainers{init}");
        assertThat(started.getCount()).isEqualTo(1);
    }
}
