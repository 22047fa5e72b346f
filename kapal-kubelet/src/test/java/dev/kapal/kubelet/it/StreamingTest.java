package dev.kapal.kubelet.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.apiserver.tls.IssuedCertificate;
import dev.kapal.apiserver.tls.SubjectAlternativeNames;
import dev.kapal.apiserver.testing.InProcessApiServer;
import dev.kapal.kubelet.KubeletHost;
import dev.kapal.kubelet.NodeConfig;
import dev.kapal.kubelet.runtime.containerd.ContainerdFixture;
import dev.kapal.kubelet.runtime.cri.CriClient;
import dev.kapal.kubelet.runtime.cri.CriRuntime;
import dev.kapal.kubelet.server.KubeletAuthorizer;
import dev.kapal.kubelet.server.KubeletServer;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Logs, exec, attach, cp and port-forward with real kubectl 1.27 (SPDY/3.1) and 1.33 (WebSocket
 * first, SPDY where the runtime refuses it) through the in-process API server, the kubelet's HTTPS
 * API ({@link KubeletServer}) and real containers on a managed containerd.
 */
class StreamingTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String NODE = "streaming-node";
    private static ContainerdFixture fixture;
    private static InProcessApiServer cluster;
    private static KubernetesClient admin;
    private static ScheduledExecutorService timers;
    private static KubeletHost host;
    private static CriRuntime runtime;
    private static KubeletServer kubelet;
    private static Path work;
    private static Path kubeconfig;

    @BeforeAll
    static void start() throws Exception {
        fixture = ContainerdFixture.start();
        cluster = new InProcessApiServer();
        admin = cluster.admin();
        work = Files.createTempDirectory("kapal-streaming");
        kubeconfig = cluster.writeAdminKubeconfig(work.resolve("kubeconfig.yaml"));
        runtime = new CriRuntime(CriClient.connect(fixture.containerd().socket()), fixture.dataDirectory().resolve("pod-logs"),
                Duration.ofSeconds(60), Duration.ofMillis(500));
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        IssuedCertificate serving = cluster.pki().issueKubeletServingCertificate(NODE,
                new SubjectAlternativeNames(Set.of("localhost", NODE), Set.of(loopback)));
        kubelet = new KubeletServer(NODE, runtime, new KubeletServer.Tls(serving.key(),
                List.of(serving.certificate(), cluster.pki().serverCa().certificate()), cluster.pki().clientCa().certificate()),
                loopback, 0, KubeletAuthorizer.subjectAccessReview(admin, NODE));
        kubelet.start();
        timers = KubeletHost.newTimers();
        host = new KubeletHost(cluster.clientFor("system:node:" + NODE, "system:nodes"),
                KubeletHost.Options.defaults().withIntervals(Duration.ofSeconds(1), Duration.ofSeconds(2)),
                Clock.systemUTC(), timers);
        Map<String, Quantity> capacity = Map.of("cpu", new Quantity("2"), "memory", new Quantity("4Gi"),
                "pods", new Quantity("110"));
        host.addNode(new NodeConfig(NODE, Map.of("kubernetes.io/hostname", NODE, "kubernetes.io/os", "linux"), Map.of(),
                        capacity, capacity, List.of(new NodeAddress("127.0.0.1", "InternalIP")),
                        new NodeConfig.NodeInfo("m", "s", "b", System.getProperty("os.version"), "Debian", "linux", "amd64",
                                "v1.33.0+kapal"), false, kubelet.port()),
                runtime);
        host.start();
        host.ready().get(60, TimeUnit.SECONDS);
        admin.nodes().withName(NODE).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"podCIDR\":\"" + ContainerdFixture.POD_CIDR + "\",\"podCIDRs\":[\"" + ContainerdFixture.POD_CIDR + "\"]}}");

        create("lines", "echo line1; echo line2; echo line3; exec sleep 100000");
        create("ticker", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done");
        create("shell", "exec sleep 100000");
        create("web", "mkdir -p /www && echo hello-from-httpd > /www/index.html && exec httpd -f -p 8080 -h /www");
        for (String name : List.of("lines", "ticker", "shell", "web")) {
            await().atMost(TIMEOUT).until(() -> "Running".equals(
                    admin.pods().inNamespace("default").withName(name).get().getStatus().getPhase()));
        }
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
        if (timers != null) {
            timers.shutdownNow();
        }
        if (kubelet != null) {
            kubelet.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private static void create(String name, String script) {
        admin.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).withTerminationGracePeriodSeconds(1L)
                    .addNewContainer().withName("app").withImage(ContainerdFixture.BUSYBOX)
                        .withCommand("sh", "-c", script).withImagePullPolicy("IfNotPresent").endContainer()
                .endSpec().build()).create();
    }

    // ---------------------------------------------------------------- the kubelet API itself

    @Test
    void theKubeletRefusesAnonymousClientsAndServesHealthAndStatsToCertifiedOnes() throws Exception {
        HttpClient anonymous = HttpClient.newBuilder().sslContext(tls(false)).build();
        HttpResponse<String> refused = anonymous.send(HttpRequest.newBuilder(kubeletUri("/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).startsWith("Unauthorized");

        HttpClient certified = HttpClient.newBuilder().sslContext(tls(true)).build();
        assertThat(certified.send(HttpRequest.newBuilder(kubeletUri("/healthz")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("ok\n");
        HttpResponse<String> stats = certified.send(HttpRequest.newBuilder(kubeletUri("/stats/summary")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stats.statusCode()).isEqualTo(200);
        var summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(stats.body());
        assertThat(summary.path("node").path("nodeName").asText()).isEqualTo(NODE);
        assertThat(summary.path("node").path("memory").path("workingSetBytes").asLong()).isPositive();
        assertThat(summary.path("pods").findValuesAsText("name")).contains("ticker");
        HttpResponse<String> logs = certified.send(HttpRequest.newBuilder(
                kubeletUri("/containerLogs/default/lines/app?tailLines=1")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(logs.body()).isEqualTo("line3\n");
    }

    @Test
    void resourceMetricsAreServedByTheKubeletAndThroughNodesProxy() throws Exception {
        HttpClient certified = HttpClient.newBuilder().sslContext(tls(true)).build();
        HttpResponse<String> metrics = certified.send(HttpRequest.newBuilder(kubeletUri("/metrics/resource")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertThat(metrics.body()).contains("# TYPE container_cpu_usage_seconds_total counter\n")
                .containsPattern("(?m)^container_memory_working_set_bytes\\{container=\"app\",namespace=\"default\",pod=\"ticker\"} [0-9]+ [0-9]+$")
                .containsPattern("(?m)^container_start_time_seconds\\{container=\"app\",namespace=\"default\",pod=\"ticker\"} [0-9.E]+$")
                .containsPattern("(?m)^pod_cpu_usage_seconds_total\\{namespace=\"default\",pod=\"ticker\"} [0-9.E-]+ [0-9]+$")
                .containsPattern("(?m)^node_memory_working_set_bytes [0-9]+ [0-9]+$")
                .contains("resource_scrape_error 0\n");

        Kubectl kubectl = Kubectl.of("1.33", kubeconfig);
        Kubectl.Result proxied = kubectl.run("get", "--raw", "/api/v1/nodes/" + NODE + "/proxy/metrics/resource");
        assertThat(proxied.exitCode()).as(proxied.err()).isZero();
        assertThat(proxied.out()).contains("node_cpu_usage_seconds_total ");
        Kubectl.Result summary = kubectl.run("get", "--raw", "/api/v1/nodes/" + NODE + "/proxy/stats/summary");
        assertThat(summary.exitCode()).as(summary.err()).isZero();
        assertThat(summary.out()).contains("\"nodeName\":\"" + NODE + "\"");
        Kubectl.Result missing = kubectl.run("get", "--raw", "/api/v1/nodes/" + NODE + "/proxy/nothing-here");
        assertThat(missing.exitCode()).isNotZero();
    }

    /** A WebSocket exec session's messages by channel, as a channel-protocol client sees them. */
    private static final class ChannelSession implements java.net.http.WebSocket.Listener {
        final Map<Integer, java.io.ByteArrayOutputStream> channels = new java.util.concurrent.ConcurrentHashMap<>();
        final java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
        private final java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();

        @Override
        public java.util.concurrent.CompletionStage<?> onBinary(java.net.http.WebSocket socket, java.nio.ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            message.writeBytes(bytes);
            if (last) {
                byte[] whole = message.toByteArray();
                message.reset();
                if (whole.length > 0) {
                    channels.computeIfAbsent(whole[0] & 0xff, channel -> new java.io.ByteArrayOutputStream())
                            .write(whole, 1, whole.length - 1);
                }
            }
            socket.request(1);
            return null;
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket socket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(java.net.http.WebSocket socket, Throwable error) {
            closed.completeExceptionally(error);
        }

        String text(int channel) {
            java.io.ByteArrayOutputStream bytes = channels.get(channel);
            return bytes == null ? "" : bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static java.net.http.WebSocket openExec(String query, String protocol, ChannelSession session) throws Exception {
        URI uri = URI.create("wss://127.0.0.1:" + kubelet.port() + "/exec/default/shell/app?" + query);
        return HttpClient.newBuilder().sslContext(tls(true)).build().newWebSocketBuilder().subprotocols(protocol)
                .buildAsync(uri, session).get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void webSocketExecIsTranslatedForV5AndV4ChannelClients() throws Exception {
        ChannelSession v5 = new ChannelSession();
        java.net.http.WebSocket socket = openExec("command=sh&command=-c&command=cat%3B+echo+done+%3E%262%3B+exit+3"
                + "&stdin=1&stdout=1&stderr=1", "v5.channel.k8s.io", v5);
        assertThat(socket.getSubprotocol()).isEqualTo("v5.channel.k8s.io");
        socket.sendBinary(java.nio.ByteBuffer.wrap("\u0000hello over v5\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)), true)
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        // v5's close signal for stdin (channel 0): cat sees end of input.
        socket.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {(byte) 255, 0}), true).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(v5.closed.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1000);
        assertThat(v5.text(1)).isEqualTo("hello over v5\n");
        assertThat(v5.text(2)).isEqualTo("done\n");
        assertThat(v5.text(3)).contains("\"reason\":\"NonZeroExitCode\"").contains("\"reason\":\"ExitCode\",\"message\":\"3\"");

        // A terminal: the size sent on the resize channel (4) is what the process sees.
        ChannelSession tty = new ChannelSession();
        java.net.http.WebSocket terminal = openExec("command=sh&command=-c&command=sleep+1%3B+stty+size&stdin=1&stdout=1&tty=1",
                "v5.channel.k8s.io", tty);
        terminal.sendBinary(java.nio.ByteBuffer.wrap("\u0004{\"Width\":123,\"Height\":45}".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                true).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(tty.closed.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1000);
        assertThat(tty.text(1)).contains("45 123");

        ChannelSession v4 = new ChannelSession();
        java.net.http.WebSocket older = openExec("command=echo&command=hi&stdout=1", "v4.channel.k8s.io", v4);
        assertThat(older.getSubprotocol()).isEqualTo("v4.channel.k8s.io");
        assertThat(v4.closed.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1000);
        assertThat(v4.text(1)).isEqualTo("hi\n");
        assertThat(v4.text(3)).contains("\"status\":\"Success\"");
    }

    @Test
    void fabric8ExecOverWebSocketGetsOutputAndTheExitCode() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (var watch = admin.pods().inNamespace("default").withName("shell").inContainer("app").writingOutput(out)
                .exec("sh", "-c", "echo from fabric8; exit 4")) {
            assertThat(watch.exitCode().get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(4);
        }
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("from fabric8\n");
    }

    @Test
    void theApiServerAnswersLikeUpstreamForUnknownContainersAndPods() {
        Kubectl kubectl = Kubectl.of("1.33", kubeconfig);
        Kubectl.Result unknownContainer = kubectl.run("logs", "lines", "-c", "nope");
        assertThat(unknownContainer.exitCode()).isNotZero();
        assertThat(unknownContainer.err()).contains("container nope is not valid for pod lines");
        Kubectl.Result missingPod = kubectl.run("exec", "missing", "--", "true");
        assertThat(missingPod.err()).contains("pods \"missing\" not found");
        admin.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("unscheduled").withNamespace("default").endMetadata()
                .withNewSpec().withSchedulerName("nobody").addNewContainer().withName("app").withImage(ContainerdFixture.BUSYBOX)
                    .endContainer().endSpec().build()).create();
        Kubectl.Result unassigned = kubectl.run("exec", "unscheduled", "--", "true");
        assertThat(unassigned.err()).contains("pod unscheduled does not have a host assigned");
    }

    // ---------------------------------------------------------------- kubectl, per version

    @ParameterizedTest
    @ValueSource(strings = {"1.27", "1.33"})
    void logsWithTailAndFollow(String version) throws Exception {
        Kubectl kubectl = Kubectl.of(version, kubeconfig);
        assertThat(kubectl.run("logs", "lines").out()).isEqualTo("line1\nline2\nline3\n");
        assertThat(kubectl.run("logs", "lines", "--tail=2").out()).isEqualTo("line2\nline3\n");
        assertThat(kubectl.run("logs", "lines", "--timestamps", "--tail=1").out())
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z line3\n");

        Process follow = kubectl.start("logs", "-f", "ticker", "--tail=1");
        try {
            StringBuffer seen = collect(follow.getInputStream());
            // New lines arrive while kubectl follows: at least two ticks after the first one shown.
            await().atMost(TIMEOUT).until(() -> seen.toString().lines().count() >= 3);
            List<Integer> ticks = seen.toString().lines().map(line -> Integer.parseInt(line.replace("tick ", ""))).toList();
            assertThat(ticks.get(1)).isEqualTo(ticks.get(0) + 1);
            assertThat(follow.isAlive()).isTrue();
        } finally {
            follow.destroyForcibly();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.27", "1.33"})
    void execPassesOutputExitCodesAndStdin(String version) {
        Kubectl kubectl = Kubectl.of(version, kubeconfig);
        Kubectl.Result three = kubectl.run("exec", "shell", "--", "sh", "-c", "echo hi; echo oops >&2; exit 3");
        assertThat(three.out()).isEqualTo("hi\n");
        assertThat(three.err()).contains("oops");
        assertThat(three.exitCode()).as(three.toString()).isEqualTo(3);

        Kubectl.Result cat = kubectl.runWithInput("hello stdin\nsecond line\n", "exec", "-i", "shell", "--", "cat");
        assertThat(cat.exitCode()).as(cat.toString()).isZero();
        assertThat(cat.out()).isEqualTo("hello stdin\nsecond line\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.27", "1.33"})
    void cpToAndFromTheContainer(String version) throws Exception {
        Kubectl kubectl = Kubectl.of(version, kubeconfig);
        Path local = work.resolve("upload-" + version + ".txt");
        String content = "copied by kubectl " + version + "\n".repeat(3) + "x".repeat(100_000) + "\n";
        Files.writeString(local, content);
        Kubectl.Result up = kubectl.run("cp", local.toString(), "default/shell:/tmp/upload-" + version + ".txt");
        assertThat(up.exitCode()).as(up.toString()).isZero();
        assertThat(kubectl.run("exec", "shell", "--", "cat", "/tmp/upload-" + version + ".txt").out()).isEqualTo(content);

        Path back = work.resolve("download-" + version + ".txt");
        Kubectl.Result down = kubectl.run("cp", "default/shell:/tmp/upload-" + version + ".txt", back.toString());
        assertThat(down.exitCode()).as(down.toString()).isZero();
        assertThat(Files.readString(back)).isEqualTo(content);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.27", "1.33"})
    void portForwardReachesHttpdInThePod(String version) throws Exception {
        Kubectl kubectl = Kubectl.of(version, kubeconfig);
        Process forward = kubectl.start("port-forward", "pod/web", ":8080");
        try {
            StringBuffer seen = collect(forward.getInputStream());
            StringBuffer errors = collect(forward.getErrorStream());
            Pattern forwarding = Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+) -> 8080");
            await().atMost(TIMEOUT).until(() -> forwarding.matcher(seen).find() || !forward.isAlive());
            Matcher matcher = forwarding.matcher(seen);
            assertThat(matcher.find()).as("kubectl said: " + seen + errors).isTrue();
            int port = Integer.parseInt(matcher.group(1));
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/index.html")).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("hello-from-httpd\n");
        } finally {
            forward.destroyForcibly();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.27", "1.33"})
    void attachShowsTheRunningOutput(String version) throws Exception {
        Kubectl kubectl = Kubectl.of(version, kubeconfig);
        Process attach = kubectl.start("attach", "ticker");
        try {
            StringBuffer seen = collect(attach.getInputStream());
            StringBuffer errors = collect(attach.getErrorStream());
            await().atMost(TIMEOUT).until(() -> seen.toString().lines().filter(line -> line.startsWith("tick ")).count() >= 2
                    || !attach.isAlive());
            assertThat(seen.toString()).as("stderr: " + errors).contains("tick ");
            assertThat(attach.isAlive()).isTrue();
        } finally {
            attach.destroyForcibly();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static URI kubeletUri(String path) {
        return URI.create("https://127.0.0.1:" + kubelet.port() + path);
    }

    /** TLS trusting the server CA, with the admin's client certificate when {@code certified}. */
    private static SSLContext tls(boolean certified) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", cluster.pki().serverCa().certificate());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (certified) {
            IssuedCertificate client = cluster.pki().kubeletClientCertificate();
            keys.setKeyEntry("client", client.key(), new char[0], new Certificate[] {client.certificate()});
        }
        keyManagers.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    private static StringBuffer collect(InputStream stream) {
        StringBuffer buffer = new StringBuffer();
        Thread.ofVirtual().start(() -> {
            byte[] bytes = new byte[4096];
            try {
                int read;
                while ((read = stream.read(bytes)) >= 0) {
                    buffer.append(new String(bytes, 0, read, StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // the process was stopped
            }
        });
        return buffer;
    }

    /** A real kubectl binary of one minor version against the in-process API server. */
    record Kubectl(Path binary, Path kubeconfig) {
        record Result(int exitCode, String out, String err) {
            @Override
            public String toString() {
                return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
            }
        }

        static Kubectl of(String version, Path kubeconfig) {
            try {
                Path binary = Path.of("/usr/bin/kubectl").toRealPath().getParent().resolve("kubectl." + version);
                assertThat(binary).isExecutable();
                return new Kubectl(binary, kubeconfig);
            } catch (IOException e) {
                throw new IllegalStateException("kubectl is not installed", e);
            }
        }

        Result run(String... arguments) {
            return runWithInput(null, arguments);
        }

        Result runWithInput(String stdin, String... arguments) {
            try {
                Process process = start(arguments);
                CompletableFuture<String> out = read(process.getInputStream());
                CompletableFuture<String> err = read(process.getErrorStream());
                if (stdin != null) {
                    process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
                }
                process.getOutputStream().close();
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("kubectl " + String.join(" ", arguments) + " did not finish in 120 s: "
                            + out.getNow("") + err.getNow(""));
                }
                return new Result(process.exitValue(), out.get(), err.get());
            } catch (IOException | InterruptedException | java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("kubectl " + String.join(" ", arguments), e);
            }
        }

        Process start(String... arguments) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(binary.toString());
            command.add("--kubeconfig=" + kubeconfig);
            command.addAll(List.of(arguments));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().put("HOME", kubeconfig.getParent().toString());
            builder.environment().remove("KUBECONFIG");
            return builder.start();
        }

        private static CompletableFuture<String> read(InputStream stream) {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    stream.transferTo(bytes);
                    return bytes.toString(StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            });
        }
    }
}
