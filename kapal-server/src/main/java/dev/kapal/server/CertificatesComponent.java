package dev.kapal.server;

import dev.kapal.apiserver.tls.ClusterPki;
import dev.kapal.apiserver.tls.SubjectAlternativeNames;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** Loads or creates the cluster's certificates (see {@link ClusterPki}). */
final class CertificatesComponent implements Component {
    private final ServerConfig config;
    private final LocalHost host;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile ClusterPki pki;

    CertificatesComponent(ServerConfig config, LocalHost host) {
        this.config = Objects.requireNonNull(config, "config");
        this.host = Objects.requireNonNull(host, "host");
    }

    /**
     * Every name a client may use to reach the API server: the standard in-cluster names, this
     * machine's name and addresses, the advertise address and the operator's {@code --tls-san}s.
     */
    static SubjectAlternativeNames servingNames(ServerConfig config, LocalHost host) {
        SubjectAlternativeNames names = SubjectAlternativeNames
                .kubernetesApiServer(config.clusterDomain(), config.serviceIp())
                .withDnsName(host.hostName())
                .withIp(config.advertiseAddress());
        for (var address : host.addresses()) {
            names = names.withIp(address);
        }
        if (!config.bindAddress().isAnyLocalAddress()) {
            names = names.withIp(config.bindAddress());
        }
        return names.with(SubjectAlternativeNames.parse(config.tlsSans()));
    }

    @Override
    public String name() {
        return "certificates";
    }

    @Override
    public String detail() {
        List<String> generated = pki == null ? List.of() : pki.generated();
        return config.tlsDirectory() + (generated.isEmpty() ? "" : ", created " + String.join(" ", generated));
    }

    @Override
    public void start() throws Exception {
        pki = ClusterPki.loadOrCreate(config.tlsDirectory(), servingNames(config, host));
        ready.complete(null);
    }

    @Override
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** The loaded PKI; only after {@link #start()}. */
    ClusterPki pki() {
        if (pki == null) {
            throw new IllegalStateException("certificates are not loaded yet");
        }
        return pki;
    }

    @Override
    public void close() {
        // Nothing held: the certificates stay on disk for the next start.
    }
}
