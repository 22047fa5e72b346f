package dev.kapal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * fabric8 watches and informers. fabric8 waits for the response headers of a watch before
 * {@code watch()} returns; upstream flushes them at once, so a watch on a quiet collection starts
 * immediately. (These tests hang until the server flushes a watch response's headers.)
 */
@Timeout(15)
class WatchGapsTest {
    @RegisterExtension
    static final TestCluster cluster = TestCluster.memory();

    private final KubernetesClient client = cluster.client();

    @BeforeAll
    static void fixtures() {
        cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("selectors").endMetadata().build()).create();
    }

    /** Records what a watch delivered. */
    private static final class Recorder implements Watcher<ConfigMap> {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<ConfigMap> objects = new CopyOnWriteArrayList<>();
        volatile WatcherException closedWith;
        volatile boolean closed;

        @Override
        public void eventReceived(Action action, ConfigMap resource) {
            events.add(action + " " + resource.getMetadata().getName());
            objects.add(resource);
        }

        @Override
        public void onClose(WatcherException cause) {
            closedWith = cause;
            closed = true;
        }

        @Override
        public void onClose() {
            closed = true;
        }
    }

    @Test
    void watchSeesChangesInOrderAndResumesFromTheLastResourceVersion() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("watching").endMetadata().build()).create();
        Recorder recorder = new Recorder();
        String lastSeen;
        try (Watch ignored = client.configMaps().inNamespace("watching").watch(recorder)) {
            client.configMaps().inNamespace("watching").resource(new ConfigMapBuilder()
                    .withNewMetadata().withName("w1").endMetadata().build()).create();
            client.configMaps().inNamespace("watching").withName("w1").edit(cm -> { cm.setData(Map.of("a", "b")); return cm; });
            client.configMaps().inNamespace("watching").withName("w1").delete();
            await().atMost(Duration.ofSeconds(10)).until(() -> recorder.events.size() >= 3);
            assertThat(recorder.events).containsExactly("ADDED w1", "MODIFIED w1", "DELETED w1");
            lastSeen = recorder.objects.get(2).getMetadata().getResourceVersion();
        }
        // Changes while no watch runs are replayed to a watch resuming from the last version seen.
        client.configMaps().inNamespace("watching").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("w2").endMetadata().build()).create();
        client.configMaps().inNamespace("watching").withName("w2").edit(cm -> { cm.setData(Map.of("x", "y")); return cm; });
        Recorder resumed = new Recorder();
        try (Watch ignored = client.configMaps().inNamespace("watching")
                .watch(new ListOptionsBuilder().withResourceVersion(lastSeen).build(), resumed)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> resumed.events.size() >= 2);
            client.configMaps().inNamespace("watching").withName("w2").delete();
            await().atMost(Duration.ofSeconds(10)).until(() -> resumed.events.size() >= 3);
            assertThat(resumed.events).containsExactly("ADDED w2", "MODIFIED w2", "DELETED w2");
        }
    }
    @Test
    void watchWithAFieldSelectorSeesOnlyItsObject() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("watch-one").endMetadata().build()).create();
        Recorder recorder = new Recorder();
        try (Watch ignored = client.configMaps().inNamespace("watch-one").withName("target").watch(recorder)) {
            client.configMaps().inNamespace("watch-one").resource(new ConfigMapBuilder()
                    .withNewMetadata().withName("other").endMetadata().build()).create();
            client.configMaps().inNamespace("watch-one").resource(new ConfigMapBuilder()
                    .withNewMetadata().withName("target").endMetadata().build()).create();
            await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.events.isEmpty());
            assertThat(recorder.events).containsExactly("ADDED target");
        }
    }
    @Test
    void informerSeesAddUpdateDeleteInOrder() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("informing").endMetadata().build()).create();
        client.configMaps().inNamespace("informing").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("before").endMetadata().build()).create();
        List<String> seen = new CopyOnWriteArrayList<>();
        ResourceEventHandler<ConfigMap> handler = new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap obj) {
                seen.add("add " + obj.getMetadata().getName());
            }

            @Override
            public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
                if (!oldObj.getMetadata().getResourceVersion().equals(newObj.getMetadata().getResourceVersion())) {
                    seen.add("update " + newObj.getMetadata().getName() + " " + newObj.getData());
                }
            }

            @Override
            public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {
                seen.add("delete " + obj.getMetadata().getName() + (deletedFinalStateUnknown ? " (unknown)" : ""));
            }
        };
        try (SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace("informing").inform(handler, 0)) {
            await().atMost(Duration.ofSeconds(10)).until(informer::hasSynced);
            client.configMaps().inNamespace("informing").resource(new ConfigMapBuilder()
                    .withNewMetadata().withName("during").endMetadata().build()).create();
            client.configMaps().inNamespace("informing").withName("during").edit(cm -> { cm.setData(Map.of("k", "v")); return cm; });
            client.configMaps().inNamespace("informing").withName("during").delete();
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 4);
            assertThat(seen).containsExactly("add before", "add during", "update during {k=v}", "delete during");
            assertThat(informer.getStore().list()).extracting(cm -> cm.getMetadata().getName()).containsExactly("before");
            assertThat(informer.lastSyncResourceVersion()).isNotEmpty();
        }
    }
    @Test
    void podInformerAcrossNamespaces() {
        List<String> added = new CopyOnWriteArrayList<>();
        try (SharedIndexInformer<Pod> informer = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod obj) {
                added.add(obj.getMetadata().getNamespace() + "/" + obj.getMetadata().getName());
            }

            @Override
            public void onUpdate(Pod oldObj, Pod newObj) {
            }

            @Override
            public void onDelete(Pod obj, boolean deletedFinalStateUnknown) {
            }
        }, 0)) {
            await().atMost(Duration.ofSeconds(10)).until(informer::hasSynced);
            client.pods().inNamespace("default").resource(DefaultsTest.pod("informed-pod", "nginx:1.25")).create();
            await().atMost(Duration.ofSeconds(10)).until(() -> added.contains("default/informed-pod"));
        }
    }
    @Test
    void watchThatAsksForBookmarksGetsOneBeforeItTimesOut() throws Exception {
        // Upstream's cacher schedules a bookmark two seconds before a watch's deadline, so that
        // clients always learn a fresh resourceVersion to resume from.
        List<JsonNode> events = watchEvents("/api/v1/namespaces/selectors/configmaps?watch=1&allowWatchBookmarks=true"
                + "&resourceVersion=" + client.configMaps().inNamespace("selectors").list().getMetadata().getResourceVersion()
                + "&timeoutSeconds=5", 10);
        assertThat(events).extracting(event -> event.path("type").asText()).contains("BOOKMARK");
    }

    static List<JsonNode> watchEvents(String path, int maximum) throws Exception {
        return ListWatchTest.watchEvents(cluster, path, maximum);
    }
}
