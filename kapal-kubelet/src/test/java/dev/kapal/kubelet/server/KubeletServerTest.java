package dev.kapal.kubelet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kapal.apiserver.testing.InProcessApiServer;
import dev.kapal.apiserver.tls.IssuedCertificate;
import dev.kapal.apiserver.tls.SubjectAlternativeNames;
import dev.kapal.kubelet.KubeletHost;
import dev.kapal.kubelet.NodeConfig;
import dev.kapal.kubelet.runtime.sim.SimRuntime;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kubelet API on a simulated node, behind the in-process API server: authentication,
 * authorization through SubjectAccessReview, empty logs and honest refusals of exec (simulated
 * containers run nothing), and the API server's checks before it dials a kubelet.
 */
class KubeletServerTest {
    private static final String NODE = "sim-kubelet";
    private static InProcessApiServer cluster;
    private static KubernetesClient admin;
    private static ScheduledExecutorService timers;
    private static KubeletHost host;
    private static KubeletServer kubelet;

    @BeforeAll
    static void start() throws Exception {
        cluster = new InProcessApiServer();
        admin = cluster.admin();
        timers = KubeletHost.newTimers();
        SimRuntime runtime = new SimRuntime(timers, Clock.systemUTC());
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        IssuedCertificate serving = cluster.pki().issueKubeletServingCertificate(NODE,
                new SubjectAlternativeNames(Set.of(NODE), Set.of(loopback)));
        kubelet = new KubeletServer(NODE, runtime, new KubeletServer.Tls(serving.key(),
                List.of(serving.certificate(), cluster.pki().serverCa().certificate()), cluster.pki().clientCa().certificate()),
                loopback, 0, KubeletAuthorizer.subjectAccessReview(cluster.clientFor("system:kubelet-authorizer"), NODE));
        kubelet.start();
        host = new KubeletHost(cluster.clientFor("system:node:" + NODE, "system:nodes"),
                KubeletHost.Options.defaults().withIntervals(Duration.ofSeconds(1), Duration.ofSeconds(2)), Clock.systemUTC(), timers);
        Map<String, Quantity> capacity = Map.of("cpu", new Quantity("2"), "memory", new Quantity("4Gi"), "pods", new Quantity("110"));
        host.addNode(new NodeConfig(NODE, Map.of(), Map.of(), capacity, capacity, List.of(new NodeAddress("127.0.0.1", "InternalIP")),
                new NodeConfig.NodeInfo("m", "s", "b", "k", "os", "linux", "amd64", "v1.33.0+kapal"), false, kubelet.port()), runtime);
        host.start();
        host.ready().get(60, TimeUnit.SECONDS);
        admin.nodes().withName(NODE).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"podCIDR\":\"10.42.9.0/24\",\"podCIDRs\":[\"10.42.9.0/24\"]}}");
        admin.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("simulated").withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).addNewContainer().withName("app").withImage("busybox").endContainer()
                .addNewContainer().withName("side").withImage("busybox").endContainer().endSpec().build()).create();
        await().atMost(Duration.ofSeconds(60)).until(() -> "Running".equals(
                admin.pods().inNamespace("default").withName("simulated").get().getStatus().getPhase()));
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
        if (kubelet != null) {
            kubelet.close();
        }
        if (timers != null) {
            timers.shutdownNow();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void nodeReportsTheKubeletPort() {
        assertThat(admin.nodes().withName(NODE).get().getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort())
                .isEqualTo(kubelet.port());
    }

    @Test
    void anonymousGets401AndACertifiedClientIsServed() throws Exception {
        HttpResponse<String> anonymous = HttpClient.newBuilder().sslContext(tls(false)).build()
                .send(HttpRequest.newBuilder(uri("/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).isEqualTo("Unauthorized\n");
        HttpClient certified = HttpClient.newBuilder().sslContext(tls(true)).build();
        assertThat(certified.send(HttpRequest.newBuilder(uri("/healthz")).build(), HttpResponse.BodyHandlers.ofString()).body())
                .isEqualTo("ok\n");
        HttpResponse<String> unknown = certified.send(HttpRequest.newBuilder(uri("/containerLogs/default/nope/app")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("pod \"nope\" does not exist\n");
        HttpResponse<String> stats = certified.send(HttpRequest.newBuilder(uri("/stats/summary")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stats.body()).contains("\"nodeName\":\"" + NODE + "\"");
    }

    @Test
    void logsOfASimulatedContainerAreEmptyAndNeedAContainerNameWhenThereAreTwo() {
        assertThat(admin.pods().inNamespace("default").withName("simulated").inContainer("app").getLog()).isEmpty();
        assertThatThrownBy(() -> admin.pods().inNamespace("default").withName("simulated").getLog())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("a container name must be specified for pod simulated, choose one of: [app side]");
        assertThatThrownBy(() -> admin.pods().inNamespace("default").withName("simulated").inContainer("x").getLog())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("container x is not valid for pod simulated");
        assertThatThrownBy(() -> admin.pods().inNamespace("default").withName("simulated").inContainer("app")
                .tailingLines(-1).getLog())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422));
    }

    @Test
    void execOnASimulatedNodeIsRefusedWithTheRuntimesReason() throws Exception {
        // An upgrade request as kubectl 1.27 sends it, straight to the kubelet.
        HttpClient certified = HttpClient.newBuilder().sslContext(tls(true)).build();
        HttpResponse<String> plain = certified.send(HttpRequest.newBuilder(uri("/exec/default/simulated/app?command=true&stdout=1"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(400);
        assertThat(plain.body()).isEqualTo("Upgrade request required\n");
        try (var socket = (javax.net.ssl.SSLSocket) tls(true).getSocketFactory().createSocket("127.0.0.1", kubelet.port())) {
            socket.getOutputStream().write(("POST /exec/default/simulated/app?command=true&stdout=1 HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n"
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.setSoTimeout(60_000);
            StringBuilder received = new StringBuilder();
            var in = socket.getInputStream();
            int b;
            while (!received.toString().contains("simulated nodes") && (b = in.read()) >= 0) {
                received.append((char) b);
            }
            String answer = received.toString();
            assertThat(answer).startsWith("HTTP/1.1 400").contains("exec is not supported on simulated nodes");
        }
    }

    private static URI uri(String path) {
        return URI.create("https://127.0.0.1:" + kubelet.port() + path);
    }

    private static SSLContext tls(boolean certified) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", cluster.pki().serverCa().certificate());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (certified) {
            IssuedCertificate client = cluster.pki().kubeletClientCertificate();
            keys.setKeyEntry("client", client.key(), new char[0], new Certificate[] {client.certificate()});
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }
}
