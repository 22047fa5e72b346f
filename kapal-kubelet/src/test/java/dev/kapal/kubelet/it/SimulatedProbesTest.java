package dev.kapal.kubelet.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.apiserver.testing.InProcessApiServer;
import dev.kapal.kubelet.KubeletHost;
import dev.kapal.kubelet.SimulatedNodes;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Probes, kubelet events and {@code activeDeadlineSeconds} on simulated nodes against a real
 * in-process API server: probe outcomes come from {@code sim.kapal.dev/probe-fail}, so the
 * kubelet core's gating, thresholds, restarts and events are exercised without any socket.
 */
class SimulatedProbesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String NODE = "sim-0";
    private static InProcessApiServer cluster;
    private static KubernetesClient admin;
    private static ScheduledExecutorService timers;
    private static KubeletHost host;

    @BeforeAll
    static void start() throws Exception {
        cluster = new InProcessApiServer();
        admin = cluster.admin();
        timers = KubeletHost.newTimers();
        KubeletHost.Options options = KubeletHost.Options.defaults().withIntervals(Duration.ofSeconds(1), Duration.ofSeconds(2));
        host = SimulatedNodes.host(cluster.clientFor("system:kapal-sim-nodes", "system:nodes"), 1,
                SimulatedNodes.Capacity.DEFAULT, options, timers, Clock.systemUTC());
        host.start();
        host.ready().get(60, TimeUnit.SECONDS);
        admin.nodes().withName(NODE).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"podCIDR\":\"10.42.0.0/24\",\"podCIDRs\":[\"10.42.0.0/24\"]}}");
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
        if (timers != null) {
            timers.shutdownNow();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static ConditionFactory eventually() {
        return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions();
    }

    private static Probe probe(int failureThreshold) {
        return new ProbeBuilder().withNewHttpGet().withPath("/healthz").withPort(new IntOrString(8080)).endHttpGet()
                .withPeriodSeconds(1).withTimeoutSeconds(1).withFailureThreshold(failureThreshold).withSuccessThreshold(1).build();
    }

    private static PodBuilder pod(String name, Map<String, String> annotations) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("default").withAnnotations(annotations).endMetadata()
                .withNewSpec().withNodeName(NODE).withTerminationGracePeriodSeconds(1L)
                    .addNewContainer().withName("app").withImage("busybox").endContainer()
                .endSpec();
    }

    private static Pod get(String name) {
        return admin.pods().inNamespace("default").withName(name).get();
    }

    private static ContainerStatus app(Pod pod) {
        return pod.getStatus().getContainerStatuses().getFirst();
    }

    private static PodCondition condition(Pod pod, String type) {
        return pod.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }

    private static List<Event> events(String pod) {
        return admin.v1().events().inNamespace("default").list().getItems().stream()
                .filter(event -> pod.equals(event.getInvolvedObject().getName())).toList();
    }

    private static Event event(String pod, String reason) {
        return events(pod).stream().filter(event -> reason.equals(event.getReason())).findFirst().orElseThrow();
    }

    private static void annotate(String pod, String value) {
        admin.pods().inNamespace("default").withName(pod).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"sim.kapal.dev/probe-fail\":" + (value == null ? "null" : "\"" + value + "\"") + "}}}");
    }

    @Test
    void startingAPodWritesTheKubeletsEventsWithTheContainersFieldPath() {
        admin.pods().inNamespace("default").resource(pod("evented", Map.of()).build()).create();

        eventually().untilAsserted(() -> assertThat(events("evented")).extracting(Event::getReason)
                .contains("Pulling", "Pulled", "Created", "Started"));
        Event pulled = event("evented", "Pulled");
        assertThat(pulled.getType()).isEqualTo("Normal");
        assertThat(pulled.getMessage()).matches("Successfully pulled image \"busybox\" in \\S+ \\(\\S+ including waiting\\)\\."
                + " Image size: \\d+ bytes\\.");
        assertThat(event("evented", "Pulling").getMessage()).isEqualTo("Pulling image \"busybox\"");
        assertThat(event("evented", "Created").getMessage()).isEqualTo("Created container: app");
        Event started = event("evented", "Started");
        assertThat(started.getMessage()).isEqualTo("Started container app");
        assertThat(started.getSource().getComponent()).isEqualTo("kubelet");
        assertThat(started.getSource().getHost()).isEqualTo(NODE);
        assertThat(started.getReportingComponent()).isEqualTo("kubelet");
        assertThat(started.getReportingInstance()).isEqualTo(NODE);
        assertThat(started.getInvolvedObject().getKind()).isEqualTo("Pod");
        assertThat(started.getInvolvedObject().getApiVersion()).isEqualTo("v1");
        assertThat(started.getInvolvedObject().getFieldPath()).isEqualTo("spec.containers{app}");
        assertThat(started.getInvolvedObject().getUid()).isEqualTo(get("evented").getMetadata().getUid());
        assertThat(started.getMetadata().getName()).startsWith("evented.");

        // A second pod with the same image and pull policy IfNotPresent finds it present ("busybox" alone is
        // ":latest", whose default policy Always pulls every time, as upstream).
        admin.pods().inNamespace("default").resource(pod("evented-again", Map.of())
                .editSpec().editFirstContainer().withImagePullPolicy("IfNotPresent").endContainer().endSpec().build()).create();
        eventually().untilAsserted(() -> assertThat(event("evented-again", "Pulled").getMessage())
                .isEqualTo("Container image \"busybox\" already present on machine"));
    }

    @Test
    void readinessFollowsTheProbeAndTheConditionsFollowReadiness() {
        admin.pods().inNamespace("default").resource(pod("ready-probe", Map.of())
                .editSpec().editFirstContainer().withReadinessProbe(probe(1)).endContainer().endSpec().build()).create();
        eventually().untilAsserted(() -> {
            Pod pod = get("ready-probe");
            assertThat(app(pod).getReady()).isTrue();
            assertThat(condition(pod, "Ready").getStatus()).isEqualTo("True");
        });

        annotate("ready-probe", "readiness");
        eventually().untilAsserted(() -> {
            Pod pod = get("ready-probe");
            assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
            assertThat(app(pod).getReady()).isFalse();
            assertThat(app(pod).getStarted()).isTrue();
            assertThat(app(pod).getRestartCount()).isZero();
            assertThat(condition(pod, "ContainersReady").getStatus()).isEqualTo("False");
            assertThat(condition(pod, "Ready").getReason()).isEqualTo("ContainersNotReady");
            assertThat(condition(pod, "Ready").getMessage()).isEqualTo("containers with unready status: [app]");
        });
        Event unhealthy = event("ready-probe", "Unhealthy");
        assertThat(unhealthy.getType()).isEqualTo("Warning");
        assertThat(unhealthy.getMessage()).startsWith("Readiness probe failed: ");
        assertThat(unhealthy.getInvolvedObject().getFieldPath()).isEqualTo("spec.containers{app}");

        annotate("ready-probe", null);
        eventually().untilAsserted(() -> assertThat(condition(get("ready-probe"), "Ready").getStatus()).isEqualTo("True"));
    }

    @Test
    void aFailingLivenessProbeRestartsTheContainerWithTheKubeletsEvents() {
        admin.pods().inNamespace("default").resource(pod("liveness", Map.of("sim.kapal.dev/probe-fail", "liveness"))
                .editSpec().editFirstContainer().withLivenessProbe(probe(2)).endContainer().endSpec().build()).create();

        eventually().untilAsserted(() -> {
            ContainerStatus app = app(get("liveness"));
            assertThat(app.getRestartCount()).isGreaterThanOrEqualTo(1);
            assertThat(app.getLastState().getTerminated()).isNotNull();
            assertThat(app.getLastState().getTerminated().getExitCode()).isEqualTo(143);
        });
        assertThat(event("liveness", "Killing").getMessage()).isEqualTo("Container app failed liveness probe, will be restarted");
        assertThat(event("liveness", "Unhealthy").getMessage()).startsWith("Liveness probe failed: simulated failure");
        // Restarted at once the first time, then waiting 10 s: CrashLoopBackOff shows with its event.
        eventually().untilAsserted(() -> assertThat(app(get("liveness")).getState().getWaiting().getReason())
                .isEqualTo("CrashLoopBackOff"));
        eventually().untilAsserted(() -> assertThat(event("liveness", "BackOff").getMessage())
                .isEqualTo("Back-off restarting failed container app in pod liveness_default(" + get("liveness").getMetadata().getUid() + ")"));
    }

    @Test
    void aStartupProbeGatesLivenessAndReadinessUntilItSucceeds() {
        admin.pods().inNamespace("default").resource(pod("startup", Map.of("sim.kapal.dev/probe-fail", "startup,liveness"))
                .editSpec().editFirstContainer()
                    .withStartupProbe(probe(1000))
                    .withLivenessProbe(probe(1))
                    .withReadinessProbe(probe(1))
                .endContainer().endSpec().build()).create();

        eventually().untilAsserted(() -> assertThat(events("startup")).extracting(Event::getMessage)
                .anyMatch(message -> message.startsWith("Startup probe failed: ")));
        Pod pod = get("startup");
        assertThat(app(pod).getState().getRunning()).isNotNull();
        assertThat(app(pod).getStarted()).isFalse();
        assertThat(app(pod).getReady()).isFalse();
        // Liveness fails too, but is not run before the container started: no restart, no liveness event.
        assertThat(app(pod).getRestartCount()).isZero();
        assertThat(events("startup")).extracting(Event::getMessage).noneMatch(message -> message.startsWith("Liveness"));

        annotate("startup", null);
        eventually().untilAsserted(() -> {
            ContainerStatus app = app(get("startup"));
            assertThat(app.getStarted()).isTrue();
            assertThat(app.getReady()).isTrue();
        });
    }

    @Test
    void aFailingStartupProbeWithRestartPolicyNeverKillsTheContainerAndFailsThePod() {
        admin.pods().inNamespace("default").resource(pod("startup-never", Map.of("sim.kapal.dev/probe-fail", "startup"))
                .editSpec().withRestartPolicy("Never").editFirstContainer().withStartupProbe(probe(1)).endContainer().endSpec()
                .build()).create();

        eventually().untilAsserted(() -> {
            Pod pod = get("startup-never");
            assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
            assertThat(app(pod).getState().getTerminated().getExitCode()).isEqualTo(143);
            assertThat(app(pod).getRestartCount()).isZero();
        });
        assertThat(event("startup-never", "Killing").getMessage()).isEqualTo("Container app failed startup probe");
    }

    @Test
    void activeDeadlineSecondsFailsThePodWithDeadlineExceeded() {
        admin.pods().inNamespace("default").resource(pod("deadline", Map.of())
                .editSpec().withActiveDeadlineSeconds(2L).endSpec().build()).create();

        eventually().untilAsserted(() -> {
            Pod pod = get("deadline");
            assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
            assertThat(pod.getStatus().getReason()).isEqualTo("DeadlineExceeded");
            assertThat(pod.getStatus().getMessage()).isEqualTo("Pod was active on the node longer than the specified deadline");
            assertThat(app(pod).getState().getTerminated()).isNotNull();
            assertThat(condition(pod, "Ready").getStatus()).isEqualTo("False");
        });
        Event deadline = event("deadline", "DeadlineExceeded");
        assertThat(deadline.getType()).isEqualTo("Normal");
        assertThat(deadline.getMessage()).isEqualTo("Pod was active on the node longer than the specified deadline");
        assertThat(deadline.getInvolvedObject().getFieldPath()).isNull();
        assertThat(event("deadline", "Killing").getMessage()).isEqualTo("Stopping container app");
    }
}
