package dev.kapal.controllers.podgc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.apiserver.testing.InProcessApiServer;
import dev.kapal.controllers.ControllerManager;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pod GC with a threshold of two terminated pods and short timings. */
class PodGarbageCollectorTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static InProcessApiServer server;
    private static KubernetesClient admin;
    private static ControllerManager manager;

    @BeforeAll
    static void start() throws Exception {
        server = new InProcessApiServer();
        admin = server.admin();
        PodGarbageCollector.Settings settings = new PodGarbageCollector.Settings(2, Duration.ofMillis(200), Duration.ofMillis(500));
        manager = new ControllerManager(server.clientFor("system:kube-controller-manager"),
                List.of(new ControllerManager.Definition(PodGarbageCollector.NAME,
                        context -> PodGarbageCollector.create(context, settings))), "");
        manager.start();
        manager.ready().get(90, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        if (manager != null) {
            manager.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static Pod pod(String namespace, String name, String nodeName, String... finalizers) {
        return admin.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name)
                .withFinalizers(finalizers).endMetadata()
                .withNewSpec().withNodeName(nodeName).addNewContainer().withName("c").withImage("nginx").endContainer().endSpec()
                .build()).create();
    }

    private static void setPhase(String namespace, String name, String phase) {
        Pod pod = admin.pods().inNamespace(namespace).withName(name).get();
        pod.setStatus(new PodStatusBuilder().withPhase(phase).build());
        admin.pods().inNamespace(namespace).resource(pod).updateStatus();
    }

    @Test
    void terminatedPodsOverTheThresholdGoOldestFirst() {
        admin.nodes().resource(new NodeBuilder().withNewMetadata().withName("busy-node").endMetadata().build()).create();
        admin.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName("done").endMetadata().build()).create();
        for (int i = 0; i < 4; i++) {
            pod("done", "finished-" + i, "busy-node");
        }
        pod("done", "running", "busy-node");
        setPhase("done", "running", "Running");
        for (int i = 0; i < 4; i++) {
            setPhase("done", "finished-" + i, i % 2 == 0 ? "Succeeded" : "Failed");
        }

        await().atMost(PATIENCE).until(() -> admin.pods().inNamespace("done").list().getItems().size() == 3);
        assertThat(admin.pods().inNamespace("done").list().getItems()).extracting(pod -> pod.getMetadata().getName())
                .containsExactlyInAnyOrder("finished-2", "finished-3", "running");
    }

    @Test
    void podsOnANodeThatDoesNotExistAreMarkedAndDeleted() {
        admin.nodes().resource(new NodeBuilder().withNewMetadata().withName("present-node").endMetadata().build()).create();
        pod("default", "on-present", "present-node");
        // The finalizer keeps the deleted pod visible, so its last status can be checked.
        pod("default", "on-ghost", "ghost-node", "example.com/hold");

        await().atMost(PATIENCE).until(() -> admin.pods().inNamespace("default").withName("on-ghost").get()
                .getMetadata().getDeletionTimestamp() != null);
        Pod collected = admin.pods().inNamespace("default").withName("on-ghost").get();
        assertThat(collected.getStatus().getPhase()).isEqualTo("Failed");
        PodCondition target = collected.getStatus().getConditions().stream()
                .filter(condition -> condition.getType().equals("DisruptionTarget")).findFirst().orElseThrow();
        assertThat(target.getStatus()).isEqualTo("True");
        assertThat(target.getReason()).isEqualTo("DeletionByPodGC");
        assertThat(target.getMessage()).isEqualTo("PodGC: node no longer exists");
        assertThat(admin.pods().inNamespace("default").withName("on-present").get().getMetadata().getDeletionTimestamp()).isNull();

        admin.pods().inNamespace("default").withName("on-ghost").edit(pod -> {
            pod.getMetadata().setFinalizers(List.of());
            return pod;
        });
        await().atMost(PATIENCE).until(() -> admin.pods().inNamespace("default").withName("on-ghost").get() == null);
    }
}
