package dev.kapal.kubelet.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.kubelet.runtime.containerd.ContainerdFixture;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Volumes on real containers: configMap, secret, downwardAPI, projected, emptyDir shared by an
 * init container and the app, hostPath and subPath, each checked from inside the container by a
 * shell that exits 0 only when every file is as upstream's kubelet lays it out; a ConfigMap
 * change reaching a running container; a missing ConfigMap as FailedMount until it exists; the
 * pod's volume directory gone with the pod.
 */
class ContainerdVolumesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String NODE = "containerd-volumes-node";
    private static ContainerdNodeCluster node;
    private static ContainerdFixture fixture;
    private static KubernetesClient admin;

    @BeforeAll
    static void start() throws Exception {
        node = ContainerdNodeCluster.start(NODE);
        fixture = node.fixture;
        admin = node.admin;
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void everyVolumeTypeIsLaidOutAsUpstreamAndTheDirectoryGoesWithThePod() throws Exception {
        admin.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("game").endMetadata()
                .withData(Map.of("game.properties", "lives=3\n", "ui.properties", "color=blue\n")).build()).create();
        admin.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata().withName("creds").endMetadata()
                .withStringData(Map.of("password", "s3cret")).build()).create();
        Path hostDir = Files.createDirectories(fixture.dataDirectory().resolve("host-share"));
        Files.writeString(hostDir.resolve("from-host.txt"), "host says hi");
        String checks = String.join(" && ",
                "test \"$(cat /config/game.properties)\" = lives=3",
                "test -L /config/game.properties && test -L /config/..data",
                "test \"$(cat /items/renamed/lives)\" = lives=3 && test ! -e /items/ui.properties",
                "test \"$(stat -c %a /items/..data/renamed/lives)\" = 400",
                "test \"$(cat /secret/password)\" = s3cret",
                "test \"$(cat /podinfo/name)\" = volumes",
                "grep -q 'tier=\"backend\"' /podinfo/labels",
                "test \"$(cat /projected/password)\" = s3cret && test \"$(cat /projected/ns)\" = default",
                "test \"$(cat /scratch/handoff)\" = from-init",
                "test \"$(cat /host/from-host.txt)\" = 'host says hi'",
                "test \"$(cat /just-ui.properties)\" = color=blue",
                "! touch /config/new 2>/dev/null",
                "grep ' /ram ' /proc/mounts | grep -q 'tmpfs.*size=1024k'",
                "echo written-by-app > /host/from-app.txt");
        admin.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("volumes").withNamespace("default").withLabels(Map.of("tier", "backend")).endMetadata()
                .withNewSpec().withNodeName(NODE).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
                    .addNewInitContainer().withName("prepare").withImage(ContainerdFixture.BUSYBOX).withImagePullPolicy("IfNotPresent")
                        .withCommand("sh", "-c", "echo -n from-init > /scratch/handoff")
                        .addNewVolumeMount().withName("scratch").withMountPath("/scratch").endVolumeMount()
                    .endInitContainer()
                    .addNewContainer().withName("app").withImage(ContainerdFixture.BUSYBOX).withImagePullPolicy("IfNotPresent")
                        .withCommand("sh", "-c", checks)
                        .addNewVolumeMount().withName("config").withMountPath("/config").endVolumeMount()
                        .addNewVolumeMount().withName("items").withMountPath("/items").endVolumeMount()
                        .addNewVolumeMount().withName("secret").withMountPath("/secret").endVolumeMount()
                        .addNewVolumeMount().withName("podinfo").withMountPath("/podinfo").endVolumeMount()
                        .addNewVolumeMount().withName("projected").withMountPath("/projected").endVolumeMount()
                        .addNewVolumeMount().withName("scratch").withMountPath("/scratch").endVolumeMount()
                        .addNewVolumeMount().withName("host").withMountPath("/host").endVolumeMount()
                        .addNewVolumeMount().withName("ram").withMountPath("/ram").endVolumeMount()
                        .addNewVolumeMount().withName("config").withMountPath("/just-ui.properties").withSubPath("ui.properties")
                            .endVolumeMount()
                    .endContainer()
                    .addNewVolume().withName("config").withNewConfigMap().withName("game").endConfigMap().endVolume()
                    .addNewVolume().withName("items").withNewConfigMap().withName("game").addNewItem().withKey("game.properties")
                        .withPath("renamed/lives").withMode(0400).endItem().endConfigMap().endVolume()
                    .addNewVolume().withName("secret").withNewSecret().withSecretName("creds").endSecret().endVolume()
                    .addNewVolume().withName("podinfo").withNewDownwardAPI()
                        .addNewItem().withPath("name").withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endItem()
                        .addNewItem().withPath("labels").withNewFieldRef().withFieldPath("metadata.labels").endFieldRef().endItem()
                    .endDownwardAPI().endVolume()
                    .addNewVolume().withName("projected").withNewProjected()
                        .addNewSource().withNewSecret().withName("creds").endSecret().endSource()
                        .addNewSource().withNewDownwardAPI().addNewItem().withPath("ns").withNewFieldRef()
                            .withFieldPath("metadata.namespace").endFieldRef().endItem().endDownwardAPI().endSource()
                    .endProjected().endVolume()
                    .addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume()
                    .addNewVolume().withName("ram").withNewEmptyDir().withMedium("Memory")
                        .withSizeLimit(new io.fabric8.kubernetes.api.model.Quantity("1Mi")).endEmptyDir().endVolume()
                    .addNewVolume().withName("host").withNewHostPath().withPath(hostDir.toString()).withType("Directory")
                        .endHostPath().endVolume()
                .endSpec().build()).create();

        await().ignoreExceptions().atMost(TIMEOUT).untilAsserted(() -> {
            Pod current = admin.pods().inNamespace("default").withName("volumes").get();
            assertThat(current.getStatus().getPhase()).isEqualTo("Succeeded");
        });
        assertThat(Files.readString(hostDir.resolve("from-app.txt"))).isEqualTo("written-by-app\n");
        String uid = admin.pods().inNamespace("default").withName("volumes").get().getMetadata().getUid();
        Path podDirectory = fixture.dataDirectory().resolve("pods").resolve(uid);
        assertThat(podDirectory.resolve("volumes/kubernetes.io~configmap/config/..data")).isSymbolicLink();

        Path ram = podDirectory.resolve("volumes/kubernetes.io~empty-dir/ram");
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).anyMatch(line -> line.contains(" " + ram + " "));

        admin.pods().inNamespace("default").withName("volumes").withGracePeriod(0).delete();
        await().atMost(TIMEOUT).until(() -> !Files.exists(podDirectory));
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).noneMatch(line -> line.contains(" " + ram + " "));
    }

    @Test
    void aServiceAccountTokenProjectionAuthenticatesAsThePodsAccount() throws Exception {
        admin.serviceAccounts().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                .withNewMetadata().withName("robot").endMetadata().build()).create();
        admin.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("kube-root-ca.crt")
                .endMetadata().withData(Map.of("ca.crt", "-----BEGIN CERTIFICATE-----\n")).build()).createOr(existing -> existing.update());
        Path out = Files.createDirectories(fixture.dataDirectory().resolve("token-out"));
        String mountPath = "/var/run/secrets/kubernetes.io/serviceaccount";
        admin.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("tokens").withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
                    .withServiceAccountName("robot")
                    .addNewContainer().withName("app").withImage(ContainerdFixture.BUSYBOX).withImagePullPolicy("IfNotPresent")
                        .withCommand("sh", "-c", "test \"$(stat -c %a " + mountPath + "/..data/token)\" = 644"
                                + " && test \"$(cat " + mountPath + "/namespace)\" = default"
                                + " && test -s " + mountPath + "/ca.crt"
                                + " && cp " + mountPath + "/token /out/token")
                        .addNewVolumeMount().withName("kube-api-access-test").withMountPath(mountPath).withReadOnly(true).endVolumeMount()
                        .addNewVolumeMount().withName("out").withMountPath("/out").endVolumeMount()
                    .endContainer()
                    .addNewVolume().withName("kube-api-access-test").withNewProjected().withDefaultMode(420)
                        .addNewSource().withNewServiceAccountToken().withExpirationSeconds(3607L).withPath("token")
                            .endServiceAccountToken().endSource()
                        .addNewSource().withNewConfigMap().withName("kube-root-ca.crt").addNewItem().withKey("ca.crt").withPath("ca.crt")
                            .endItem().endConfigMap().endSource()
                        .addNewSource().withNewDownwardAPI().addNewItem().withPath("namespace").withNewFieldRef()
                            .withApiVersion("v1").withFieldPath("metadata.namespace").endFieldRef().endItem().endDownwardAPI().endSource()
                    .endProjected().endVolume()
                    .addNewVolume().withName("out").withNewHostPath().withPath(out.toString()).withType("Directory").endHostPath().endVolume()
                .endSpec().build()).create();

        await().ignoreExceptions().atMost(TIMEOUT).untilAsserted(() ->
                assertThat(admin.pods().inNamespace("default").withName("tokens").get().getStatus().getPhase()).isEqualTo("Succeeded"));
        String token = Files.readString(out.resolve("token"));
        Pod pod = admin.pods().inNamespace("default").withName("tokens").get();
        var review = admin.resource(new io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder()
                .withNewSpec().withToken(token).endSpec().build()).create();
        assertThat(review.getStatus().getAuthenticated()).isTrue();
        assertThat(review.getStatus().getUser().getUsername()).isEqualTo("system:serviceaccount:default:robot");
        assertThat(review.getStatus().getUser().getExtra()).containsEntry("authentication.kubernetes.io/pod-name", List.of("tokens"))
                .containsEntry("authentication.kubernetes.io/pod-uid", List.of(pod.getMetadata().getUid()))
                .containsEntry("authentication.kubernetes.io/node-name", List.of(NODE));
        admin.pods().inNamespace("default").withName("tokens").withGracePeriod(0).delete();
    }

    @Test
    void aChangedConfigMapReachesTheRunningContainer() {
        admin.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("live").endMetadata()
                .withData(Map.of("version", "v1")).build()).create();
        admin.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("watcher").withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
                    .addNewContainer().withName("app").withImage(ContainerdFixture.BUSYBOX).withImagePullPolicy("IfNotPresent")
                        .withCommand("sh", "-c", "test \"$(cat /live/version)\" = v1 || exit 1; "
                                + "until [ \"$(cat /live/version)\" = v2 ]; do sleep 1; done")
                        .addNewVolumeMount().withName("live").withMountPath("/live").endVolumeMount()
                    .endContainer()
                    .addNewVolume().withName("live").withNewConfigMap().withName("live").endConfigMap().endVolume()
                .endSpec().build()).create();
        await().ignoreExceptions().atMost(TIMEOUT).until(() ->
                "Running".equals(admin.pods().inNamespace("default").withName("watcher").get().getStatus().getPhase()));

        admin.configMaps().inNamespace("default").withName("live").edit(cm -> new ConfigMapBuilder(cm).withData(Map.of("version", "v2")).build());

        await().ignoreExceptions().atMost(TIMEOUT).untilAsserted(() -> {
            Pod current = admin.pods().inNamespace("default").withName("watcher").get();
            assertThat(current.getStatus().getPhase()).isEqualTo("Succeeded");
            assertThat(current.getStatus().getContainerStatuses().getFirst().getState().getTerminated().getExitCode()).isZero();
        });
    }

    @Test
    void aMissingConfigMapIsAFailedMountUntilItExists() {
        admin.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("waits-for-config").withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
                    .addNewContainer().withName("app").withImage(ContainerdFixture.BUSYBOX).withImagePullPolicy("IfNotPresent")
                        .withCommand("sh", "-c", "test \"$(cat /cfg/key)\" = present")
                        .addNewVolumeMount().withName("cfg").withMountPath("/cfg").endVolumeMount()
                    .endContainer()
                    .addNewVolume().withName("cfg").withNewConfigMap().withName("later").endConfigMap().endVolume()
                .endSpec().build()).create();

        await().ignoreExceptions().atMost(TIMEOUT).untilAsserted(() -> assertThat(admin.v1().events().inNamespace("default").list()
                .getItems().stream().filter(event -> "waits-for-config".equals(event.getInvolvedObject().getName())
                        && "FailedMount".equals(event.getReason())).map(Event::getMessage))
                .contains("MountVolume.SetUp failed for volume \"cfg\" : configmap \"later\" not found"));
        Pod waiting = admin.pods().inNamespace("default").withName("waits-for-config").get();
        assertThat(waiting.getStatus().getPhase()).isEqualTo("Pending");
        assertThat(waiting.getStatus().getContainerStatuses().getFirst().getState().getWaiting().getReason()).isEqualTo("ContainerCreating");

        admin.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("later").endMetadata()
                .withData(Map.of("key", "present")).build()).create();
        await().ignoreExceptions().atMost(TIMEOUT).untilAsserted(() -> {
            Pod current = admin.pods().inNamespace("default").withName("waits-for-config").get();
            assertThat(current.getStatus().getPhase()).isEqualTo("Succeeded");
        });
    }
}
