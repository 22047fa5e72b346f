package dev.kapal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapal.apiserver.testing.InProcessApiServer;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pods/eviction subresource against budgets whose status the test writes itself (standing in
 * for the disruption controller).
 */
class EvictionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static InProcessApiServer server;
    private static KubernetesClient admin;

    @BeforeAll
    static void start() throws Exception {
        server = new InProcessApiServer();
        admin = server.admin();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private record Answer(int code, JsonNode body, java.util.Optional<String> retryAfter) {
    }

    private static Answer evict(String namespace, String pod, String apiVersion, String extra) throws Exception {
        String body = "{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"" + pod
                + "\",\"namespace\":\"" + namespace + "\"}" + extra + "}";
        String url = admin.getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/namespaces/" + namespace + "/pods/"
                + pod + "/eviction";
        HttpRequest request = admin.getHttpClient().newHttpRequestBuilder().uri(url).post("application/json", body).build();
        HttpResponse<String> response = admin.getHttpClient().sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
        return new Answer(response.code(), JSON.readTree(response.body()),
                java.util.Optional.ofNullable(response.header("Retry-After")));
    }

    private static void namespace(String name) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    private static Pod pod(String namespace, String name, String app, String phase, boolean ready) {
        Pod pod = admin.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name)
                .addToLabels("app", app).endMetadata().withNewSpec().withNodeName("node-1").addNewContainer().withName("c")
                .withImage("nginx").endContainer().endSpec().build()).create();
        pod.setStatus(new PodStatusBuilder().withPhase(phase).addNewCondition().withType("Ready")
                .withStatus(ready ? "True" : "False").endCondition().build());
        return admin.pods().inNamespace(namespace).resource(pod).updateStatus();
    }

    /** A budget over {@code app} whose status says what the test wants. */
    private static PodDisruptionBudget budget(String namespace, String name, String app, int allowed, int current,
                                              int desired, String unhealthyPolicy, boolean observed) {
        PodDisruptionBudget budget = admin.policy().v1().podDisruptionBudget().inNamespace(namespace).resource(
                new PodDisruptionBudgetBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                        .withMinAvailable(new IntOrString(desired)).withUnhealthyPodEvictionPolicy(unhealthyPolicy)
                        .withNewSelector().addToMatchLabels("app", app).endSelector().endSpec().build()).create();
        budget.setStatus(new PodDisruptionBudgetStatusBuilder().withDisruptionsAllowed(allowed).withCurrentHealthy(current)
                .withDesiredHealthy(desired).withExpectedPods(current)
                .withObservedGeneration(observed ? budget.getMetadata().getGeneration() : 0L).build());
        return admin.policy().v1().podDisruptionBudget().inNamespace(namespace).resource(budget).updateStatus();
    }

    private static PodDisruptionBudget budget(String namespace, String name) {
        return admin.policy().v1().podDisruptionBudget().inNamespace(namespace).withName(name).get();
    }

    private static boolean evicted(String namespace, String name) {
        Pod pod = admin.pods().inNamespace(namespace).withName(name).get();
        return pod == null || pod.getMetadata().getDeletionTimestamp() != null;
    }

    @Test
    void anEvictionSpendsTheBudgetAtomicallyAndTheNextGets429() throws Exception {
        namespace("ev-budget");
        pod("ev-budget", "a", "db", "Running", true);
        pod("ev-budget", "b", "db", "Running", true);
        budget("ev-budget", "db", "db", 1, 2, 1, null, true);

        Answer first = evict("ev-budget", "a", "policy/v1", "");
        assertThat(first.code()).isEqualTo(201);
        assertThat(first.body().path("status").asText()).isEqualTo("Success");
        Pod a = admin.pods().inNamespace("ev-budget").withName("a").get();
        assertThat(a.getMetadata().getDeletionTimestamp()).isNotNull();
        PodCondition target = a.getStatus().getConditions().stream().filter(c -> c.getType().equals("DisruptionTarget"))
                .findFirst().orElseThrow();
        assertThat(target.getReason()).isEqualTo("EvictionByEvictionAPI");
        assertThat(target.getMessage()).isEqualTo("Eviction API: evicting");
        PodDisruptionBudget spent = budget("ev-budget", "db");
        assertThat(spent.getStatus().getDisruptionsAllowed()).isZero();
        assertThat(spent.getStatus().getDisruptedPods()).containsKey("a");
        assertThat(spent.getStatus().getConditions()).anySatisfy(condition -> {
            assertThat(condition.getType()).isEqualTo("DisruptionAllowed");
            assertThat(condition.getReason()).isEqualTo("InsufficientPods");
        });

        Answer second = evict("ev-budget", "b", "policy/v1", "");
        assertThat(second.code()).isEqualTo(429);
        assertThat(second.body().path("reason").asText()).isEqualTo("TooManyRequests");
        assertThat(second.body().path("message").asText()).isEqualTo("Cannot evict pod as it would violate the pod's disruption budget.");
        assertThat(second.body().path("details").path("causes").get(0).path("reason").asText()).isEqualTo("DisruptionBudget");
        assertThat(second.body().path("details").path("causes").get(0).path("message").asText())
                .isEqualTo("The disruption budget db needs 1 healthy pods and has 2 currently");
        // Upstream's NewTooManyRequests(..., 0): no retryAfterSeconds and no Retry-After header, so
        // client-go hands the 429 straight to kubectl drain (which retries every 5 s itself) instead
        // of retrying inside the request up to ten times.
        assertThat(second.body().path("details").has("retryAfterSeconds")).isFalse();
        assertThat(second.retryAfter()).isEmpty();
        assertThat(evicted("ev-budget", "b")).isFalse();
    }

    @Test
    void aBudgetNotYetObservedRefusesAndPolicyV1beta1IsAccepted() throws Exception {
        namespace("ev-stale");
        pod("ev-stale", "a", "web", "Running", true);
        budget("ev-stale", "web", "web", 1, 2, 1, null, false);
        Answer refused = evict("ev-stale", "a", "policy/v1beta1", "");
        assertThat(refused.code()).isEqualTo(429);
        assertThat(refused.body().path("details").path("causes").get(0).path("message").asText())
                .isEqualTo("The disruption budget web is still being processed by the server.");
    }

    @Test
    void unhealthyPodsFollowTheUnhealthyPodEvictionPolicy() throws Exception {
        namespace("ev-unhealthy");
        pod("ev-unhealthy", "healthy-budget", "h", "Running", false);
        budget("ev-unhealthy", "h", "h", 0, 2, 2, "IfHealthyBudget", true);
        assertThat(evict("ev-unhealthy", "healthy-budget", "policy/v1", "").code()).isEqualTo(201);

        pod("ev-unhealthy", "sick-budget", "s", "Running", false);
        budget("ev-unhealthy", "s", "s", 0, 1, 2, null, true);
        assertThat(evict("ev-unhealthy", "sick-budget", "policy/v1", "").code()).isEqualTo(429);

        pod("ev-unhealthy", "always", "a", "Running", false);
        budget("ev-unhealthy", "a", "a", 0, 1, 2, "AlwaysAllow", true);
        assertThat(evict("ev-unhealthy", "always", "policy/v1", "").code()).isEqualTo(201);
        assertThat(evicted("ev-unhealthy", "always")).isTrue();
        assertThat(budget("ev-unhealthy", "a").getStatus().getDisruptedPods()).isNullOrEmpty();
    }

    @Test
    void pendingPodsAndPodsWithoutBudgetsGoAndTwoBudgetsAre500() throws Exception {
        namespace("ev-misc");
        pod("ev-misc", "pending", "p", "Pending", false);
        budget("ev-misc", "p", "p", 0, 0, 1, null, true);
        assertThat(evict("ev-misc", "pending", "policy/v1", "").code()).isEqualTo(201);
        assertThat(evicted("ev-misc", "pending")).isTrue();

        pod("ev-misc", "free", "free", "Running", true);
        assertThat(evict("ev-misc", "free", "policy/v1", "").code()).isEqualTo(201);

        pod("ev-misc", "double", "d", "Running", true);
        budget("ev-misc", "d1", "d", 1, 1, 0, null, true);
        budget("ev-misc", "d2", "d", 1, 1, 0, null, true);
        Answer twice = evict("ev-misc", "double", "policy/v1", "");
        assertThat(twice.code()).isEqualTo(500);
        assertThat(twice.body().path("message").asText())
                .isEqualTo("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");

        Answer misnamed = evictNamed("ev-misc", "double", "other");
        assertThat(misnamed.code()).isEqualTo(400);
        assertThat(misnamed.body().path("message").asText()).isEqualTo("name in URL does not match name in Eviction object");
    }

    private static Answer evictNamed(String namespace, String pod, String nameInBody) throws Exception {
        String body = "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"" + nameInBody + "\"}}";
        String url = admin.getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/namespaces/" + namespace + "/pods/"
                + pod + "/eviction";
        HttpRequest request = admin.getHttpClient().newHttpRequestBuilder().uri(url).post("application/json", body).build();
        HttpResponse<String> response = admin.getHttpClient().sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
        return new Answer(response.code(), JSON.readTree(response.body()), java.util.Optional.ofNullable(response.header("Retry-After")));
    }

    @Test
    void aDryRunWritesNothing() throws Exception {
        namespace("ev-dry");
        pod("ev-dry", "a", "x", "Running", true);
        budget("ev-dry", "x", "x", 1, 2, 1, null, true);
        Answer dry = evict("ev-dry", "a", "policy/v1", ",\"deleteOptions\":{\"dryRun\":[\"All\"]}");
        assertThat(dry.code()).isEqualTo(201);
        assertThat(evicted("ev-dry", "a")).isFalse();
        assertThat(budget("ev-dry", "x").getStatus().getDisruptionsAllowed()).isEqualTo(1);
        assertThat(admin.pods().inNamespace("ev-dry").withName("a").get().getStatus().getConditions())
                .noneMatch(condition -> condition.getType().equals("DisruptionTarget"));
    }
}
