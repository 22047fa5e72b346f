package dev.kapal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 4's scale check on a real {@code kapal server --sim-nodes 200}: 2,000 pods created
 * through the API in bulk (concurrent POSTs) are all bound by the scheduler and spread over the
 * nodes, and kubectl sees 200 Ready nodes. How long it takes is printed, not asserted (the
 * benchmarks in {@code bench/} measure throughput).
 */
@Timeout(300)
class NodesAtScaleIT {
    private static final int NODES = 200;
    private static final int PODS = 2_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static KapalProcess server;

    @BeforeAll
    static void startServer() throws Exception {
        server = KapalProcess.startFresh("--sim-nodes", String.valueOf(NODES));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void twoThousandPodsOnTwoHundredSimNodesAreAllBound() throws Exception {
        Kubectl kubectl = Kubectl.of("1.33", server.kubeconfig());
        await(Duration.ofSeconds(120), () -> {
            Kubectl.Result nodes = kubectl.run("get", "nodes", "--no-headers");
            return nodes.ok() && nodes.out().lines().filter(line -> line.matches("sim-\\d+\\s+Ready\\s.*")).count() == NODES;
        }, "200 Ready nodes");
        assertThat(kubectl.run("create", "namespace", "scale").ok()).isTrue();

        Kubeconfig config = Kubeconfig.read(server.kubeconfig());
        HttpClient admin = Tls.adminClient(config, HttpClient.Version.HTTP_2);
        URI pods = URI.create(config.server() + "/api/v1/namespaces/scale/pods");
        long start = System.nanoTime();
        Semaphore inFlight = new Semaphore(32);
        List<CompletableFuture<HttpResponse<String>>> creates = new ArrayList<>(PODS);
        for (int i = 0; i < PODS; i++) {
            inFlight.acquire();
            String body = JSON.writeValueAsString(Map.of(
                    "apiVersion", "v1", "kind", "Pod",
                    "metadata", Map.of("name", "p-" + i, "labels", Map.of("app", "scale")),
                    "spec", Map.of("containers", List.of(Map.of("name", "app", "image", "registry.k8s.io/pause:3.10",
                            "resources", Map.of("requests", Map.of("cpu", "100m", "memory", "64Mi")))))));
            creates.add(admin.sendAsync(HttpRequest.newBuilder(pods).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> inFlight.release()));
        }
        for (CompletableFuture<HttpResponse<String>> create : creates) {
            HttpResponse<String> response = create.join();
            assertThat(response.statusCode()).as("%s", response.body()).isEqualTo(201);
        }
        double createSeconds = (System.nanoTime() - start) / 1e9;

        Map<String, Integer> perNode = new TreeMap<>();
        await(Duration.ofSeconds(120), () -> {
            perNode.clear();
            JsonNode list = JSON.readTree(admin.send(HttpRequest.newBuilder(pods).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            for (JsonNode pod : list.path("items")) {
                String node = pod.path("spec").path("nodeName").asText("");
                if (!node.isEmpty()) {
                    perNode.merge(node, 1, Integer::sum);
                }
            }
            return perNode.values().stream().mapToInt(Integer::intValue).sum() == PODS;
        }, "all 2,000 pods bound");
        double boundSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("2,000 pods on 200 sim nodes: created in %.1f s, all bound %.1f s after the first create%n",
                createSeconds, boundSeconds);

        // The scores spread them: every node got some, none far more than its share (10).
        assertThat(perNode).hasSize(NODES);
        assertThat(perNode.values()).allSatisfy(count -> assertThat(count).isBetween(1, 30));
        assertThat(kubectl.run("get", "events", "-n", "scale", "--field-selector", "reason=FailedScheduling", "-o", "name").out()).isBlank();
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Duration timeout, Check check, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(500);
        }
    }
}
