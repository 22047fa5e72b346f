package dev.kapal.apiserver.testing;

import dev.kapal.apiserver.ApiServer;
import dev.kapal.apiserver.ApiServerConfig;
import dev.kapal.apiserver.auth.Authorizer;
import dev.kapal.apiserver.tls.ClusterPki;
import dev.kapal.apiserver.tls.IssuedCertificate;
import dev.kapal.apiserver.tls.SubjectAlternativeNames;
import dev.kapal.storage.Stores;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A real API server on a memory store and a free port, with fresh PKI and fabric8 clients for any
 * identity: the fixture the component modules (controllers, scheduler) test against. Published in
 * kapal-apiserver's test-jar.
 */
public final class InProcessApiServer implements AutoCloseable {
    static {
        org.slf4j.Logger root = org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    private final ClusterPki pki;
    private final ApiServer server;
    private final List<KubernetesClient> clients = new ArrayList<>();

    public InProcessApiServer() throws Exception {
        this(UnaryOperator.identity());
    }

    /**
     * A server whose configuration {@code customise} adjusts (for example
     * {@link ApiServerConfig#withGarbageCollection(boolean)} or {@link ApiServerConfig#withEventTtl}).
     */
    public InProcessApiServer(UnaryOperator<ApiServerConfig> customise) throws Exception {
        Path directory = Files.createTempDirectory("kapal-in-process-");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        InetAddress serviceIp = InetAddress.getByName("10.43.0.1");
        pki = ClusterPki.loadOrCreate(directory.resolve("tls"),
                SubjectAlternativeNames.kubernetesApiServer("cluster.local", serviceIp));
        ApiServerConfig config = new ApiServerConfig(loopback, 0, pki.tlsMaterial(), Stores.open("memory://", directory),
                List.of(), Authorizer.ALLOW_AUTHENTICATED, loopback, serviceIp, "10.43.0.0/16", "cluster.local",
                Duration.ofSeconds(150), ApiServerConfig.DEFAULT_MAX_REQUEST_BYTES);
        server = new ApiServer(customise.apply(config));
        server.start();
        server.ready().get(30, TimeUnit.SECONDS);
    }

    /** The cluster's certificates (to issue kubelet serving certificates, or client ones). */
    public ClusterPki pki() {
        return pki;
    }

    /**
     * Writes an admin kubeconfig (cluster, user and context {@code default}, credentials embedded)
     * for real kubectl binaries.
     */
    public Path writeAdminKubeconfig(Path file) throws java.io.IOException {
        IssuedCertificate admin = pki.adminCertificate();
        String yaml = "apiVersion: v1\nkind: Config\nclusters:\n- name: default\n  cluster:\n"
                + "    server: https://127.0.0.1:" + server.port() + "\n"
                + "    certificate-authority-data: " + base64(pki.serverCa().certificatePem()) + "\n"
                + "users:\n- name: default\n  user:\n"
                + "    client-certificate-data: " + base64(admin.certificatePem()) + "\n"
                + "    client-key-data: " + base64(admin.keyPem()) + "\n"
                + "contexts:\n- name: default\n  context:\n    cluster: default\n    user: default\n"
                + "current-context: default\n";
        Files.writeString(file, yaml);
        return file;
    }

    public String serverCaPem() {
        return pki.serverCa().certificatePem();
    }

    public KubernetesClient admin() {
        return client(pki.adminCertificate());
    }

    public KubernetesClient clientFor(String user, String... groups) {
        return client(pki.issueClientCertificate(user, List.of(groups)));
    }

    private KubernetesClient client(IssuedCertificate certificate) {
        Config config = new ConfigBuilder()
                .withMasterUrl("https://127.0.0.1:" + server.port())
                .withCaCertData(base64(pki.serverCa().certificatePem()))
                .withClientCertData(base64(certificate.certificatePem()))
                .withClientKeyData(base64(certificate.keyPem()))
                .withClientKeyAlgo(certificate.key().getAlgorithm())
                .withRequestRetryBackoffLimit(0)
                .build();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        clients.add(client);
        return client;
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        clients.forEach(KubernetesClient::close);
        server.close();
    }
}
