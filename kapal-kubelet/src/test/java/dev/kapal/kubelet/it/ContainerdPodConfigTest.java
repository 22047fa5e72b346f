package dev.kapal.kubelet.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.apiserver.testing.InProcessApiServer;
import dev.kapal.kubelet.KubeletHost;
import dev.kapal.kubelet.LocalMachine;
import dev.kapal.kubelet.NodeConfig;
import dev.kapal.kubelet.runtime.containerd.ContainerdFixture;
import dev.kapal.kubelet.runtime.cri.CriClient;
import dev.kapal.kubelet.runtime.cri.CriRuntime;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the agent gives real containers, on a managed containerd: the environment as the kubelet
 * builds it (ConfigMap references, downward API, {@code $(VAR)} in the command), image pull
 * policies and their waiting reasons, and a kubelet host restarted on the same containerd adopting
 * the running containers instead of starting new ones.
 */
class ContainerdPodConfigTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String NODE = "containerd-config-node";
    private static ContainerdFixture fixture;
    private static InProcessApiServer cluster;
    private static KubernetesClient admin;
    private static ScheduledExecutorService timers;
    private static KubeletHost host;

    @BeforeAll
    static void start() throws Exception {
        fixture = ContainerdFixture.start();
        cluster = new InProcessApiServer();
        admin = cluster.admin();
        timers = KubeletHost.newTimers();
        host = startHost();
        admin.nodes().withName(NODE).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"podCIDR\":\"" + ContainerdFixture.POD_CIDR + "\",\"podCIDRs\":[\"" + ContainerdFixture.POD_CIDR + "\"]}}");
    }

    private static KubeletHost startHost() throws Exception {
        KubeletHost started = new KubeletHost(cluster.clientFor("system:node:" + NODE, "system:nodes"),
                KubeletHost.Options.defaults().withIntervals(Duration.ofSeconds(1), Duration.ofSeconds(2)), Clock.systemUTC(), timers);
        NodeConfig config = LocalMachine.detect(fixture.dataDirectory()).nodeConfig(NODE, "127.0.0.1", NODE, "v1.33.0+kapal", true);
        started.addNode(config, new CriRuntime(CriClient.connect(fixture.containerd().socket()),
                fixture.dataDirectory().resolve("pod-logs"), Duration.ofSeconds(60), Duration.ofMillis(500)));
        started.start();
        started.ready().get(60, TimeUnit.SECONDS);
        return started;
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
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void theContainerSeesItsEnvironmentAndExpandedCommand() {
        admin.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("settings").endMetadata()
                .withData(Map.of("greeting", "hello")).build()).create();
        // Services that exist when the container starts become its environment (seed 001's <NAME>_SERVICE_HOST).
        admin.services().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata().withName("cache").endMetadata()
                .withNewSpec().addNewPort().withPort(6379).endPort().endSpec().build()).create();
        Pod pod = new PodBuilder()
                .withNewMetadata().withName("env").withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
                    .addNewContainer().withName("app").withImage(ContainerdFixture.BUSYBOX).withImagePullPolicy("IfNotPresent")
                        // $(GREETING) is the kubelet's expansion, $(pwd) stays for the shell (no such variable).
                        .withCommand("sh", "-c", "test \"$(GREETING)\" = hello && test \"$GREETING\" = hello && test \"$POD_NAME\" = env"
                                + " && test -n \"$KUBERNETES_SERVICE_HOST\" && test \"$KUBERNETES_SERVICE_PORT\" = 443"
                                + " && test \"$CACHE_SERVICE_PORT\" = 6379 && test \"$CACHE_PORT\" = \"tcp://$CACHE_SERVICE_HOST:6379\""
                                + " && test \"$(pwd)\" = /tmp && case \"$MY_IP\" in 10.199.77.*) exit 0;; esac; exit 1")
                        .withWorkingDir("/tmp")
                        .addNewEnv().withName("GREETING").withNewValueFrom().withNewConfigMapKeyRef().withName("settings")
                            .withKey("greeting").endConfigMapKeyRef().endValueFrom().endEnv()
                        .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name")
                            .endFieldRef().endValueFrom().endEnv()
                        .addNewEnv().withName("MY_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP")
                            .endFieldRef().endValueFrom().endEnv()
                    .endContainer()
                .endSpec().build();
        admin.pods().inNamespace("default").resource(pod).create();

        await().ignoreExceptions().atMost(TIMEOUT).untilAsserted(() -> {
            Pod current = admin.pods().inNamespace("default").withName("env").get();
            assertThat(current.getStatus().getPhase()).isEqualTo("Succeeded");
            assertThat(current.getStatus().getContainerStatuses().getFirst().getState().getTerminated().getExitCode()).isZero();
        });
    }

    @Test
    void thePodCgroupCarriesThePodsLimitsAndOverheadAndGoesWithThePod() {
        io.fabric8.kubernetes.api.model.Quantity q250m = new io.fabric8.kubernetes.api.model.Quantity("250m");
        io.fabric8.kubernetes.api.model.Quantity q500m = new io.fabric8.kubernetes.api.model.Quantity("500m");
        io.fabric8.kubernetes.api.model.Quantity q32 = new io.fabric8.kubernetes.api.model.Quantity("32Mi");
        io.fabric8.kubernetes.api.model.Quantity q64 = new io.fabric8.kubernetes.api.model.Quantity("64Mi");
        Pod created = admin.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("sized").withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).withTerminationGracePeriodSeconds(0L)
                    .withOverhead(Map.of("cpu", new io.fabric8.kubernetes.api.model.Quantity("100m"),
                            "memory", new io.fabric8.kubernetes.api.model.Quantity("16Mi")))
                    .addNewContainer().withName("first").withImage(ContainerdFixture.BUSYBOX).withImagePullPolicy("IfNotPresent")
                        .withCommand("sh", "-c", "grep -q 'memory:/kubepods/burstable/pod' /proc/self/cgroup && exec sleep 3600")
                        .withNewResources().addToRequests("cpu", q250m).addToRequests("memory", q32)
                            .addToLimits("cpu", q500m).addToLimits("memory", q64).endResources()
                    .endContainer()
                    .addNewContainer().withName("second").withImage(ContainerdFixture.BUSYBOX).withImagePullPolicy("IfNotPresent")
                        .withCommand("sleep", "3600")
                        .withNewResources().addToLimits("cpu", q500m).addToLimits("memory", q64).endResources()
                    .endContainer()
                .endSpec().build()).create();
        await().ignoreExceptions().atMost(TIMEOUT).untilAsserted(() ->
                assertThat(admin.pods().inNamespace("default").withName("sized").get().getStatus().getContainerStatuses())
                        .allSatisfy(status -> assertThat(status.getReady()).isTrue()));
        String pod = "kubepods/burstable/pod" + created.getMetadata().getUid();
        java.nio.file.Path memory = java.nio.file.Path.of("/sys/fs/cgroup/memory", pod);
        java.nio.file.Path cpu = java.nio.file.Path.of("/sys/fs/cgroup/cpu", pod);
        // 64Mi + 64Mi + 16Mi overhead; shares of 250m + 500m + 100m; quota of 500m + 500m + 100m.
        assertThat(read(memory.resolve("memory.limit_in_bytes"))).isEqualTo("150994944");
        assertThat(read(cpu.resolve("cpu.shares"))).isEqualTo("870");
        assertThat(read(cpu.resolve("cpu.cfs_quota_us"))).isEqualTo("110000");

        admin.pods().inNamespace("default").withName("sized").withGracePeriod(0).delete();
        await().atMost(TIMEOUT).until(() -> !java.nio.file.Files.exists(memory) && !java.nio.file.Files.exists(cpu));
    }

    private static String read(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.readString(file).trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void requestsAndLimitsReachTheContainersCgroupsAndAnOverrunIsOomKilled() {
        // Inside the container the cgroup v1 hierarchies show its own cgroup; the QoS class decides oom_score_adj.
        String checks = String.join(" && ",
                "test \"$(cat /sys/fs/cgroup/cpu/cpu.shares)\" = 256",
                "test \"$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)\" = 50000",
                "test \"$(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)\" = 100000",
                "test \"$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)\" = 67108864");
        admin.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("limited").withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
                    .addNewContainer().withName("app").withImage(ContainerdFixture.BUSYBOX).withImagePullPolicy("IfNotPresent")
                        .withCommand("sh", "-c", checks)
                        .withNewResources().addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("250m"))
                            .addToRequests("memory", new io.fabric8.kubernetes.api.model.Quantity("32Mi"))
                            .addToLimits("cpu", new io.fabric8.kubernetes.api.model.Quantity("500m"))
                            .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("64Mi")).endResources()
                    .endContainer()
                .endSpec().build()).create();
        admin.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("best-effort").withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
                    .addNewContainer().withName("app").withImage(ContainerdFixture.BUSYBOX).withImagePullPolicy("IfNotPresent")
                        .withCommand("sh", "-c", "test \"$(cat /proc/self/oom_score_adj)\" = 1000").endContainer()
                .endSpec().build()).create();
        admin.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("greedy").withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
                    .addNewContainer().withName("app").withImage(ContainerdFixture.BUSYBOX).withImagePullPolicy("IfNotPresent")
                        .withCommand("sh", "-c", "x=$(head -c 100000000 /dev/zero | tr '\\0' a); echo survived")
                        .withNewResources().addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("16Mi")).endResources()
                    .endContainer()
                .endSpec().build()).create();

        for (String name : List.of("limited", "best-effort")) {
            await().ignoreExceptions().atMost(TIMEOUT).untilAsserted(() -> {
                Pod current = admin.pods().inNamespace("default").withName(name).get();
                assertThat(current.getStatus().getPhase()).as(name).isEqualTo("Succeeded");
            });
        }
        await().ignoreExceptions().atMost(TIMEOUT).untilAsserted(() -> {
            Pod current = admin.pods().inNamespace("default").withName("greedy").get();
            assertThat(current.getStatus().getPhase()).isEqualTo("Failed");
            var terminated = current.getStatus().getContainerStatuses().getFirst().getState().getTerminated();
            assertThat(terminated.getReason()).isEqualTo("OOMKilled");
            assertThat(terminated.getExitCode()).isEqualTo(137);
        });
    }

    @Test
    void terminationMessagesComeFromTheFileOrTheLogsEndOnError() {
        admin.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("farewell").withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
                    .addNewContainer().withName("app").withImage(ContainerdFixture.BUSYBOX).withImagePullPolicy("IfNotPresent")
                        .withCommand("sh", "-c", "echo -n 'bye now' > /dev/termination-log; exit 3").endContainer()
                .endSpec().build()).create();
        admin.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("fallback").withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
                    .addNewContainer().withName("app").withImage(ContainerdFixture.BUSYBOX).withImagePullPolicy("IfNotPresent")
                        .withTerminationMessagePolicy("FallbackToLogsOnError")
                        .withCommand("sh", "-c", "echo first; echo oops; exit 1").endContainer()
                .endSpec().build()).create();

        await().ignoreExceptions().atMost(TIMEOUT).untilAsserted(() -> {
            var terminated = admin.pods().inNamespace("default").withName("farewell").get().getStatus().getContainerStatuses()
                    .getFirst().getState().getTerminated();
            assertThat(terminated.getExitCode()).isEqualTo(3);
            assertThat(terminated.getMessage()).isEqualTo("bye now");
        });
        await().ignoreExceptions().atMost(TIMEOUT).untilAsserted(() -> {
            var terminated = admin.pods().inNamespace("default").withName("fallback").get().getStatus().getContainerStatuses()
                    .getFirst().getState().getTerminated();
            assertThat(terminated.getExitCode()).isEqualTo(1);
            assertThat(terminated.getMessage()).isEqualTo("first\noops\n");
        });
    }

    @Test
    void postStartRunsBeforeTheContainerIsReadyAndPreStopBeforeItIsStopped() throws Exception {
        java.nio.file.Path shared = Files.createDirectories(fixture.dataDirectory().resolve("hooks"));
        admin.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("hooked").withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).withTerminationGracePeriodSeconds(10L)
                    .addNewContainer().withName("app").withImage(ContainerdFixture.BUSYBOX).withImagePullPolicy("IfNotPresent")
                        .withCommand("sh", "-c", "until [ -f /hooks/post-start ]; do sleep 0.2; done; echo seen > /hooks/app; exec sleep 1000")
                        .withNewLifecycle()
                            .withNewPostStart().withNewExec().withCommand("sh", "-c", "echo hello > /hooks/post-start").endExec().endPostStart()
                            .withNewPreStop().withNewExec().withCommand("sh", "-c", "echo bye > /hooks/pre-stop").endExec().endPreStop()
                        .endLifecycle()
                        .addNewVolumeMount().withName("hooks").withMountPath("/hooks").endVolumeMount()
                    .endContainer()
                    .addNewVolume().withName("hooks").withNewHostPath().withPath(shared.toString()).endHostPath().endVolume()
                .endSpec().build()).create();
        admin.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("hook-fails").withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
                    .addNewContainer().withName("app").withImage(ContainerdFixture.BUSYBOX).withImagePullPolicy("IfNotPresent")
                        .withCommand("sleep", "1000")
                        .withNewLifecycle().withNewPostStart().withNewExec().withCommand("sh", "-c", "exit 3").endExec().endPostStart()
                        .endLifecycle()
                    .endContainer()
                .endSpec().build()).create();

        await().atMost(TIMEOUT).until(() -> Files.exists(shared.resolve("app")));
        assertThat(Files.readString(shared.resolve("post-start"))).isEqualTo("hello\n");
        String uid = admin.pods().inNamespace("default").withName("hook-fails").get().getMetadata().getUid();
        await().ignoreExceptions().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(admin.v1().events().inNamespace("default").list().getItems().stream()
                    .filter(event -> "hook-fails".equals(event.getInvolvedObject().getName())
                            && "FailedPostStartHook".equals(event.getReason()))
                    .map(io.fabric8.kubernetes.api.model.Event::getMessage))
                    .contains("Exec lifecycle hook ([sh -c exit 3]) for Container \"app\" in Pod \"hook-fails_default(" + uid
                            + ")\" failed - error: command 'sh -c exit 3' exited with 3: , message: \"\"");
            assertThat(admin.pods().inNamespace("default").withName("hook-fails").get().getStatus().getPhase()).isEqualTo("Failed");
        });

        admin.pods().inNamespace("default").withName("hooked").delete();
        await().atMost(TIMEOUT).until(() -> Files.exists(shared.resolve("pre-stop")));
        assertThat(Files.readString(shared.resolve("pre-stop"))).isEqualTo("bye\n");
    }

    @Test
    void aMissingConfigMapIsACreateContainerConfigError() {
        admin.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("no-config").withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).withTerminationGracePeriodSeconds(1L)
                    .addNewContainer().withName("app").withImage(ContainerdFixture.BUSYBOX).withImagePullPolicy("IfNotPresent")
                        .withCommand("sleep", "1000")
                        .addNewEnvFrom().withNewConfigMapRef().withName("absent").endConfigMapRef().endEnvFrom()
                    .endContainer()
                .endSpec().build()).create();

        await().ignoreExceptions().atMost(TIMEOUT).untilAsserted(() -> assertThat(waiting("no-config"))
                .satisfies(waiting -> {
                    assertThat(waiting.getReason()).isEqualTo("CreateContainerConfigError");
                    assertThat(waiting.getMessage()).isEqualTo("configmap \"absent\" not found");
                }));
    }

    @Test
    void pullPoliciesNeverAndIfNotPresentReportWhyTheImageIsMissing() {
        admin.pods().inNamespace("default").resource(pod("never", "docker.io/library/absent:1", "Never")).create();
        admin.pods().inNamespace("default").resource(pod("unpullable", "127.0.0.1:9/nothing:1", "IfNotPresent")).create();

        await().ignoreExceptions().atMost(TIMEOUT).untilAsserted(() -> assertThat(waiting("never")).satisfies(waiting -> {
            assertThat(waiting.getReason()).isEqualTo("ErrImageNeverPull");
            assertThat(waiting.getMessage()).isEqualTo("Container image \"docker.io/library/absent:1\" is not present with pull policy of Never");
        }));
        await().ignoreExceptions().atMost(TIMEOUT).untilAsserted(() -> assertThat(waiting("unpullable").getReason()).isIn("ErrImagePull", "ImagePullBackOff"));
        await().ignoreExceptions().atMost(TIMEOUT).untilAsserted(() -> assertThat(waiting("unpullable")).satisfies(waiting -> {
            assertThat(waiting.getReason()).isEqualTo("ImagePullBackOff");
            assertThat(waiting.getMessage()).isEqualTo("Back-off pulling image \"127.0.0.1:9/nothing:1\"");
        }));
    }

    @Test
    void aRestartedKubeletAdoptsTheRunningContainer() throws Exception {
        admin.pods().inNamespace("default").resource(pod("long-runner", ContainerdFixture.BUSYBOX, "IfNotPresent")).create();
        await().ignoreExceptions().atMost(TIMEOUT).untilAsserted(() -> assertThat(status("long-runner").getState().getRunning()).isNotNull());
        String before = status("long-runner").getContainerID();

        host.close();
        host = startHost();

        // Give the new kubelet time to sync and write; it must not have started another container.
        await().ignoreExceptions().pollDelay(Duration.ofSeconds(3)).atMost(TIMEOUT).untilAsserted(() -> {
            ContainerStatus after = status("long-runner");
            assertThat(after.getContainerID()).isEqualTo(before);
            assertThat(after.getRestartCount()).isZero();
            assertThat(after.getReady()).isTrue();
        });
        assertThat(Files.exists(fixture.dataDirectory())).isTrue();
    }

    private static Pod pod(String name, String image, String pullPolicy) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).withTerminationGracePeriodSeconds(1L)
                    .addNewContainer().withName("app").withImage(image).withImagePullPolicy(pullPolicy)
                        .withCommand(List.of("sleep", "1000")).endContainer()
                .endSpec().build();
    }

    private static ContainerStatus status(String name) {
        return admin.pods().inNamespace("default").withName(name).get().getStatus().getContainerStatuses().getFirst();
    }

    private static ContainerStateWaiting waiting(String name) {
        ContainerStateWaiting waiting = status(name).getState().getWaiting();
        assertThat(waiting).as("%s waiting", name).isNotNull();
        return waiting;
    }
}
