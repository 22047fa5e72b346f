package dev.kapal.apiserver.it;

import static dev.kapal.apiserver.it.Errors.statusOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The objects every cluster has stay: the immortal namespaces cannot be deleted
 * (NamespaceLifecycle) and the {@code kubernetes} Service comes back after a delete, as upstream's
 * API server repairs it.
 */
@Timeout(60)
class BootstrapObjectsTest {
    @RegisterExtension
    static final TestCluster cluster = TestCluster.memory();

    private final KubernetesClient client = cluster.client();

    @Test
    void systemNamespacesMayNotBeDeleted() {
        for (String name : List.of("default", "kube-system", "kube-public")) {
            Status status = statusOf(403, () -> client.namespaces().withName(name).delete());
            assertThat(status.getReason()).isEqualTo("Forbidden");
            assertThat(status.getMessage()).isEqualTo("namespaces \"" + name + "\" is forbidden: this namespace may not be deleted");
            assertThat(status.getDetails().getName()).isEqualTo(name);
            assertThat(status.getDetails().getKind()).isEqualTo("namespaces");
            assertThat(client.namespaces().withName(name).get().getMetadata().getDeletionTimestamp()).isNull();
        }
    }

    @Test
    void theKubernetesServiceComesBackAfterADelete() {
        String uid = client.services().inNamespace("default").withName("kubernetes").get().getMetadata().getUid();
        client.services().inNamespace("default").withName("kubernetes").delete();
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Service again = client.services().inNamespace("default").withName("kubernetes").get();
            assertThat(again).isNotNull();
            assertThat(again.getMetadata().getUid()).isNotEqualTo(uid);
            assertThat(again.getSpec().getClusterIP()).isEqualTo("10.43.0.1");
        });
    }
}
