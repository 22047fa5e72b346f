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

/** Selectors, paging and watching, as fabric8's lists, watches and informers use them. */
@Timeout(15)
class ListWatchTest {
    @RegisterExtension
    static final TestCluster cluster = TestCluster.memory();

    private final KubernetesClient client = cluster.client();

    @BeforeAll
    static void selectorFixtures() {
        KubernetesClient client = cluster.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("selectors").endMetadata().build()).create();
        Map<String, Map<String, String>> labels = Map.of(
                "red-big", Map.of("color", "red", "size", "big"),
                "red-small", Map.of("color", "red", "size", "small"),
                "blue-big", Map.of("color", "blue", "size", "big"),
                "green", Map.of("color", "green"),
                "plain", Map.of());
        labels.forEach((name, values) -> client.configMaps().inNamespace("selectors").resource(new ConfigMapBuilder()
                .withNewMetadata().withName(name).withLabels(values).endMetadata().build()).create());
    }

    private List<String> names(ConfigMapList list) {
        return list.getItems().stream().map(cm -> cm.getMetadata().getName()).sorted().toList();
    }

    private List<String> selected(String labelSelector) {
        return names(client.configMaps().inNamespace("selectors").withLabelSelector(labelSelector).list());
    }

    @Test
    void labelSelectors() {
        assertThat(selected("color=red")).containsExactly("red-big", "red-small");
        assertThat(selected("color==red,size=big")).containsExactly("red-big");
        assertThat(selected("color!=red")).containsExactly("blue-big", "green", "plain");
        assertThat(selected("color in (red,green)")).containsExactly("green", "red-big", "red-small");
        assertThat(selected("color notin (red,green)")).containsExactly("blue-big", "plain");
        assertThat(selected("size")).containsExactly("blue-big", "red-big", "red-small");
        assertThat(selected("!size")).containsExactly("green", "plain");
        assertThat(names(client.configMaps().inNamespace("selectors").withLabel("color", "blue").list()))
                .containsExactly("blue-big");
        assertThat(names(client.configMaps().inNamespace("selectors").withoutLabel("color", "blue").withLabel("size").list()))
                .containsExactly("red-big", "red-small");
        assertThat(names(client.configMaps().inNamespace("selectors").withLabelIn("size", "big", "huge").list()))
                .containsExactly("blue-big", "red-big");
        assertThat(names(client.configMaps().inNamespace("selectors").withLabelNotIn("size", "big").list()))
                .containsExactly("green", "plain", "red-small");
    }

    @Test
    void invalidLabelSelectorIsABadRequest() {
        RawHttp http = new RawHttp(cluster.adminHttpClient(HttpClient.Version.HTTP_1_1), cluster.baseUri());
        RawHttp.Answer answer = http.get("/api/v1/namespaces/selectors/configmaps?labelSelector=color%20in%20(red");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.jsonOrFail().path("reason").asText()).isEqualTo("BadRequest");
    }

    @Test
    void fieldSelectors() {
        assertThat(names(client.configMaps().inNamespace("selectors").withField("metadata.name", "green").list()))
                .containsExactly("green");
        assertThat(names(client.configMaps().inNamespace("selectors").withoutField("metadata.name", "green").list()))
                .containsExactly("blue-big", "plain", "red-big", "red-small");
        assertThat(client.configMaps().inAnyNamespace().withField("metadata.namespace", "selectors").list().getItems())
                .hasSize(5);

        Pod onNode = DefaultsTest.pod("on-node", "nginx:1.25");
        onNode.getSpec().setNodeName("node-a");
        client.pods().inNamespace("selectors").resource(onNode).create();
        client.pods().inNamespace("selectors").resource(DefaultsTest.pod("nowhere", "nginx:1.25")).create();
        client.pods().inNamespace("selectors").withName("on-node").editStatus(p -> { p.getStatus().setPhase("Running"); return p; });
        assertThat(client.pods().inNamespace("selectors").withField("spec.nodeName", "node-a").list().getItems())
                .extracting(p -> p.getMetadata().getName()).containsExactly("on-node");
        assertThat(client.pods().inNamespace("selectors").withField("spec.nodeName", "").list().getItems())
                .extracting(p -> p.getMetadata().getName()).containsExactly("nowhere");
        assertThat(client.pods().inNamespace("selectors").withField("status.phase", "Running").list().getItems())
                .extracting(p -> p.getMetadata().getName()).containsExactly("on-node");
        assertThat(client.pods().inNamespace("selectors").withoutField("status.phase", "Running").list().getItems())
                .extracting(p -> p.getMetadata().getName()).containsExactly("nowhere");
    }

    @Test
    void unknownFieldSelectorIsABadRequest() {
        RawHttp http = new RawHttp(cluster.adminHttpClient(HttpClient.Version.HTTP_1_1), cluster.baseUri());
        RawHttp.Answer answer = http.get("/api/v1/namespaces/selectors/configmaps?fieldSelector=data.color%3Dred");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.jsonOrFail().path("reason").asText()).isEqualTo("BadRequest");
        assertThat(answer.jsonOrFail().path("message").asText()).contains("data.color");
    }

    @Test
    void pagingIsConsistentWhileWritesHappen() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("paging").endMetadata().build()).create();
        for (int i = 0; i < 50; i++) {
            client.configMaps().inNamespace("paging").resource(new ConfigMapBuilder()
                    .withNewMetadata().withName(String.format("page-%02d", i)).endMetadata().addToData("n", "" + i).build()).create();
        }
        ConfigMapList first = client.configMaps().inNamespace("paging").list(new ListOptionsBuilder().withLimit(10L).build());
        assertThat(first.getItems()).hasSize(10);
        assertThat(first.getMetadata().getRemainingItemCount()).isEqualTo(40L);
        assertThat(first.getMetadata().getContinue()).isNotEmpty();
        String snapshot = first.getMetadata().getResourceVersion();

        // Writes after the first page: a new name in the middle, a change and a deletion further on.
        client.configMaps().inNamespace("paging").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("page-25a").endMetadata().build()).create();
        client.configMaps().inNamespace("paging").withName("page-30").edit(cm -> { cm.getData().put("n", "changed"); return cm; });
        client.configMaps().inNamespace("paging").withName("page-40").delete();

        List<ConfigMap> all = new ArrayList<>(first.getItems());
        String token = first.getMetadata().getContinue();
        int pages = 1;
        while (token != null && !token.isEmpty()) {
            ConfigMapList page = client.configMaps().inNamespace("paging")
                    .list(new ListOptionsBuilder().withLimit(10L).withContinue(token).build());
            assertThat(page.getMetadata().getResourceVersion()).isEqualTo(snapshot);
            all.addAll(page.getItems());
            token = page.getMetadata().getContinue();
            pages++;
            if (token != null && !token.isEmpty()) {
                assertThat(page.getMetadata().getRemainingItemCount()).isEqualTo(50L - 10L * pages);
            }
        }
        assertThat(pages).isEqualTo(5);
        assertThat(all).extracting(cm -> cm.getMetadata().getName())
                .containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(i -> String.format("page-%02d", i)).toList());
        assertThat(all.get(30).getData()).containsEntry("n", "30");

        ConfigMapList fresh = client.configMaps().inNamespace("paging").list();
        assertThat(fresh.getItems()).hasSize(50).extracting(cm -> cm.getMetadata().getName())
                .contains("page-25a").doesNotContain("page-40");
    }

    @Test
    void listWithLimitAndNothingMoreHasNoContinue() {
        ConfigMapList list = client.configMaps().inNamespace("selectors").list(new ListOptionsBuilder().withLimit(100L).build());
        assertThat(list.getItems()).hasSize(5);
        assertThat(list.getMetadata().getContinue()).isNullOrEmpty();
        assertThat(list.getMetadata().getRemainingItemCount()).isNull();
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

    /** Reads a raw watch stream line by line until it ends or {@code maximum} events arrived. */
    static List<JsonNode> watchEvents(String path, int maximum) throws Exception {
        return watchEvents(cluster, path, maximum);
    }

    static List<JsonNode> watchEvents(TestCluster cluster, String path, int maximum) throws Exception {
        HttpClient http = cluster.adminHttpClient(HttpClient.Version.HTTP_1_1);
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(cluster.baseUri().resolve(path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while (events.size() < maximum && (line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    events.add(RawHttp.JSON.readTree(line));
                }
            }
        }
        return events;
    }

    @Test
    void initialEventsEndWithABookmark() throws Exception {
        List<JsonNode> events = watchEvents("/api/v1/namespaces/selectors/configmaps?watch=1&sendInitialEvents=true"
                + "&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=5", 6);
        assertThat(events).hasSize(6);
        assertThat(events.subList(0, 5)).allSatisfy(event -> assertThat(event.path("type").asText()).isEqualTo("ADDED"));
        JsonNode bookmark = events.get(5);
        assertThat(bookmark.path("type").asText()).isEqualTo("BOOKMARK");
        assertThat(bookmark.path("object").path("kind").asText()).isEqualTo("ConfigMap");
        assertThat(bookmark.path("object").path("metadata").path("annotations").path("k8s.io/initial-events-end").asText())
                .isEqualTo("true");
        assertThat(bookmark.path("object").path("metadata").path("resourceVersion").asText()).matches("[0-9]+");
    }

    @Test
    void watchEndsWhenItsTimeoutPasses() throws Exception {
        long start = System.nanoTime();
        List<JsonNode> events = watchEvents("/api/v1/namespaces/selectors/configmaps?watch=1&timeoutSeconds=1"
                + "&resourceVersion=" + client.configMaps().inNamespace("selectors").list().getMetadata().getResourceVersion(), 100);
        assertThat(events).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void listInAllNamespacesHasNamespacesOnItems() {
        List<String> namespaces = client.configMaps().inAnyNamespace().withLabel("color").list().getItems().stream()
                .map(cm -> cm.getMetadata().getNamespace()).distinct().collect(Collectors.toList());
        assertThat(namespaces).containsExactly("selectors");
    }
}
