package dev.kapal.kubelet.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.kubelet.KubeletHost;
import dev.kapal.kubelet.runtime.ExecResult;
import dev.kapal.kubelet.runtime.ExecTimeout;
import dev.kapal.kubelet.runtime.containerd.ContainerdFixture;
import dev.kapal.kubelet.runtime.cri.CriRuntime;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Probes carried out for real: the kubelet core on {@link CriRuntime} over a managed containerd,
 * against an in-process API server. Exec probes go through CRI {@code ExecSync}, httpGet probes
 * from the host to the pod's address on the CNI bridge. (Runs containerd: under the flock.)
 */
class ContainerdProbesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String NODE = "containerd-probes";
    private static ContainerdNodeCluster node;
    private static ContainerdFixture fixture;
    private static KubernetesClient admin;
    private static CriRuntime runtime;

    @BeforeAll
    static void start() throws Exception {
        node = ContainerdNodeCluster.start(NODE, new KubeletHost.Options(Duration.ofSeconds(40), Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofMinutes(5), 4, 0, java.util.Optional.empty()));
        fixture = node.fixture;
        admin = node.admin;
        runtime = node.runtime;
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static ConditionFactory eventually() {
        return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).ignoreExceptions();
    }

    private static Pod get(String name) {
        return admin.pods().inNamespace("default").withName(name).get();
    }

    private static List<Event> events(String pod) {
        return admin.v1().events().inNamespace("default").list().getItems().stream()
                .filter(event -> pod.equals(event.getInvolvedObject().getName())).toList();
    }

    private static PodBuilder pod(String name, List<String> command) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).withTerminationGracePeriodSeconds(1L)
                    .addNewContainer().withName("app").withImage(ContainerdFixture.BUSYBOX).withCommand(command)
                        .withImagePullPolicy("IfNotPresent").endContainer()
                .endSpec();
    }

    @Test
    void aFailingExecLivenessProbeRestartsTheContainer() {
        admin.pods().inNamespace("default").resource(pod("exec-liveness", List.of("sleep", "1000"))
                .editSpec().editFirstContainer().withLivenessProbe(new ProbeBuilder()
                        .withNewExec().withCommand("sh", "-c", "echo not healthy; exit 1").endExec()
                        .withPeriodSeconds(1).withFailureThreshold(2).withTimeoutSeconds(2).withTerminationGracePeriodSeconds(1L)
                        .build()).endContainer().endSpec().build()).create();

        eventually().untilAsserted(() -> {
            ContainerStatus app = get("exec-liveness").getStatus().getContainerStatuses().getFirst();
            assertThat(app.getRestartCount()).isGreaterThanOrEqualTo(1);
            // Stopped by the kubelet: SIGTERM (143), or SIGKILL (137) after the (minimum 2 s) grace period.
            assertThat(app.getLastState().getTerminated().getExitCode()).isIn(137, 143);
            assertThat(app.getLastState().getTerminated().getReason()).isEqualTo("Error");
        });
        List<Event> events = events("exec-liveness");
        assertThat(events).filteredOn(event -> "Unhealthy".equals(event.getReason())).extracting(Event::getMessage)
                .contains("Liveness probe failed: not healthy\n");
        assertThat(events).filteredOn(event -> "Killing".equals(event.getReason())).extracting(Event::getMessage)
                .contains("Container app failed liveness probe, will be restarted");
        assertThat(events).filteredOn(event -> "Pulled".equals(event.getReason())).extracting(Event::getMessage)
                .contains("Container image \"" + ContainerdFixture.BUSYBOX + "\" already present on machine");
    }

    @Test
    void anHttpGetReadinessProbeAgainstBusyboxHttpdMakesThePodReady() {
        admin.pods().inNamespace("default").resource(pod("httpd", List.of("sh", "-c",
                        "sleep 3; mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www"))
                .editSpec().editFirstContainer()
                    .addNewPort().withName("web").withContainerPort(8080).endPort()
                    .withReadinessProbe(new ProbeBuilder().withNewHttpGet().withPath("/index.html")
                            .withPort(new IntOrString("web")).endHttpGet().withPeriodSeconds(1).withTimeoutSeconds(1).build())
                .endContainer().endSpec().build()).create();

        // Running but not ready while httpd is not listening yet.
        eventually().untilAsserted(() -> {
            Pod pod = get("httpd");
            assertThat(pod.getStatus().getContainerStatuses().getFirst().getState().getRunning()).isNotNull();
            assertThat(pod.getStatus().getContainerStatuses().getFirst().getReady()).isFalse();
        });
        eventually().untilAsserted(() -> {
            Pod pod = get("httpd");
            assertThat(pod.getStatus().getContainerStatuses().getFirst().getReady()).isTrue();
            assertThat(pod.getStatus().getConditions()).filteredOn(c -> "Ready".equals(c.getType()))
                    .extracting(c -> c.getStatus()).containsExactly("True");
        });
        String podIp = get("httpd").getStatus().getPodIP();
        assertThat(events("httpd")).filteredOn(event -> "Unhealthy".equals(event.getReason())).extracting(Event::getMessage)
                .allMatch(message -> message.startsWith("Readiness probe failed: Get \"http://" + podIp + ":8080/index.html\": "));
    }

    @Test
    void execSyncAnswersExitCodeAndOutputAndTimesOut() {
        admin.pods().inNamespace("default").resource(pod("exec-sync", List.of("sleep", "1000")).build()).create();
        eventually().untilAsserted(() -> assertThat(get("exec-sync").getStatus().getContainerStatuses().getFirst()
                .getState().getRunning()).isNotNull());
        String id = get("exec-sync").getStatus().getContainerStatuses().getFirst().getContainerID().substring("containerd://".length());

        ExecResult result = runtime.execSync(id, List.of("sh", "-c", "echo out; echo err >&2; exit 4"), Duration.ofSeconds(10));

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(new String(result.stdout(), StandardCharsets.UTF_8)).isEqualTo("out\n");
        assertThat(new String(result.stderr(), StandardCharsets.UTF_8)).isEqualTo("err\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runtime.execSync(id, List.of("sleep", "30"), Duration.ofSeconds(1)))
                .isInstanceOf(ExecTimeout.class).hasMessage("command \"sleep 30\" timed out");
    }
}
