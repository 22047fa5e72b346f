package dev.kapal.e2e;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** JDK HTTP clients that trust the cluster CA, with or without the admin certificate. */
final class Tls {
    private Tls() {
    }

    static HttpClient anonymousClient(Kubeconfig kubeconfig, HttpClient.Version version) throws Exception {
        return client(context(kubeconfig, false), version);
    }

    static HttpClient adminClient(Kubeconfig kubeconfig, HttpClient.Version version) throws Exception {
        return client(context(kubeconfig, true), version);
    }

    private static HttpClient client(SSLContext context, HttpClient.Version version) {
        return HttpClient.newBuilder().sslContext(context).version(version).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static SSLContext context(Kubeconfig kubeconfig, boolean withClientCertificate) throws Exception {
        CertificateFactory certificates = CertificateFactory.getInstance("X.509");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificates.generateCertificate(
                new ByteArrayInputStream(kubeconfig.caPem().getBytes(StandardCharsets.US_ASCII))));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyManagerFactory keyManagers = null;
        if (withClientCertificate) {
            Certificate certificate = certificates.generateCertificate(
                    new ByteArrayInputStream(kubeconfig.clientCertificatePem().getBytes(StandardCharsets.US_ASCII)));
            char[] password = "e2e".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("admin", privateKey(kubeconfig.clientKeyPem(), certificate.getPublicKey().getAlgorithm()),
                    password, new Certificate[] {certificate});
            keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, password);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        // An empty key manager array: present no certificate (null would mean the JVM default).
        context.init(keyManagers == null ? new javax.net.ssl.KeyManager[0] : keyManagers.getKeyManagers(),
                trustManagers.getTrustManagers(), null);
        return context;
    }

    /** A PKCS#8 ({@code BEGIN PRIVATE KEY}) key, which is what kapal writes. */
    private static PrivateKey privateKey(String pem, String algorithm) throws Exception {
        if (!pem.contains("BEGIN PRIVATE KEY")) {
            throw new IllegalStateException("expected a PKCS#8 key, got: " + pem.lines().findFirst().orElse(""));
        }
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}
