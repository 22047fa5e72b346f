package dev.kapal.apiserver.it;

import dev.kapal.apiserver.ApiServer;
import dev.kapal.apiserver.ApiServerConfig;
import dev.kapal.apiserver.auth.Authorizer;
import dev.kapal.apiserver.tls.ClusterPki;
import dev.kapal.apiserver.tls.IssuedCertificate;
import dev.kapal.apiserver.tls.SubjectAlternativeNames;
import dev.kapal.storage.Store;
import dev.kapal.storage.Stores;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-process API server for one test class: fresh cluster PKI in a temporary directory, a
 * memory (or SQLite) store, a free port. Register it as a static field:
 *
 * <pre>{@code @RegisterExtension static final TestCluster cluster = TestCluster.memory();}</pre>
 *
 * <p>It hands out a fabric8 client for the admin ({@code system:admin} in {@code system:masters}),
 * fabric8 clients for any other user (a client certificate with CN = user, O = groups), and raw
 * JDK {@link HttpClient}s for requests fabric8 cannot make (anonymous, malformed bodies, HTTP/2).
 */
public final class TestCluster implements BeforeAllCallback, AfterAllCallback {
    static {
        // Without a logback configuration every Jetty DEBUG line is printed, which slows the tests
        // down several times; the module's own configuration is not ours to change.
        org.slf4j.Logger root = org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    private static final InetAddress SERVICE_IP = address("10.43.0.1");
    private static final InetAddress LOOPBACK = address("127.0.0.1");

    private final String storeEndpoint;
    private final Duration eventHistory;
    private final int maxRequestBytes;
    private final List<KubernetesClient> clients = new ArrayList<>();
    private Path directory;
    private ClusterPki pki;
    private ApiServer server;
    private KubernetesClient admin;

    private TestCluster(String storeEndpoint, Duration eventHistory, int maxRequestBytes) {
        this.storeEndpoint = storeEndpoint;
        this.eventHistory = eventHistory;
        this.maxRequestBytes = maxRequestBytes;
    }

    /** A cluster on the memory store with upstream-like defaults. */
    public static TestCluster memory() {
        return new TestCluster("memory://", Duration.ofSeconds(150), ApiServerConfig.DEFAULT_MAX_REQUEST_BYTES);
    }

    /** A cluster on an SQLite database in the temporary directory. */
    public static TestCluster sqlite() {
        return new TestCluster("sqlite://", Duration.ofSeconds(150), ApiServerConfig.DEFAULT_MAX_REQUEST_BYTES);
    }

    /** The same cluster with a different watch-cache history window (short ones force 410 Gone). */
    public TestCluster withEventHistory(Duration history) {
        return new TestCluster(storeEndpoint, history, maxRequestBytes);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Starts the server; {@link #beforeAll} calls it. */
    public void start() throws Exception {
        directory = Files.createTempDirectory("kapal-it-");
        pki = ClusterPki.loadOrCreate(directory.resolve("tls"),
                SubjectAlternativeNames.kubernetesApiServer("cluster.local", SERVICE_IP));
        Store store = Stores.open(storeEndpoint, directory);
        ApiServerConfig config = new ApiServerConfig(LOOPBACK, 0, pki.tlsMaterial(), store, List.of(),
                Authorizer.ALLOW_AUTHENTICATED, LOOPBACK, SERVICE_IP, "10.43.0.0/16", "cluster.local",
                eventHistory, maxRequestBytes);
        server = new ApiServer(config);
        server.start();
        server.ready().get(30, TimeUnit.SECONDS);
        admin = clientFor(pki.adminCertificate());
    }

    /** Stops the server and every client handed out, and removes the temporary directory. */
    public void close() {
        clients.forEach(KubernetesClient::close);
        clients.clear();
        if (server != null) {
            server.close();
            server = null;
        }
        if (directory != null) {
            try (Stream<Path> paths = Files.walk(directory)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException ignored) {
                // A leftover temporary directory is not worth failing a test for.
            }
        }
    }

    public ApiServer server() {
        return server;
    }

    public int port() {
        return server.port();
    }

    public URI baseUri() {
        return URI.create("https://127.0.0.1:" + port());
    }

    /** The cluster PKI (to issue more certificates). */
    public ClusterPki pki() {
        return pki;
    }

    /** The admin's fabric8 client. */
    public KubernetesClient client() {
        return admin;
    }

    /** A fabric8 client authenticating as {@code user} in {@code groups}. */
    public KubernetesClient clientFor(String user, String... groups) {
        return clientFor(pki.issueClientCertificate(user, List.of(groups)));
    }

    private KubernetesClient clientFor(IssuedCertificate certificate) {
        Config config = new ConfigBuilder()
                .withMasterUrl(baseUri().toString())
                .withCaCertData(base64(pki.serverCa().certificatePem()))
                .withClientCertData(base64(certificate.certificatePem()))
                .withClientKeyData(base64(certificate.keyPem()))
                // fabric8 assumes RSA unless told; the cluster PKI may issue EC keys.
                .withClientKeyAlgo(certificate.key().getAlgorithm())
                .withNamespace("default")
                .withRequestTimeout(30_000)
                .withConnectionTimeout(10_000)
                .withRequestRetryBackoffLimit(0)
                .build();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        clients.add(client);
        return client;
    }

    /** A JDK HTTP client presenting the admin certificate. */
    public HttpClient adminHttpClient(HttpClient.Version version) {
        return httpClient(pki.adminCertificate(), version);
    }

    /** A JDK HTTP client that trusts the server but presents no certificate. */
    public HttpClient anonymousHttpClient() {
        return httpClient(null, HttpClient.Version.HTTP_1_1);
    }

    private HttpClient httpClient(IssuedCertificate certificate, HttpClient.Version version) {
        return HttpClient.newBuilder()
                .version(version)
                .connectTimeout(Duration.ofSeconds(10))
                .sslContext(sslContext(certificate))
                .build();
    }

    private SSLContext sslContext(IssuedCertificate certificate) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", pki.serverCa().certificate());
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            KeyManagerFactory keyManagers = null;
            if (certificate != null) {
                char[] password = "changeit".toCharArray();
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("client", certificate.key(), password, new Certificate[] {certificate.certificate()});
                keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keyManagers.init(keys, password);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot build an SSL context", e);
        }
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
