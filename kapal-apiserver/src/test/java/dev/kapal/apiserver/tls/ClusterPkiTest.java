package dev.kapal.apiserver.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapal.apiserver.ApiServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterPkiTest {
    @TempDir
    Path dataDir;

    private Path tls() {
        return dataDir.resolve("server/tls");
    }

    private static SubjectAlternativeNames names(String... extra) {
        return SubjectAlternativeNames.kubernetesApiServer("cluster.local", ip("10.43.0.1"))
                .with(SubjectAlternativeNames.parse(List.of(extra)));
    }

    private static InetAddress ip(String literal) {
        return InetLiterals.parse(literal).orElseThrow();
    }

    @Test
    void servingCertificateCarriesEveryName() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(tls(), names("192.168.7.9", "kapal.example.com", "fd00::5"));

        SubjectAlternativeNames actual = SubjectAlternativeNames.of(pki.servingCertificate().certificate());
        assertThat(actual.dnsNames()).containsExactlyInAnyOrder("localhost", "kubernetes", "kubernetes.default",
                "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "kapal.example.com");
        assertThat(actual.ipAddresses()).containsExactlyInAnyOrder(ip("127.0.0.1"), ip("::1"), ip("10.43.0.1"),
                ip("192.168.7.9"), ip("fd00::5"));
        assertThat(pki.servingCertificate().certificate().getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
        assertThat(chainsTo(pki.servingCertificate().certificate(), pki.serverCa().certificate())).isTrue();
    }

    @Test
    void writesK3sFileNamesWithPrivateKeys() throws Exception {
        ClusterPki.loadOrCreate(tls(), names());

        for (String name : List.of("server-ca", "client-ca", "serving-kube-apiserver", "client-admin")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls().resolve(name + ".key"))))
                    .as(name + ".key").isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls().resolve(name + ".crt"))))
                    .as(name + ".crt").isEqualTo("rw-r--r--");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls()))).isEqualTo("rwx------");
        try (var listing = Files.list(tls())) {
            assertThat(listing.map(path -> path.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    @Test
    void restartReusesEverythingWhenNamesAreUnchanged() throws Exception {
        ClusterPki first = ClusterPki.loadOrCreate(tls(), names("kapal.example.com"));
        ClusterPki second = ClusterPki.loadOrCreate(tls(), names("kapal.example.com"));

        assertThat(first.generated()).containsExactly("server-ca", "client-ca", "serving-kube-apiserver", "client-admin", "service");
        assertThat(second.generated()).isEmpty();
        assertThat(second.serviceAccountKey().getPrivate()).isEqualTo(first.serviceAccountKey().getPrivate());
        assertThat(second.serviceAccountKey().getPublic()).isEqualTo(first.serviceAccountKey().getPublic());
        assertThat(second.serverCa().certificate()).isEqualTo(first.serverCa().certificate());
        assertThat(second.clientCa().certificate()).isEqualTo(first.clientCa().certificate());
        assertThat(second.servingCertificate().certificate()).isEqualTo(first.servingCertificate().certificate());
        assertThat(second.adminCertificate().certificate()).isEqualTo(first.adminCertificate().certificate());
    }

    @Test
    void restartReissuesOnlyTheServingCertificateWhenNamesChange() throws Exception {
        ClusterPki first = ClusterPki.loadOrCreate(tls(), names());
        ClusterPki second = ClusterPki.loadOrCreate(tls(), names("10.1.2.3"));

        assertThat(second.generated()).containsExactly("serving-kube-apiserver");
        assertThat(second.serverCa().certificate()).isEqualTo(first.serverCa().certificate());
        assertThat(second.adminCertificate().certificate()).isEqualTo(first.adminCertificate().certificate());
        assertThat(SubjectAlternativeNames.of(second.servingCertificate().certificate()).ipAddresses())
                .contains(ip("10.1.2.3"));
        assertThat(chainsTo(second.servingCertificate().certificate(), first.serverCa().certificate())).isTrue();
    }

    @Test
    void aLeafWhoseKeyWasLostIsReissued() throws Exception {
        ClusterPki.loadOrCreate(tls(), names());
        Files.delete(tls().resolve("client-admin.key"));

        ClusterPki second = ClusterPki.loadOrCreate(tls(), names());

        assertThat(second.generated()).containsExactly("client-admin");
        assertThat(Certificates.keyMatches(second.adminCertificate().key(), second.adminCertificate().certificate()))
                .isTrue();
    }

    @Test
    void aCaWithoutItsKeyIsAnErrorNotANewCa() throws Exception {
        ClusterPki.loadOrCreate(tls(), names());
        Files.delete(tls().resolve("server-ca.key"));

        assertThatThrownBy(() -> ClusterPki.loadOrCreate(tls(), names()))
                .isInstanceOf(IOException.class).hasMessageContaining("server-ca.key is missing");
    }

    @Test
    void adminAndIssuedClientCertificatesChainToTheClientCa() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(tls(), names());

        X509Certificate admin = pki.adminCertificate().certificate();
        assertThat(new X500Principal(admin.getSubjectX500Principal().getName()).getName())
                .contains("CN=system:admin").contains("O=system:masters");
        assertThat(chainsTo(admin, pki.clientCa().certificate())).isTrue();
        assertThat(chainsTo(admin, pki.serverCa().certificate())).isFalse();

        IssuedCertificate alice = pki.issueClientCertificate("alice", List.of("dev", "qa"));
        assertThat(alice.certificate().getSubjectX500Principal().getName()).contains("CN=alice", "O=dev", "O=qa");
        assertThat(alice.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(chainsTo(alice.certificate(), pki.clientCa().certificate())).isTrue();
        assertThat(Pem.readPrivateKey(alice.keyPem()).getEncoded()).isEqualTo(alice.key().getEncoded());
        assertThat(Pem.readCertificate(alice.certificatePem())).isEqualTo(alice.certificate());
    }

    @Test
    void tlsMaterialServesTheLeafFirstAndTrustsTheClientCa() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(tls(), names());

        ApiServerConfig.TlsMaterial material = pki.tlsMaterial();

        assertThat(material.serverChain()).containsExactly(pki.servingCertificate().certificate(),
                pki.serverCa().certificate());
        assertThat(material.clientCa()).isEqualTo(pki.clientCa().certificate());
        assertThat(material.serverKey()).isEqualTo(pki.servingCertificate().key());
    }

    @Test
    void caIsValidForTenYears() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(tls(), names());

        X509Certificate ca = pki.serverCa().certificate();
        long days = (ca.getNotAfter().getTime() - ca.getNotBefore().getTime()) / 86_400_000L;
        assertThat(days).isBetween(3649L, 3651L);
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    }

    private static boolean chainsTo(X509Certificate leaf, X509Certificate authority) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(authority, null)));
            parameters.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(List.of(leaf)), parameters);
            return true;
        } catch (Exception invalid) {
            return false;
        }
    }
}
