package dev.kapal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapal.apiserver.tls.InetLiterals;
import dev.kapal.apiserver.tls.Pem;
import dev.kapal.apiserver.tls.SubjectAlternativeNames;
import io.fabric8.kubernetes.client.Config;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeconfigTest {
    @TempDir
    Path dataDir;

    private final LocalHost host = new LocalHost("kapal-test-host",
            List.of(InetLiterals.parse("192.0.2.10").orElseThrow()), Optional.of(InetLiterals.parse("192.0.2.10").orElseThrow()));

    private ServerConfig config(Optional<Path> extra, String mode) {
        return new ServerConfig(dataDir, InetLiterals.parse("0.0.0.0").orElseThrow(), 16443,
                InetLiterals.parse("192.0.2.10").orElseThrow(), List.of("kapal.example.com"), extra,
                PosixFilePermissions.fromString(mode), "memory://", Cidr.parse("10.42.0.0/16"),
                Cidr.parse("10.43.0.0/16"), InetLiterals.parse("10.43.0.10").orElseThrow(), "cluster.local",
                "kapal-test-host", true, List.of("*"));
    }

    private void writeKubeconfigs(ServerConfig config) throws Exception {
        CertificatesComponent certificates = new CertificatesComponent(config, host);
        certificates.start();
        ApiServerComponent apiServer = new ApiServerComponent(config, certificates, new DatastoreComponent(config));
        KubeconfigComponent kubeconfig = new KubeconfigComponent(config, certificates, apiServer);
        kubeconfig.start();
        assertThat(kubeconfig.ready()).isCompleted();
    }

    @Test
    void adminKubeconfigParsesAndEmbedsTheClusterCredentials() throws Exception {
        ServerConfig config = config(Optional.empty(), "rw-------");
        writeKubeconfigs(config);

        String yaml = Files.readString(dataDir.resolve("kubeconfig.yaml"));
        Config parsed = Config.fromKubeconfig(yaml);

        assertThat(parsed.getMasterUrl()).startsWith("https://127.0.0.1:16443");
        assertThat(parsed.getCurrentContext().getName()).isEqualTo("default");
        assertThat(parsed.getCurrentContext().getContext().getCluster()).isEqualTo("default");
        assertThat(parsed.getCurrentContext().getContext().getUser()).isEqualTo("default");

        X509Certificate ca = Pem.readCertificate(decode(parsed.getCaCertData()));
        X509Certificate serverCa = Pem.readCertificate(Files.readString(config.tlsDirectory().resolve("server-ca.crt")));
        assertThat(ca).isEqualTo(serverCa);

        X509Certificate client = Pem.readCertificate(decode(parsed.getClientCertData()));
        assertThat(client.getSubjectX500Principal().getName()).contains("CN=system:admin", "O=system:masters");
        X509Certificate clientCa = Pem.readCertificate(Files.readString(config.tlsDirectory().resolve("client-ca.crt")));
        client.verify(clientCa.getPublicKey());
        // RSA, so Java clients that assume RSA for PKCS#8 keys (fabric8) read the kubeconfig as is.
        assertThat(Pem.readPrivateKey(decode(parsed.getClientKeyData())).getAlgorithm()).isEqualTo("RSA");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("kubeconfig.yaml"))))
                .isEqualTo("rw-------");
    }

    @Test
    void writeKubeconfigAlsoWritesTheRequestedFileWithTheRequestedMode() throws Exception {
        Path extra = dataDir.resolve("elsewhere/deeper/config");
        writeKubeconfigs(config(Optional.of(extra), "rw-r--r--"));

        assertThat(Files.readString(extra)).isEqualTo(Files.readString(dataDir.resolve("kubeconfig.yaml")));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(extra))).isEqualTo("rw-r--r--");
        try (var files = Files.list(extra.getParent())) {
            assertThat(files).containsExactly(extra);
        }
    }

    @Test
    void servingCertificateNamesTheHostTheAdvertiseAddressAndTheTlsSans() {
        SubjectAlternativeNames names = CertificatesComponent.servingNames(config(Optional.empty(), "rw-------"), host);

        assertThat(names.dnsNames()).contains("kapal-test-host", "kapal.example.com", "localhost",
                "kubernetes.default.svc.cluster.local");
        assertThat(names.ipAddresses()).contains(InetLiterals.parse("192.0.2.10").orElseThrow(),
                InetLiterals.parse("10.43.0.1").orElseThrow(), InetLiterals.parse("127.0.0.1").orElseThrow());
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
    }
}
