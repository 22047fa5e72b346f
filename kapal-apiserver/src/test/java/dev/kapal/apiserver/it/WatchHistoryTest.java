package dev.kapal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A watch cache with a one-second history: resuming from before it is 410 Gone. */
@Timeout(15)
class WatchHistoryTest {
    @RegisterExtension
    static final TestCluster cluster = TestCluster.memory().withEventHistory(Duration.ofSeconds(1));

    private final KubernetesClient client = cluster.client();

    private String tooOldResourceVersion() throws InterruptedException {
        ConfigMap old = client.configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withGenerateName("old-").endMetadata().build()).create();
        Thread.sleep(1_500);
        // The next event pushes the old one out of the history window.
        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withGenerateName("new-").endMetadata().build()).create();
        return String.valueOf(Long.parseLong(old.getMetadata().getResourceVersion()) - 1);
    }

    @Test
    void rawWatchFromATrimmedVersionIsGone() throws Exception {
        String resourceVersion = tooOldResourceVersion();
        HttpClient http = cluster.adminHttpClient(HttpClient.Version.HTTP_1_1);
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(cluster.baseUri()
                        .resolve("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=" + resourceVersion))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofInputStream());
        JsonNode status;
        if (response.statusCode() == 200) {
            // Upstream's form: the watch starts, then its only event is an ERROR carrying the Status.
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                JsonNode event = RawHttp.JSON.readTree(reader.readLine());
                assertThat(event.path("type").asText()).isEqualTo("ERROR");
                status = event.path("object");
            }
        } else {
            assertThat(response.statusCode()).isEqualTo(410);
            try (InputStream body = response.body()) {
                status = RawHttp.JSON.readTree(body);
            }
        }
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("code").asInt()).isEqualTo(410);
        assertThat(status.path("reason").asText()).isEqualTo("Expired");
        assertThat(status.path("message").asText()).startsWith("too old resource version: " + resourceVersion);
    }

    @Test
    void fabric8WatchFromATrimmedVersionClosesWithHttpGone() throws Exception {
        String resourceVersion = tooOldResourceVersion();
        AtomicReference<WatcherException> closedWith = new AtomicReference<>();
        try (Watch ignored = client.configMaps().inNamespace("default")
                .watch(new ListOptionsBuilder().withResourceVersion(resourceVersion).build(), new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap resource) {
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        closedWith.set(cause);
                    }
                })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> closedWith.get() != null);
            assertThat(closedWith.get().isHttpGone()).isTrue();
        }
    }

    @Test
    void listFromATrimmedVersionStillWorks() throws Exception {
        // A list with resourceVersion=N (NotOlderThan semantics) is served from the current state.
        String resourceVersion = tooOldResourceVersion();
        assertThat(client.configMaps().inNamespace("default")
                .list(new ListOptionsBuilder().withResourceVersion(resourceVersion).build()).getItems()).isNotEmpty();
    }
}
