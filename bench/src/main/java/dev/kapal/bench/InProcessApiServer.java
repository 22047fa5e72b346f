package dev.kapal.bench;

import dev.kapal.apiserver.ApiServer;
import dev.kapal.apiserver.ApiServerConfig;
import dev.kapal.apiserver.auth.Authorizer;
import dev.kapal.apiserver.tls.ClusterPki;
import dev.kapal.apiserver.tls.IssuedCertificate;
import dev.kapal.apiserver.tls.SubjectAlternativeNames;
import dev.kapal.storage.Store;
import dev.kapal.storage.Stores;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real {@link ApiServer} in this JVM on 127.0.0.1 and a free port, with a fresh cluster PKI and
 * store in a temporary directory, plus JDK HTTP clients that authenticate as the admin. The JDK
 * client is the load generator because it is the cheapest one per request that speaks both
 * HTTP/1.1 and HTTP/2 (ALPN) with client certificates: on 2 cores every cycle the client spends
 * is taken from the server.
 */
public final class InProcessApiServer implements AutoCloseable {
    /** Upstream keeps about 75 s of events; the benchmarks never resume watches, so this only sizes memory. */
    private static final Duration EVENT_HISTORY = Duration.ofSeconds(150);

    private final Path directory;
    private final Store store;
    private final ApiServer server;
    private final SSLContext adminTls;
    private final URI base;

    private final ClusterPki pki;

    private InProcessApiServer(Path directory, Store store, ApiServer server, SSLContext adminTls, ClusterPki pki) {
        this.pki = pki;
        this.directory = directory;
        this.store = store;
        this.server = server;
        this.adminTls = adminTls;
        this.base = URI.create("https://127.0.0.1:" + server.port());
    }

    /**
     * Starts a server on a fresh store.
     *
     * @param endpoint {@code sqlite://} or {@code memory://}, as {@code --datastore-endpoint} takes
     */
    public static InProcessApiServer start(String endpoint) throws Exception {
        Path directory = Files.createTempDirectory("kapal-bench-");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        InetAddress serviceIp = InetAddress.getByName("10.43.0.1");
        ClusterPki pki = ClusterPki.loadOrCreate(directory.resolve("server/tls"),
                SubjectAlternativeNames.kubernetesApiServer("cluster.local", serviceIp));
        Store store = Stores.open(endpoint, directory);
        ApiServer server = new ApiServer(new ApiServerConfig(loopback, 0, pki.tlsMaterial(), store, List.of(),
                Authorizer.ALLOW_AUTHENTICATED, loopback, serviceIp, "10.43.0.0/16", "cluster.local",
                EVENT_HISTORY, ApiServerConfig.DEFAULT_MAX_REQUEST_BYTES));
        server.start();
        server.ready().get(60, TimeUnit.SECONDS);
        return new InProcessApiServer(directory, store, server,
                adminContext(pki.adminCertificate(), pki.serverCa()), pki);
    }

    /** An SSL context presenting {@code client} and trusting only {@code serverCa}. */
    static SSLContext adminContext(IssuedCertificate client, IssuedCertificate serverCa) throws GeneralSecurityException {
        try {
            char[] password = "bench".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("admin", client.key(), password, new Certificate[] {client.certificate()});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, password);
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("server-ca", serverCa.certificate());
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A new client; each JDK client keeps its own connections, so with HTTP/2 one client is one
     * TCP connection carrying every concurrent request as a stream, and with HTTP/1.1 it opens one
     * connection per concurrent request and pools them.
     */
    public HttpClient newClient(HttpClient.Version version) {
        return HttpClient.newBuilder()
                .version(version)
                .sslContext(adminTls)
                .connectTimeout(Duration.ofSeconds(10))
                // Virtual threads run the client's completion work: cheap to have many, and the
                // default cached pool would add platform threads that compete with the server.
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /** Writes an admin kubeconfig (credentials embedded) for real kubectl processes; answers {@code file}. */
    public Path writeAdminKubeconfig(Path file) throws IOException {
        java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
        IssuedCertificate admin = pki.adminCertificate();
        String yaml = "apiVersion: v1\nkind: Config\nclusters:\n- name: bench\n  cluster:\n    server: " + base
                + "\n    certificate-authority-data: " + base64.encodeToString(pki.serverCa().certificatePem().getBytes(StandardCharsets.US_ASCII))
                + "\nusers:\n- name: admin\n  user:\n    client-certificate-data: "
                + base64.encodeToString(admin.certificatePem().getBytes(StandardCharsets.US_ASCII))
                + "\n    client-key-data: " + base64.encodeToString(admin.keyPem().getBytes(StandardCharsets.US_ASCII))
                + "\ncontexts:\n- name: bench\n  context:\n    cluster: bench\n    user: admin\ncurrent-context: bench\n";
        Files.writeString(file, yaml);
        return file;
    }

    public URI uri(String pathAndQuery) {
        return base.resolve(pathAndQuery);
    }

    public int port() {
        return server.port();
    }

    /** The datastore behind the server, for raw baselines measured on the very same data. */
    public Store store() {
        return store;
    }

    /** Creates a namespace through the API (benchmarks work in their own). */
    public void createNamespace(HttpClient client, String name) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/api/v1/namespaces"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("creating namespace " + name + ": " + response.statusCode() + " " + response.body());
        }
    }

    /** Stops the server (which closes the store) and deletes the temporary directory. */
    @Override
    public void close() {
        server.close();
        deleteRecursively(directory);
    }

    static void deleteRecursively(Path directory) {
        try (var files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // A temporary directory left behind is not worth failing a benchmark for.
        }
    }
}
