package dev.kapal.server;

import dev.kapal.apiserver.tls.ClusterPki;
import dev.kapal.apiserver.tls.IssuedCertificate;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Kubernetes clients for the components running inside this process (controllers, scheduler,
 * node agent). Each component talks to the API server through the Kubernetes API like any
 * other client (ARCHITECTURE §4), over loopback TLS, with a client certificate of its own
 * identity, as k3s gives each of its components one ({@code system:kube-controller-manager},
 * {@code system:kube-scheduler}, {@code system:node:<name>} in {@code system:nodes}).
 */
public final class LoopbackClients {
    private final ClusterPki pki;
    private final int port;

    public LoopbackClients(ClusterPki pki, int port) {
        this.pki = Objects.requireNonNull(pki, "pki");
        this.port = port;
    }

    /**
     * A client acting as {@code user} in {@code groups}; the caller closes it. Its User-Agent is
     * the upstream component's ({@code kube-controller-manager/v1.33.x (linux/amd64) kubernetes/kapal},
     * {@code kube-scheduler/…}, {@code kubelet/…} for nodes), so the API server names it as the
     * field manager of what it writes, as on Kubernetes.
     */
    public KubernetesClient forUser(String user, List<String> groups) {
        return forCertificate(pki.issueComponentCertificate(user, groups), userAgent(user));
    }

    /** A client presenting {@code certificate} (the admin's, say); the caller closes it. */
    public KubernetesClient forCertificate(IssuedCertificate certificate) {
        return forCertificate(certificate, Config.KUBERNETES_USER_AGENT);
    }

    /** The component a loopback user stands for, as upstream's binaries name themselves. */
    static String userAgent(String user) {
        String component;
        if (user.startsWith("system:node:") || user.equals("system:kapal-sim-nodes")) {
            component = "kubelet";
        } else if (user.startsWith("system:kube-")) {
            component = user.substring("system:".length());
        } else {
            return Config.KUBERNETES_USER_AGENT;
        }
        String arch = System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64";
        return component + "/" + Version.kubernetes() + " (linux/" + arch + ") kubernetes/kapal";
    }

    private KubernetesClient forCertificate(IssuedCertificate certificate, String userAgent) {
        Config config = new ConfigBuilder()
                .withUserAgent(userAgent)
                .withMasterUrl("https://127.0.0.1:" + port)
                .withCaCertData(base64(pki.serverCa().certificatePem()))
                .withClientCertData(base64(certificate.certificatePem()))
                .withClientKeyData(base64(certificate.keyPem()))
                .withClientKeyAlgo(certificate.key().getAlgorithm())
                // Components retry themselves (workqueues, informers); the client should not hide failures.
                .withRequestRetryBackoffLimit(0)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
    }
}
