package dev.kapal.server;

import dev.kapal.apiserver.tls.ClusterPki;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Writes the admin kubeconfig once the API server is ready, so a kubeconfig appearing on disk
 * means kubectl can use it right away.
 */
final class KubeconfigComponent implements Component {
    private final ServerConfig config;
    private final CertificatesComponent certificates;
    private final ApiServerComponent apiServer;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    KubeconfigComponent(ServerConfig config, CertificatesComponent certificates, ApiServerComponent apiServer) {
        this.config = Objects.requireNonNull(config, "config");
        this.certificates = Objects.requireNonNull(certificates, "certificates");
        this.apiServer = Objects.requireNonNull(apiServer, "apiServer");
    }

    List<Path> paths() {
        List<Path> paths = new ArrayList<>(List.of(config.kubeconfigPath()));
        config.writeKubeconfig().filter(path -> !path.equals(config.kubeconfigPath())).ifPresent(paths::add);
        return paths;
    }

    @Override
    public String name() {
        return "kubeconfig";
    }

    @Override
    public String detail() {
        return String.join(", ", paths().stream().map(Path::toString).toList());
    }

    @Override
    public void start() throws Exception {
        ClusterPki pki = certificates.pki();
        String content = Kubeconfig.render(config.localServerUrl(apiServer.port()), pki.serverCa().certificatePem(),
                pki.adminCertificate().certificatePem(), pki.adminCertificate().keyPem());
        for (Path path : paths()) {
            Kubeconfig.write(path, content, config.kubeconfigMode());
        }
        ready.complete(null);
    }

    @Override
    public CompletableFuture<Void> ready() {
        return ready;
    }

    @Override
    public void close() {
        // The kubeconfig stays: it is valid again as soon as the server is back.
    }
}
