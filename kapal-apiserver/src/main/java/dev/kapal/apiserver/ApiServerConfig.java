package dev.kapal.apiserver;

import dev.kapal.apiserver.auth.Authenticator;
import dev.kapal.apiserver.auth.Authorizer;
import dev.kapal.storage.Store;
import java.net.InetAddress;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the API server needs from whoever composes it.
 *
 * @param bindAddress      the address to listen on (0.0.0.0 for all)
 * @param port             the HTTPS port (6443; 0 picks a free one, see {@link ApiServer#port()})
 * @param tls              the serving certificate and the CA that client certificates must chain to
 * @param store            the datastore; the API server owns it from now on and closes it
 * @param authenticators   tried in order after client-certificate authentication
 * @param authorizer       the authorizer
 * @param advertiseAddress the address other components and the {@code kubernetes} Endpoints use
 * @param serviceIp        the first IP of the service CIDR: the {@code kubernetes} Service's ClusterIP
 * @param serviceCidr      the service CIDR ({@code 10.43.0.0/16})
 * @param clusterDomain    the cluster domain ({@code cluster.local})
 * @param eventHistory     how long the watch cache keeps events for watches resuming from an older
 *                         resourceVersion (upstream keeps up to 75 s in its cache; compaction keeps 5 min)
 * @param maxRequestBytes  the largest request body accepted (upstream: 3 MiB); larger gets 413
 * @param garbageCollection whether a garbage collector runs (kube-controller-manager's
 *                         {@code garbage-collector-controller}): then DELETE adds the {@code orphan}
 *                         and {@code foregroundDeletion} finalizers per propagationPolicy and the
 *                         kind's default, for the collector to act on; without one they would stay forever
 * @param eventTtl         how long an event lives after its last write ({@code --event-ttl}, 1 h)
 * @param metricsSources   families other components of the process render, appended to {@code /metrics}
 *                         after the API server's own (see {@link dev.kapal.apiserver.metrics.MetricsSource})
 * @param serviceAccountAdmission whether the ServiceAccount admission plugin runs
 *                         ({@link dev.kapal.apiserver.admission.ServiceAccount}): it refuses pods whose
 *                         account does not exist, so it needs the serviceaccount controller making each
 *                         namespace's {@code default} account, as upstream's
 */
public record ApiServerConfig(
        InetAddress bindAddress,
        int port,
        TlsMaterial tls,
        Store store,
        List<Authenticator> authenticators,
        Authorizer authorizer,
        InetAddress advertiseAddress,
        InetAddress serviceIp,
        String serviceCidr,
        String clusterDomain,
        Duration eventHistory,
        int maxRequestBytes,
        boolean garbageCollection,
        Duration eventTtl,
        List<dev.kapal.apiserver.metrics.MetricsSource> metricsSources,
        boolean serviceAccountAdmission) {

    public static final int DEFAULT_MAX_REQUEST_BYTES = 3 * 1024 * 1024;

    public ApiServerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(store, "store");
        authenticators = List.copyOf(authenticators);
        Objects.requireNonNull(authorizer, "authorizer");
        Objects.requireNonNull(advertiseAddress, "advertiseAddress");
        Objects.requireNonNull(serviceIp, "serviceIp");
        Objects.requireNonNull(serviceCidr, "serviceCidr");
        Objects.requireNonNull(clusterDomain, "clusterDomain");
        Objects.requireNonNull(eventHistory, "eventHistory");
        Objects.requireNonNull(eventTtl, "eventTtl");
        metricsSources = List.copyOf(metricsSources);
    }

    /**
     * A configuration without garbage-collection finalizers nor ServiceAccount admission, with the
     * default event TTL and a {@code /metrics} serving only the API server's own families.
     */
    public ApiServerConfig(InetAddress bindAddress, int port, TlsMaterial tls, Store store,
                           List<Authenticator> authenticators, Authorizer authorizer, InetAddress advertiseAddress,
                           InetAddress serviceIp, String serviceCidr, String clusterDomain, Duration eventHistory,
                           int maxRequestBytes) {
        this(bindAddress, port, tls, store, authenticators, authorizer, advertiseAddress, serviceIp, serviceCidr,
                clusterDomain, eventHistory, maxRequestBytes, false, EventTtl.DEFAULT_TTL, List.of(), false);
    }

    /** This configuration with {@link #garbageCollection()} set to {@code enabled}. */
    public ApiServerConfig withGarbageCollection(boolean enabled) {
        return new ApiServerConfig(bindAddress, port, tls, store, authenticators, authorizer, advertiseAddress, serviceIp,
                serviceCidr, clusterDomain, eventHistory, maxRequestBytes, enabled, eventTtl, metricsSources,
                serviceAccountAdmission);
    }

    /** This configuration with events living {@code ttl} after their last write. */
    public ApiServerConfig withEventTtl(Duration ttl) {
        return new ApiServerConfig(bindAddress, port, tls, store, authenticators, authorizer, advertiseAddress, serviceIp,
                serviceCidr, clusterDomain, eventHistory, maxRequestBytes, garbageCollection, ttl, metricsSources,
                serviceAccountAdmission);
    }

    /** This configuration with {@code sources} appended to {@code /metrics}. */
    public ApiServerConfig withMetricsSources(List<dev.kapal.apiserver.metrics.MetricsSource> sources) {
        return new ApiServerConfig(bindAddress, port, tls, store, authenticators, authorizer, advertiseAddress, serviceIp,
                serviceCidr, clusterDomain, eventHistory, maxRequestBytes, garbageCollection, eventTtl, sources,
                serviceAccountAdmission);
    }

    /** This configuration with the ServiceAccount admission plugin on or off. */
    public ApiServerConfig withServiceAccountAdmission(boolean enabled) {
        return new ApiServerConfig(bindAddress, port, tls, store, authenticators, authorizer, advertiseAddress, serviceIp,
                serviceCidr, clusterDomain, eventHistory, maxRequestBytes, garbageCollection, eventTtl, metricsSources,
                enabled);
    }

    /**
     * The TLS identity of the server and the CA it trusts for client certificates.
     *
     * @param serverKey     the serving key
     * @param serverChain   the serving certificate chain, leaf first
     * @param clientCa      client certificates must chain to this CA (CN = user, O = groups)
     * @param kubeletClient how the server connects to kubelets ({@code pods/log}, {@code exec},
     *                      {@code attach}, {@code portforward}, {@code nodes/proxy}); without it those
     *                      subresources answer 503
     * @param serviceAccountKey the RSA key pair service account tokens are signed and verified with
     *                      (upstream's {@code --service-account-signing-key-file}); without it the
     *                      server makes one for its lifetime, so its tokens do not survive a restart
     */
    public record TlsMaterial(PrivateKey serverKey, List<X509Certificate> serverChain, X509Certificate clientCa,
                              java.util.Optional<KubeletClientMaterial> kubeletClient,
                              java.util.Optional<java.security.KeyPair> serviceAccountKey) {
        public TlsMaterial {
            Objects.requireNonNull(serverKey, "serverKey");
            serverChain = List.copyOf(serverChain);
            Objects.requireNonNull(clientCa, "clientCa");
            Objects.requireNonNull(kubeletClient, "kubeletClient");
            Objects.requireNonNull(serviceAccountKey, "serviceAccountKey");
        }

        /** Without a kubelet client (the kubelet-proxying subresources answer 503) nor a service account key. */
        public TlsMaterial(PrivateKey serverKey, List<X509Certificate> serverChain, X509Certificate clientCa) {
            this(serverKey, serverChain, clientCa, java.util.Optional.empty(), java.util.Optional.empty());
        }
    }

    /**
     * The API server's identity towards kubelets (upstream's {@code --kubelet-client-certificate},
     * {@code --kubelet-client-key} and {@code --kubelet-certificate-authority}).
     *
     * @param key         the client key
     * @param certificate the client certificate, signed by the CA kubelets trust for clients
     * @param kubeletCa   the CA kubelet serving certificates must chain to
     */
    public record KubeletClientMaterial(PrivateKey key, X509Certificate certificate, X509Certificate kubeletCa) {
        public KubeletClientMaterial {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(kubeletCa, "kubeletCa");
        }

        @Override
        public String toString() {
            return "KubeletClientMaterial[" + certificate.getSubjectX500Principal() + "]";
        }
    }
}
