package dev.kapal.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapal.kubelet.probe.health.HealthCheckRequest;
import dev.kapal.kubelet.probe.health.HealthCheckResponse;
import dev.kapal.kubelet.probe.health.HealthGrpc;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ProbeRunner}'s network probes against real servers on loopback (a tiny HTTP responder,
 * a grpc-java health server), checking upstream's results and output texts.
 */
class ProbeRunnerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private ServerSocket http;
    private final Map<String, String> responses = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startHttp() throws IOException {
        http = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!http.isClosed()) {
                try {
                    Socket socket = http.accept();
                    Thread.ofVirtual().start(() -> answer(socket));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    /** Answers one request with the response registered for its path ({@code 404} otherwise). */
    private void answer(Socket socket) {
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            StringBuilder request = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                request.append(line).append('\n');
            }
            requests.add(request.toString());
            String path = request.toString().split(" ")[1];
            String response = responses.getOrDefault(path, "404 Not Found||");
            String[] parts = response.split("\\|", -1);
            String body = parts[2];
            String head = "HTTP/1.1 " + parts[0] + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n"
                    + (parts[1].isEmpty() ? "" : "Location: " + parts[1] + "\r\n") + "\r\n";
            OutputStream out = socket.getOutputStream();
            out.write((head + body).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException ignored) {
            // The client went away.
        }
    }

    @AfterEach
    void stopHttp() throws IOException {
        http.close();
    }

    private static Container container() {
        return new ContainerBuilder().withName("app").addNewPort().withName("web").withContainerPort(8080).endPort()
                .withEnv(new EnvVar("WHO", "world", null)).build();
    }

    private ProbeRunner.Outcome get(String path) {
        return ProbeRunner.httpGet(new HTTPGetActionBuilder().withPath(path).withPort(new IntOrString(http.getLocalPort()))
                .addNewHttpHeader().withName("X-Custom").withValue("yes").endHttpHeader().build(), container(), "127.0.0.1", TIMEOUT);
    }

    @Test
    void httpGetSucceedsOn2xxWithTheBodyAsOutputAndSendsTheKubeletsHeaders() {
        responses.put("/healthz", "200 OK||fine");

        ProbeRunner.Outcome outcome = get("/healthz");

        assertThat(outcome.result()).isEqualTo(ProbeRunner.Result.SUCCESS);
        assertThat(outcome.output()).isEqualTo("fine");
        assertThat(requests.getFirst()).startsWith("GET /healthz HTTP/1.1").contains("User-Agent: kube-probe/1.33")
                .contains("Accept: */*").contains("X-Custom: yes");
    }

    @Test
    void httpGetFailsOnAnErrorStatusWithUpstreamsMessage() {
        responses.put("/bad", "500 Internal Server Error||broken");

        ProbeRunner.Outcome outcome = get("/bad");

        assertThat(outcome.result()).isEqualTo(ProbeRunner.Result.FAILURE);
        assertThat(outcome.output()).isEqualTo("HTTP probe failed with statuscode: 500");
    }

    @Test
    void httpGetFollowsRedirectsOnTheSameHostAndWarnsOnOthers() {
        responses.put("/old", "302 Found|/new|");
        responses.put("/new", "200 OK||moved");
        responses.put("/away", "302 Found|http://example.invalid/x|gone");

        assertThat(get("/old").output()).isEqualTo("moved");
        ProbeRunner.Outcome away = get("/away");
        assertThat(away.result()).isEqualTo(ProbeRunner.Result.WARNING);
        assertThat(away.output()).isEqualTo("Probe terminated redirects, Response body: gone");
    }

    @Test
    void aRefusedConnectionFailsWithGosDialError() throws IOException {
        int closed;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = free.getLocalPort();
        }

        ProbeRunner.Outcome http = ProbeRunner.httpGet(new HTTPGetActionBuilder().withPath("/healthz")
                .withPort(new IntOrString(closed)).build(), container(), "127.0.0.1", TIMEOUT);
        ProbeRunner.Outcome tcp = ProbeRunner.tcp("127.0.0.1", closed, TIMEOUT);

        assertThat(http.result()).isEqualTo(ProbeRunner.Result.FAILURE);
        assertThat(http.output()).isEqualTo("Get \"http://127.0.0.1:" + closed + "/healthz\": dial tcp 127.0.0.1:" + closed
                + ": connect: connection refused");
        assertThat(tcp.output()).isEqualTo("dial tcp 127.0.0.1:" + closed + ": connect: connection refused");
        assertThat(ProbeRunner.tcp("127.0.0.1", http().getLocalPort(), TIMEOUT).result()).isEqualTo(ProbeRunner.Result.SUCCESS);
    }

    private ServerSocket http() {
        return http;
    }

    @Test
    void portsResolveByNumberOrNameAndUnknownNamesAreErrors() {
        assertThat(ProbeRunner.resolvePort(new IntOrString("web"), container())).isEqualTo(8080);
        assertThat(ProbeRunner.resolvePort(new IntOrString(81), container())).isEqualTo(81);
        assertThat(ProbeRunner.resolvePort(new IntOrString("9090"), container())).isEqualTo(9090);
        ProbeRunner.Outcome missing = ProbeRunner.httpGet(new HTTPGetActionBuilder().withPort(new IntOrString("admin")).build(),
                container(), "127.0.0.1", TIMEOUT);
        assertThat(missing.errored()).isTrue();
        assertThat(missing.error()).isEqualTo("strconv.Atoi: parsing \"admin\": invalid syntax");
    }

    @Test
    void execCommandsExpandStaticEnvironmentVariables() {
        assertThat(ProbeRunner.expand(List.of("echo", "hello $(WHO)", "$$(WHO)", "$(MISSING)"), container().getEnv()))
                .containsExactly("echo", "hello world", "$(WHO)", "$(MISSING)");
    }

    @Test
    void grpcProbesAskTheHealthService() throws Exception {
        Map<String, HealthCheckResponse.ServingStatus> statuses = Map.of(
                "", HealthCheckResponse.ServingStatus.SERVING, "db", HealthCheckResponse.ServingStatus.NOT_SERVING);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(new HealthGrpc.HealthImplBase() {
                    @Override
                    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> response) {
                        response.onNext(HealthCheckResponse.newBuilder().setStatus(statuses.get(request.getService())).build());
                        response.onCompleted();
                    }
                }).build().start();
        try {
            assertThat(ProbeRunner.grpc("127.0.0.1", server.getPort(), "", TIMEOUT))
                    .isEqualTo(ProbeRunner.Outcome.of(ProbeRunner.Result.SUCCESS, "service healthy"));
            assertThat(ProbeRunner.grpc("127.0.0.1", server.getPort(), "db", TIMEOUT))
                    .isEqualTo(ProbeRunner.Outcome.of(ProbeRunner.Result.FAILURE, "service unhealthy (responded with \"NOT_SERVING\")"));
        } finally {
            server.shutdownNow();
        }
        Server bare = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build().start();
        try {
            ProbeRunner.Outcome unimplemented = ProbeRunner.grpc("127.0.0.1", bare.getPort(), "", TIMEOUT);
            assertThat(unimplemented.result()).isEqualTo(ProbeRunner.Result.FAILURE);
            assertThat(unimplemented.output()).startsWith(
                    "error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ");
        } finally {
            bare.shutdownNow();
        }
    }
}
