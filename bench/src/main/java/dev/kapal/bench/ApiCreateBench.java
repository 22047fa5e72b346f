package dev.kapal.bench;

import dev.kapal.storage.sql.SqliteStore;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ConfigMap creates (~1 KB of data each) through the API over TLS with 8, 32 and 128 concurrent
 * clients, against an in-process server on SQLite and on memory. Baseline, measured in the same
 * run: raw {@code Store.create} of 1 KB values into a fresh {@link SqliteStore} with the same
 * concurrency ({@link StoreWriteBench#measureFor}). Prints creates/s, p50 and p99 latency, and the
 * api/raw ratio per concurrency (goal from the issue: at least 0.5, p99 under 20 ms).
 *
 * <p>Each client is a virtual thread doing one blocking create after another. Two transports:
 * HTTP/2 with the clients multiplexed as streams over {@value #HTTP2_CONNECTIONS} connections
 * (what client-go does: one connection per host), and HTTP/1.1 with one pooled connection per
 * client (what kubectl-style one-shot clients and many Java clients do).
 *
 * <p>Arguments (all optional): {@code seconds=N} per measured point on SQLite, half that on memory (default 5).
 */
public final class ApiCreateBench {
    static final int PAYLOAD_CHARS = 1000;
    private static final int[] CONCURRENCY = {8, 32, 128};
    private static final int HTTP2_CONNECTIONS = 4;
    private static final String NAMESPACE = "bench";
    private static final AtomicLong RUNS = new AtomicLong();

    private ApiCreateBench() {
    }

    enum Transport {
        HTTP2("HTTP/2, " + HTTP2_CONNECTIONS + " conns"),
        HTTP1("HTTP/1.1, 1 conn/client");

        final String label;

        Transport(String label) {
            this.label = label;
        }
    }

    /** One measured point: throughput, latency, and what went wrong, if anything. */
    record Point(long creates, double seconds, Latencies latencies, long errors, Map<String, Long> errorKinds) {
        double perSecond() {
            return creates / seconds;
        }
    }

    /** A ConfigMap body with {@link #PAYLOAD_CHARS} characters of data; the name is filled in per request. */
    static String configMapJson(String name, String payload) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
                + "\",\"labels\":{\"app\":\"bench\"}},\"data\":{\"payload\":\"" + payload + "\"}}";
    }

    static String payload(int chars) {
        Random random = new Random(42);
        StringBuilder builder = new StringBuilder(chars);
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        for (int i = 0; i < chars; i++) {
            builder.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return builder.toString();
    }

    /**
     * The clients of one transport. They live as long as the server so that connections (and
     * their TLS handshakes, which cost milliseconds of CPU each) are made in the warm-up, not
     * inside a measured point.
     */
    static List<HttpClient> clients(InProcessApiServer server, Transport transport) {
        List<HttpClient> clients = new ArrayList<>();
        int clientCount = transport == Transport.HTTP2 ? HTTP2_CONNECTIONS : 1;
        HttpClient.Version version = transport == Transport.HTTP2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
        for (int i = 0; i < clientCount; i++) {
            clients.add(server.newClient(version));
        }
        return clients;
    }

    /** Runs {@code concurrency} virtual threads creating ConfigMaps until {@code duration} has passed. */
    static Point createFor(InProcessApiServer server, List<HttpClient> clients, int concurrency, Duration duration)
            throws InterruptedException {
        int clientCount = clients.size();
        URI uri = server.uri("/api/v1/namespaces/" + NAMESPACE + "/configmaps");
        String payload = payload(PAYLOAD_CHARS);
        long run = RUNS.incrementAndGet();
        AtomicLong errors = new AtomicLong();
        Map<String, Long> errorKinds = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<long[]> perWorker = new ConcurrentLinkedQueue<>();
        long started = System.nanoTime();
        long deadline = started + duration.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            int worker = w;
            HttpClient client = clients.get(w % clientCount);
            workers.add(Thread.ofVirtual().name("create-" + w).start(() -> {
                long[] latencies = new long[1024];
                int n = 0;
                for (int i = 0; System.nanoTime() < deadline; i++) {
                    String name = "cm-" + run + "-" + worker + "-" + i;
                    HttpRequest request = HttpRequest.newBuilder(uri)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(
                                    configMapJson(name, payload).getBytes(StandardCharsets.UTF_8)))
                            .build();
                    long before = System.nanoTime();
                    try {
                        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        long elapsed = System.nanoTime() - before;
                        if (response.statusCode() != 201) {
                            errors.incrementAndGet();
                            errorKinds.merge(response.statusCode() + " " + abbreviate(response.body()), 1L, Long::sum);
                            continue;
                        }
                        if (n == latencies.length) {
                            latencies = Arrays.copyOf(latencies, n * 2);
                        }
                        latencies[n++] = elapsed;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        errorKinds.merge(e.getClass().getSimpleName() + ": " + abbreviate(String.valueOf(e.getMessage())),
                                1L, Long::sum);
                    }
                }
                perWorker.add(Arrays.copyOf(latencies, n));
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long[] all = perWorker.stream().flatMapToLong(Arrays::stream).toArray();
        return new Point(all.length, seconds, Latencies.of(all), errors.get(), Map.copyOf(errorKinds));
    }

    static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= 160 ? oneLine : oneLine.substring(0, 160) + "...";
    }

    public static void main(String[] args) throws Exception {
        Duration perPoint = Duration.ofSeconds(BenchArgs.intArg(args, "seconds", 5));
        System.out.printf("ApiCreateBench: ConfigMap creates with %d chars of data, %s per point (memory: half), TLS + client cert, %s%n",
                PAYLOAD_CHARS, perPoint, MachineLoad.describe());
        Path rawDirectory = Files.createTempDirectory("kapal-bench-raw");
        List<String> problems = new ArrayList<>();
        // Every line of one concurrency is measured back to back, baseline first, so that load
        // from other processes on the machine drifts as little as possible within a ratio.
        try (SqliteStore rawStore = SqliteStore.open(rawDirectory.resolve("state.db"));
             InProcessApiServer sqlite = InProcessApiServer.start("sqlite://");
             InProcessApiServer memory = InProcessApiServer.start("memory://")) {
            StoreWriteBench.measureFor(rawStore, 8, Duration.ofSeconds(1)); // warm-up: JIT, WAL file
            Map<InProcessApiServer, Map<Transport, List<HttpClient>>> clients = new java.util.LinkedHashMap<>();
            for (InProcessApiServer server : List.of(sqlite, memory)) {
                try (HttpClient setup = server.newClient(HttpClient.Version.HTTP_1_1)) {
                    server.createNamespace(setup, NAMESPACE);
                }
                Map<Transport, List<HttpClient>> byTransport = new java.util.EnumMap<>(Transport.class);
                for (Transport transport : Transport.values()) {
                    byTransport.put(transport, clients(server, transport));
                    // Warm-up: the JIT compiles the request path; connections get made.
                    createFor(server, byTransport.get(transport), 32, Duration.ofSeconds(2));
                }
                clients.put(server, byTransport);
            }
            System.out.printf("%n%-7s %-28s %5s %10s %9s %9s %8s %7s%n",
                    "store", "client", "conc", "creates/s", "p50 ms", "p99 ms", "api/raw", "errors");
            for (int concurrency : CONCURRENCY) {
                StoreWriteBench.Result raw = StoreWriteBench.measureFor(rawStore, concurrency, Duration.ofSeconds(3));
                System.out.printf("%-7s %-28s %5d %10.0f %9.2f %9.2f %8s %7s%n", "sqlite", "raw SqliteStore.create (base)",
                        concurrency, raw.perSecond(), raw.p50Millis(), raw.p99Millis(), "1.00", "-");
                for (InProcessApiServer server : List.of(sqlite, memory)) {
                    String storeName = server == sqlite ? "sqlite" : "memory";
                    // Memory is the second line, the HTTP + apiserver cost alone: shorter.
                    Duration duration = server == sqlite ? perPoint : perPoint.dividedBy(2);
                    for (Transport transport : Transport.values()) {
                        List<HttpClient> transportClients = clients.get(server).get(transport);
                        // An unmeasured second at this concurrency: the HTTP/1.1 pool grows to one
                        // connection per client here (a TLS handshake each), not in the measurement.
                        createFor(server, transportClients, concurrency, Duration.ofSeconds(1));
                        Point point = createFor(server, transportClients, concurrency, duration);
                        System.out.printf("%-7s %-28s %5d %10.0f %9.2f %9.2f %8.2f %7d%n",
                                storeName, "API " + transport.label, concurrency, point.perSecond(),
                                point.latencies().p50(), point.latencies().p99(),
                                point.perSecond() / raw.perSecond(), point.errors());
                        point.errorKinds().forEach((kind, count) ->
                                problems.add(storeName + " " + transport + " c=" + concurrency + ": " + count + " x " + kind));
                    }
                }
            }
            clients.values().forEach(byTransport -> byTransport.values().forEach(list -> list.forEach(HttpClient::close)));
        } finally {
            InProcessApiServer.deleteRecursively(rawDirectory);
        }
        System.out.println();
        System.out.println("api/raw = API creates/s over raw SqliteStore creates/s at the same concurrency (goal >= 0.50; p99 goal < 20 ms).");
        System.out.println("Machine at the end: " + MachineLoad.describe());
        if (!problems.isEmpty()) {
            System.out.println("Errors seen:");
            problems.forEach(problem -> System.out.println("  " + problem));
        }
    }
}
