package dev.kapal.kubelet.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.kubelet.KubeletHost;
import dev.kapal.kubelet.runtime.containerd.ContainerdFixture;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Image pulls through real registries (Debian's {@code docker-registry} on loopback, plain HTTP):
 * a mirror from the agent's {@code registries.yaml} serving an image named for another registry,
 * credentials from {@code registries.yaml}, and a pod's {@code imagePullSecrets} for a registry
 * that needs them (refused without: {@code ErrImagePull}/{@code ImagePullBackOff}; a missing
 * secret named in a {@code FailedToRetrieveImagePullSecret} warning).
 */
class ContainerdRegistryTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String NODE = "containerd-registry-node";
    private static final String USER = "kapal";
    private static final String PASSWORD = "s3cret-pull";
    private static final String MIRRORED = "mirror.kapal.test";
    private static final List<Process> registries = new ArrayList<>();
    private static Path work;
    private static int open;
    private static int configured;
    private static int secured;
    private static ContainerdNodeCluster node;
    private static KubernetesClient admin;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("kapal-registry-test");
        byte[] salt = new byte[16];
        new java.security.SecureRandom().nextBytes(salt);
        Files.writeString(work.resolve("htpasswd"), USER + ":" + OpenBSDBCrypt.generate("2a", PASSWORD.toCharArray(), salt, 5) + "\n");
        open = startRegistry("open", false);
        configured = startRegistry("configured", true);
        secured = startRegistry("secured", true);
        String registriesYaml = """
                mirrors:
                  %1$s:
                    endpoint:
                      - "http://127.0.0.1:%2$d"
                  "127.0.0.1:%3$d":
                    endpoint:
                      - "http://127.0.0.1:%3$d"
                  "127.0.0.1:%4$d":
                    endpoint:
                      - "http://127.0.0.1:%4$d"
                configs:
                  "127.0.0.1:%3$d":
                    auth:
                      username: %5$s
                      password: %6$s
                """.formatted(MIRRORED, open, configured, secured, USER, PASSWORD);
        node = ContainerdNodeCluster.start(NODE, KubeletHost.Options.defaults().withIntervals(Duration.ofSeconds(1), Duration.ofSeconds(2)),
                agent -> {
                    try {
                        Files.writeString(agent.resolve("registries.yaml"), registriesYaml);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
        admin = node.admin;
        ContainerdFixture fixture = node.fixture;
        push(fixture, "127.0.0.1:" + open, "");
        push(fixture, "127.0.0.1:" + configured, USER + ":" + PASSWORD);
        push(fixture, "127.0.0.1:" + secured, USER + ":" + PASSWORD);
    }

    @AfterAll
    static void stop() throws IOException {
        if (node != null) {
            node.close();
        }
        registries.forEach(Process::destroyForcibly);
        if (work != null) {
            dev.kapal.kubelet.volumes.AtomicWriter.deleteTree(work);
        }
    }

    private static int startRegistry(String name, boolean withAuth) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path storage = Files.createDirectories(work.resolve(name));
        String config = """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: 127.0.0.1:%d
                """.formatted(storage, port)
                + (withAuth ? "auth:\n  htpasswd:\n    realm: kapal-test\n    path: " + work.resolve("htpasswd") + "\n" : "");
        Path file = work.resolve(name + ".yml");
        Files.writeString(file, config);
        Process registry = new ProcessBuilder("docker-registry", "serve", file.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile()).start();
        registries.add(registry);
        int listening = port;
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Socket probe = new Socket("127.0.0.1", listening)) {
                return true;
            }
        });
        return port;
    }

    /** Tags the test's busybox for {@code registry}, pushes it there with ctr, and forgets the tag locally. */
    private static void push(ContainerdFixture fixture, String registry, String credentials) {
        String reference = registry + "/kapal/busybox:1";
        fixture.ctr("images", "tag", ContainerdFixture.BUSYBOX, reference);
        List<String> push = new ArrayList<>(List.of("images", "push", "--plain-http"));
        if (!credentials.isEmpty()) {
            push.addAll(List.of("--user", credentials));
        }
        push.add(reference);
        fixture.ctr(push.toArray(String[]::new));
        fixture.ctr("images", "rm", reference);
    }

    private static void createPod(String name, String image, List<String> pullSecrets) {
        PodBuilder pod = new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).withTerminationGracePeriodSeconds(0L)
                    .addNewContainer().withName("app").withImage(image).withImagePullPolicy("Always")
                        .withCommand("sleep", "3600").endContainer()
                .endSpec();
        pullSecrets.forEach(secret -> pod.editSpec().addNewImagePullSecret(secret).endSpec());
        admin.pods().inNamespace("default").resource(pod.build()).create();
    }

    private static List<io.fabric8.kubernetes.api.model.Event> eventsOf(String pod) {
        return admin.v1().events().inNamespace("default").list().getItems().stream()
                .filter(event -> pod.equals(event.getInvolvedObject().getName())).toList();
    }

    private static void awaitRunning(String name) {
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
            Pod pod = admin.pods().inNamespace("default").withName(name).get();
            assertThat(pod.getStatus().getPhase()).as(String.valueOf(pod.getStatus())).isEqualTo("Running");
        });
    }

    @Test
    void aMirrorFromRegistriesYamlServesAnImageNamedForAnotherRegistry() {
        createPod("mirrored", MIRRORED + "/kapal/busybox:1", List.of());
        awaitRunning("mirrored");
        // mirror.kapal.test does not resolve: only the mirror can have served the pull (policy Always).
        assertThat(eventsOf("mirrored")).anySatisfy(event -> {
            assertThat(event.getReason()).isEqualTo("Pulled");
            assertThat(event.getMessage()).startsWith("Successfully pulled image \"" + MIRRORED + "/kapal/busybox:1\"");
        });
    }

    @Test
    void credentialsFromRegistriesYamlAuthenticateThePull() {
        createPod("configured", "127.0.0.1:" + configured + "/kapal/busybox:1", List.of());
        awaitRunning("configured");
    }

    @Test
    void anImagePullSecretAuthenticatesThePullAndWithoutItThePullFails() {
        String image = "127.0.0.1:" + secured + "/kapal/busybox:1";
        createPod("no-secret", image, List.of());
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
            ContainerStatus status = admin.pods().inNamespace("default").withName("no-secret").get()
                    .getStatus().getContainerStatuses().get(0);
            assertThat(status.getState().getWaiting().getReason()).isIn("ErrImagePull", "ImagePullBackOff");
            assertThat(eventsOf("no-secret")).anySatisfy(event -> {
                assertThat(event.getReason()).isEqualTo("Failed");
                assertThat(event.getMessage()).startsWith("Failed to pull image \"" + image + "\": ").containsIgnoringCase("unauthorized");
            });
        });

        String dockerConfig = "{\"auths\":{\"127.0.0.1:" + secured + "\":{\"auth\":\""
                + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)) + "\"}}}";
        admin.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata().withName("regcred").endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .withData(Map.of(".dockerconfigjson", Base64.getEncoder().encodeToString(dockerConfig.getBytes(StandardCharsets.UTF_8))))
                .build()).create();
        createPod("with-secret", image, List.of("missing-one", "regcred"));
        awaitRunning("with-secret");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(eventsOf("with-secret"))
                .anySatisfy(event -> {
                    assertThat(event.getReason()).isEqualTo("FailedToRetrieveImagePullSecret");
                    assertThat(event.getMessage()).isEqualTo("Unable to retrieve some image pull secrets (missing-one); "
                            + "attempting to pull the image may not succeed.");
                }));
    }
}
