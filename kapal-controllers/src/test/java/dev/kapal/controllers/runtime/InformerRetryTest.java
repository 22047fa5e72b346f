package dev.kapal.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.apiserver.testing.InProcessApiServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A controller whose informers' first list fails (the API server is behind a gate that swallows
 * connections, as an overloaded or not yet listening server would) still syncs once the server
 * answers: the informers retry instead of stopping. A real in-process API server behind a TCP relay.
 */
class InformerRetryTest {
    private InProcessApiServer server;
    private GatedRelay relay;
    private KubernetesClient client;

    @BeforeEach
    void start() throws Exception {
        server = new InProcessApiServer();
        relay = new GatedRelay(server.port());
        // Short request timeout: a swallowed list fails quickly, as one timing out under load would.
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(server.admin().getConfiguration())
                .withMasterUrl("https://127.0.0.1:" + relay.port())
                .withRequestTimeout(1_000)
                .withWatchReconnectInterval(200)
                .build()).build();
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        relay.close();
        server.close();
    }

    @Test
    void sharedInformerWhoseFirstListFailsRetriesUntilTheServerAnswers() throws Exception {
        SharedInformers informers = new SharedInformers(client);
        Set<ObjectKey> seen = ConcurrentHashMap.newKeySet();
        Controller<ObjectKey> controller = Controller.<ObjectKey>builder("retry", key -> {
            seen.add(key);
            return Result.done();
        }).informers(informers).watch(informers.of(ConfigMap.class), cm -> Stream.of(ObjectKey.of(cm))).build();
        try (informers; controller) {
            controller.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> relay.swallowed() >= 2);
            assertThat(controller.synced()).as("not synced while the server does not answer").isNotDone();

            relay.open();
            controller.synced().get(120, TimeUnit.SECONDS);
            server.admin().configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                    .withNewMetadata().withName("after-retry").endMetadata().build()).create();
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains(new ObjectKey("default", "after-retry")));
        }
    }

    @Test
    void standaloneControllerInformerRetriesToo() throws Exception {
        Controller<ObjectKey> controller = Controller.<ObjectKey>builder("retry-own", key -> Result.done())
                .watch(client.configMaps().inAnyNamespace().runnableInformer(0), cm -> Stream.of(ObjectKey.of(cm)))
                .build();
        try (controller) {
            controller.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> relay.swallowed() >= 1);
            relay.open();
            controller.synced().get(120, TimeUnit.SECONDS);
        }
    }

    /**
     * Forwards TCP connections to the API server once opened; before, it accepts them, waits two
     * seconds without a byte and drops them (a server too busy to answer).
     */
    private static final class GatedRelay implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final int target;
        private final AtomicInteger swallowed = new AtomicInteger();
        private volatile boolean open;

        GatedRelay(int target) throws IOException {
            this.target = target;
            Thread.ofVirtual().name("gated-relay").start(this::accept);
        }

        int port() {
            return socket.getLocalPort();
        }

        int swallowed() {
            return swallowed.get();
        }

        void open() {
            open = true;
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket accepted = socket.accept();
                    Thread.ofVirtual().start(() -> serve(accepted));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void serve(Socket accepted) {
            try (accepted) {
                if (!open) {
                    Thread.sleep(2_000);
                    swallowed.incrementAndGet();
                    return;
                }
                try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target)) {
                    Thread back = Thread.ofVirtual().start(() -> pump(upstream, accepted));
                    pump(accepted, upstream);
                    back.join();
                }
            } catch (IOException | InterruptedException ignored) {
                // The connection ends.
            }
        }

        private static void pump(Socket from, Socket to) {
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                in.transferTo(out);
                to.shutdownOutput();
            } catch (IOException ignored) {
                // One side closed.
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
