package dev.kapal.apiserver.tls;

import dev.kapal.apiserver.ApiServerConfig;
import dev.kapal.apiserver.auth.UserInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster's certificates, kept in one directory ({@code <data-dir>/server/tls}) as k3s keeps
 * them: a server CA that signs the API server's serving certificate, a separate client CA that
 * signs client certificates (so a leaked serving key cannot mint users), the serving certificate
 * and the admin client certificate ({@code CN=system:admin, O=system:masters}).
 *
 * <p>{@link #loadOrCreate} reuses what is on disk: the CAs are never replaced (every issued
 * credential depends on them), so a CA certificate without its key is an error, not a reason to
 * start over. Leaf certificates are reissued when missing, not signed by the current CA, not
 * matching their key, within {@link #RENEW_BEFORE} of expiry, or, for the serving certificate,
 * when the wanted names differ from the ones it carries.
 */
public final class ClusterPki {
    public static final String SERVER_CA = "server-ca";
    public static final String CLIENT_CA = "client-ca";
    public static final String SERVING = "serving-kube-apiserver";
    public static final String ADMIN = "client-admin";
    /** The service account token signing key ({@code service.key}, as k3s names it). */
    public static final String SERVICE_ACCOUNT_KEY = "service";
    public static final String ADMIN_USER = "system:admin";
    /** Who the API server is to kubelets (upstream kubeadm's {@code apiserver-kubelet-client}). */
    public static final String KUBELET_CLIENT_USER = "kube-apiserver-kubelet-client";

    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration LEAF_VALIDITY = Duration.ofDays(365);
    /** Like k3s, leaf certificates are renewed at start-up once they are this close to expiry. */
    static final Duration RENEW_BEFORE = Duration.ofDays(90);

    private static final Set<PosixFilePermission> SECRET = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private final IssuedCertificate serverCa;
    private final IssuedCertificate clientCa;
    private final IssuedCertificate serving;
    private final IssuedCertificate admin;
    private final KeyPair serviceAccountKey;
    private final List<String> generated;

    private ClusterPki(IssuedCertificate serverCa, IssuedCertificate clientCa, IssuedCertificate serving,
                       IssuedCertificate admin, KeyPair serviceAccountKey, List<String> generated) {
        this.serverCa = serverCa;
        this.clientCa = clientCa;
        this.serving = serving;
        this.admin = admin;
        this.serviceAccountKey = serviceAccountKey;
        this.generated = List.copyOf(generated);
    }

    /**
     * Loads the certificates under {@code directory}, creating or reissuing what is missing or
     * stale (see the class comment).
     *
     * @param directory    where the files live; created with mode 0700 when absent
     * @param servingNames every name the serving certificate must be valid for
     * @throws IOException if the files cannot be read or written, or a CA is half there
     */
    public static ClusterPki loadOrCreate(Path directory, SubjectAlternativeNames servingNames) throws IOException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(servingNames, "servingNames");
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            Files.setPosixFilePermissions(directory, PRIVATE_DIRECTORY);
        }
        List<String> generated = new ArrayList<>();
        long epochSeconds = Instant.now().getEpochSecond();
        IssuedCertificate serverCa = loadOrCreateAuthority(directory, SERVER_CA,
                "kapal-server-ca@" + epochSeconds, generated);
        IssuedCertificate clientCa = loadOrCreateAuthority(directory, CLIENT_CA,
                "kapal-client-ca@" + epochSeconds, generated);

        Optional<IssuedCertificate> existingServing = loadUsableLeaf(directory, SERVING, serverCa)
                .filter(leaf -> SubjectAlternativeNames.of(leaf.certificate()).equals(servingNames));
        IssuedCertificate serving = existingServing.isPresent() ? existingServing.get() : write(directory, SERVING,
                Certificates.issue(serverCa, Certificates.subject("kube-apiserver", List.of()),
                        Certificates.Purpose.SERVER, servingNames, LEAF_VALIDITY), generated);

        Optional<IssuedCertificate> existingAdmin = loadUsableLeaf(directory, ADMIN, clientCa);
        IssuedCertificate admin = existingAdmin.isPresent() ? existingAdmin.get() : write(directory, ADMIN,
                Certificates.issue(clientCa, Certificates.subject(ADMIN_USER, List.of(UserInfo.MASTERS_GROUP)),
                        Certificates.Purpose.CLIENT, emptyNames(), LEAF_VALIDITY), generated);
        KeyPair serviceAccountKey = loadOrCreateServiceAccountKey(directory, generated);
        return new ClusterPki(serverCa, clientCa, serving, admin, serviceAccountKey, generated);
    }

    /**
     * The RSA key service account tokens are signed with. Like a CA it is never replaced once
     * made: every token in every pod depends on it.
     */
    private static KeyPair loadOrCreateServiceAccountKey(Path directory, List<String> generated) throws IOException {
        Path file = directory.resolve(SERVICE_ACCOUNT_KEY + ".key");
        if (Files.exists(file)) {
            PrivateKey key = Pem.readPrivateKey(Files.readString(file, StandardCharsets.US_ASCII));
            if (!(key instanceof RSAPrivateCrtKey rsa)) {
                throw new IOException(file + " is not an RSA private key");
            }
            try {
                PublicKey publicKey = KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
                return new KeyPair(publicKey, key);
            } catch (GeneralSecurityException unusable) {
                throw new IOException(file + " is not a usable RSA key: " + unusable.getMessage(), unusable);
            }
        }
        KeyPair keys = newServiceAccountKey();
        AtomicFiles.write(file, Pem.privateKey(keys.getPrivate()).getBytes(StandardCharsets.US_ASCII), SECRET);
        generated.add(SERVICE_ACCOUNT_KEY);
        return keys;
    }

    /** A new service account signing key: RSA 2048, as upstream's tokens are RS256. */
    public static KeyPair newServiceAccountKey() {
        return Certificates.newClientKeyPair();
    }

    /** The key pair service account tokens are signed and verified with. */
    public KeyPair serviceAccountKey() {
        return serviceAccountKey;
    }

    /** The CA that signed the serving certificate: what clients put in {@code certificate-authority-data}. */
    public IssuedCertificate serverCa() {
        return serverCa;
    }

    /** The CA client certificates must chain to. */
    public IssuedCertificate clientCa() {
        return clientCa;
    }

    public IssuedCertificate servingCertificate() {
        return serving;
    }

    /** The admin's client certificate ({@code system:admin} in {@code system:masters}). */
    public IssuedCertificate adminCertificate() {
        return admin;
    }

    /** Which files ({@code server-ca}, {@code serving-kube-apiserver}, ...) this start created or reissued. */
    public List<String> generated() {
        return generated;
    }

    /**
     * What the API server serves with and verifies clients against, and its kubelet client identity
     * ({@value #KUBELET_CLIENT_USER} in {@code system:masters}, signed by the client CA, which kubelets
     * trust for clients; kubelet serving certificates are checked against the server CA, which signs
     * them, see {@link #issueKubeletServingCertificate}).
     */
    public ApiServerConfig.TlsMaterial tlsMaterial() {
        IssuedCertificate kubeletClient = kubeletClientCertificate();
        return new ApiServerConfig.TlsMaterial(serving.key(),
                List.of(serving.certificate(), serverCa.certificate()), clientCa.certificate(),
                Optional.of(new ApiServerConfig.KubeletClientMaterial(kubeletClient.key(), kubeletClient.certificate(),
                        serverCa.certificate())), Optional.of(serviceAccountKey));
    }

    private IssuedCertificate kubeletClient;

    /** The API server's client certificate towards kubelets; issued in memory once per process. */
    public synchronized IssuedCertificate kubeletClientCertificate() {
        if (kubeletClient == null) {
            kubeletClient = issueComponentCertificate(KUBELET_CLIENT_USER, List.of(UserInfo.MASTERS_GROUP));
        }
        return kubeletClient;
    }

    /**
     * Issues the serving certificate of a node's kubelet API ({@code CN=system:node:<node>},
     * {@code O=system:nodes}), signed by the server CA so the API server trusts it, valid for
     * {@code names} (the node's addresses and host name). Nothing is written to disk.
     */
    public IssuedCertificate issueKubeletServingCertificate(String nodeName, SubjectAlternativeNames names) {
        Objects.requireNonNull(nodeName, "nodeName");
        return Certificates.issue(serverCa, Certificates.subject("system:node:" + nodeName, List.of("system:nodes")),
                Certificates.Purpose.SERVER, names, LEAF_VALIDITY, Certificates.newKeyPair());
    }

    /**
     * Issues a client certificate for {@code user} in {@code groups}, signed by the client CA and
     * valid for a year. Nothing is written to disk.
     */
    public IssuedCertificate issueClientCertificate(String user, List<String> groups) {
        Objects.requireNonNull(user, "user");
        if (user.isEmpty()) {
            throw new IllegalArgumentException("a client certificate needs a user name");
        }
        return Certificates.issue(clientCa, Certificates.subject(user, List.copyOf(groups)),
                Certificates.Purpose.CLIENT, emptyNames(), LEAF_VALIDITY);
    }

    /**
     * Issues a client certificate for one of Kapal's own components (controllers, scheduler, node
     * agent) talking to the API server in this process. Its key is ECDSA, quick to make at every
     * start; the component's client is told the key's algorithm, so RSA's wider client support
     * (see {@link #issueClientCertificate}) is not needed. Nothing is written to disk.
     */
    public IssuedCertificate issueComponentCertificate(String user, List<String> groups) {
        Objects.requireNonNull(user, "user");
        if (user.isEmpty()) {
            throw new IllegalArgumentException("a client certificate needs a user name");
        }
        return Certificates.issue(clientCa, Certificates.subject(user, List.copyOf(groups)),
                Certificates.Purpose.CLIENT, emptyNames(), LEAF_VALIDITY, Certificates.newKeyPair());
    }

    private static SubjectAlternativeNames emptyNames() {
        return new SubjectAlternativeNames(Set.of(), Set.of());
    }

    private static IssuedCertificate loadOrCreateAuthority(Path directory, String name, String commonName,
                                                           List<String> generated) throws IOException {
        Path certificate = directory.resolve(name + ".crt");
        Path key = directory.resolve(name + ".key");
        boolean haveCertificate = Files.exists(certificate);
        boolean haveKey = Files.exists(key);
        if (haveCertificate && haveKey) {
            IssuedCertificate authority = read(certificate, key);
            if (!Certificates.keyMatches(authority.key(), authority.certificate())) {
                throw new IOException(key + " is not the key of " + certificate);
            }
            return authority;
        }
        if (haveCertificate || haveKey) {
            throw new IOException((haveCertificate ? key : certificate) + " is missing; restore it, or remove "
                    + (haveCertificate ? certificate : key) + " to create a new CA (every credential it issued stops working)");
        }
        return write(directory, name, Certificates.selfSignedAuthority(commonName, CA_VALIDITY), generated);
    }

    private static Optional<IssuedCertificate> loadUsableLeaf(Path directory, String name, IssuedCertificate authority)
            throws IOException {
        Path certificate = directory.resolve(name + ".crt");
        Path key = directory.resolve(name + ".key");
        if (!Files.exists(certificate) || !Files.exists(key)) {
            return Optional.empty();
        }
        IssuedCertificate leaf;
        try {
            leaf = read(certificate, key);
        } catch (IOException unreadable) {
            // A leaf is cheap to reissue; a damaged one must not keep the server from starting.
            return Optional.empty();
        }
        Instant renewAt = leaf.certificate().getNotAfter().toInstant().minus(RENEW_BEFORE);
        boolean usable = Certificates.signedBy(leaf.certificate(), authority.certificate())
                && Certificates.keyMatches(leaf.key(), leaf.certificate())
                && Instant.now().isBefore(renewAt);
        return usable ? Optional.of(leaf) : Optional.empty();
    }

    private static IssuedCertificate read(Path certificate, Path key) throws IOException {
        return new IssuedCertificate(
                Pem.readPrivateKey(Files.readString(key, StandardCharsets.US_ASCII)),
                Pem.readCertificate(Files.readString(certificate, StandardCharsets.US_ASCII)));
    }

    private static IssuedCertificate write(Path directory, String name, IssuedCertificate issued, List<String> generated)
            throws IOException {
        // Key first: a crash between the two writes leaves a pair whose key does not match, which
        // the next start detects and reissues, instead of a new certificate with a stale key.
        AtomicFiles.write(directory.resolve(name + ".key"), issued.keyPem().getBytes(StandardCharsets.US_ASCII), SECRET);
        AtomicFiles.write(directory.resolve(name + ".crt"),
                issued.certificatePem().getBytes(StandardCharsets.US_ASCII), PUBLIC);
        generated.add(name);
        return issued;
    }

    @Override
    public String toString() {
        return "ClusterPki[generated=" + Collections.unmodifiableList(generated) + "]";
    }
}
