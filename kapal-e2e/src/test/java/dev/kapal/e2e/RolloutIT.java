package dev.kapal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seed 003's nginx-deployment through real kubectl 1.33 and the real server: apply, the event
 * chain, {@code rollout status}, {@code set image}, {@code rollout history} and
 * {@code rollout undo --to-revision=1}. No node agent runs here (--disable-agent), so the test
 * plays the kubelet's part with {@code kubectl patch --subresource=status}, marking pods Ready.
 */
@Timeout(240)
class RolloutIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static KapalProcess server;
    private static Kubectl kubectl;

    @BeforeAll
    static void startServer() throws Exception {
        server = KapalProcess.startFresh();
        kubectl = Kubectl.of("1.33", server.kubeconfig());
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static String seed() throws IOException {
        try (InputStream yaml = RolloutIT.class.getResourceAsStream("/seeds/nginx-deployment.yaml")) {
            return new String(yaml.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String run(String... arguments) {
        Kubectl.Result result = kubectl.run(arguments);
        assertThat(result.ok()).as("%s", result).isTrue();
        return result.out();
    }

    /** The kubelet's part: every pod not yet Ready becomes Running and Ready. */
    private static void readyAll() {
        String time = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String patch = "{\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\","
                + "\"lastTransitionTime\":\"" + time + "\"}]}}";
        String notReady = run("get", "pods", "-o",
                "jsonpath={range .items[?(@.metadata.deletionTimestamp)]}{end}{range .items[*]}{.metadata.name} {.status.phase}{\"\\n\"}{end}");
        for (String line : notReady.lines().toList()) {
            String[] fields = line.split(" ");
            if (fields.length == 1 || !fields[1].equals("Running")) {
                kubectl.run("patch", "pod", fields[0], "--subresource=status", "--type=merge", "-p", patch);
            }
        }
    }

    private static void rollOut() {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            readyAll();
            Kubectl.Result status = kubectl.run("rollout", "status", "deployment/nginx-deployment", "--watch=false");
            return status.ok() && status.out().equals("deployment \"nginx-deployment\" successfully rolled out\n");
        });
    }

    private static List<String> historyRevisions() {
        return run("rollout", "history", "deployment/nginx-deployment").lines()
                .filter(line -> line.matches("\\d+\\s+.*")).map(line -> line.split("\\s+")[0]).toList();
    }

    @Test
    void seedDeploymentRollsOutUpdatesAndRollsBackWithKubectl() throws Exception {
        Kubectl.Result applied = kubectl.runWithInput(seed(), "apply", "-f", "-");
        assertThat(applied.ok()).as("%s", applied).isTrue();
        assertThat(applied.out()).isEqualTo("deployment.apps/nginx-deployment created\n");

        await().atMost(WAIT).untilAsserted(() -> {
            String events = run("get", "events");
            assertThat(events).containsPattern("ScalingReplicaSet\\s+deployment/nginx-deployment\\s+"
                    + "Scaled up replica set nginx-deployment-[bcdfghjklmnpqrstvwxz2456789]+ from 0 to 3");
            assertThat(events.lines().filter(line -> line.matches(".*SuccessfulCreate\\s+replicaset/nginx-deployment-\\w+\\s+"
                    + "Created pod: nginx-deployment-\\w+-\\w{5}"))).hasSize(3);
        });
        Kubectl.Result waiting = kubectl.run("rollout", "status", "deployment/nginx-deployment", "--watch=false");
        assertThat(waiting.out()).startsWith("Waiting for deployment \"nginx-deployment\" rollout to finish: ");
        rollOut();

        assertThat(run("set", "image", "deployment/nginx-deployment", "nginx=nginx:1.16"))
                .isEqualTo("deployment.apps/nginx-deployment image updated\n");
        rollOut();
        assertThat(historyRevisions()).containsExactly("1", "2");
        assertThat(run("rollout", "history", "deployment/nginx-deployment", "--revision=1")).contains("Image:\tnginx:1.15");

        assertThat(run("rollout", "undo", "deployment/nginx-deployment", "--to-revision=1"))
                .isEqualTo("deployment.apps/nginx-deployment rolled back\n");
        rollOut();
        assertThat(run("get", "deployment", "nginx-deployment", "-o", "jsonpath={.spec.template.spec.containers[0].image}"))
                .isEqualTo("nginx:1.15");
        assertThat(historyRevisions()).containsExactly("2", "3");
        assertThat(run("get", "rs", "-o", "jsonpath={range .items[*]}{.spec.replicas} {.spec.template.spec.containers[0].image}{\"\\n\"}{end}")
                .lines().sorted().toList()).containsExactly("0 nginx:1.16", "3 nginx:1.15");
    }
}
