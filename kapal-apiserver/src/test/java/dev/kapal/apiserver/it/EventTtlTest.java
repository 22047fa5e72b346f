package dev.kapal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.apiserver.testing.InProcessApiServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Events expire a TTL after their last write (kube-apiserver's --event-ttl), here a short one. */
class EventTtlTest {
    @Test
    void eventsOfBothGroupsExpireAndOtherObjectsStay() throws Exception {
        try (InProcessApiServer server = new InProcessApiServer(config -> config.withEventTtl(Duration.ofSeconds(2)))) {
            KubernetesClient admin = server.admin();
            admin.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("kept")
                    .endMetadata().build()).create();
            admin.v1().events().inNamespace("default").resource(new EventBuilder().withNewMetadata().withName("core.1")
                    .endMetadata().withNewInvolvedObject().withKind("ConfigMap").withName("kept").withNamespace("default")
                    .endInvolvedObject().withReason("Poked").withMessage("m").withType("Normal").build()).create();
            admin.events().v1().events().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.events.v1.EventBuilder()
                    .withNewMetadata().withName("new.1").endMetadata().withEventTime(new MicroTime(Instant.now().toString()))
                    .withReportingController("test").withReportingInstance("test-1").withAction("Poke").withReason("Poked")
                    .withType("Normal").withNewRegarding().withKind("ConfigMap").withName("kept").withNamespace("default")
                    .endRegarding().build()).create();
            assertThat(admin.v1().events().inNamespace("default").list().getItems()).isNotEmpty();

            await().atMost(Duration.ofSeconds(30)).until(() ->
                    admin.v1().events().inNamespace("default").withName("core.1").get() == null
                            && admin.v1().events().inNamespace("default").withName("new.1").get() == null);
            assertThat(admin.configMaps().inNamespace("default").withName("kept").get()).isNotNull();
        }
    }
}
