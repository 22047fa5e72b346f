package dev.kapal.apiserver.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A certificate with its private key: a CA, a serving certificate or a client certificate.
 *
 * @param key         the private key
 * @param certificate the certificate
 */
public record IssuedCertificate(PrivateKey key, X509Certificate certificate) {
    public IssuedCertificate {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certificate, "certificate");
    }

    /** The certificate as PEM (what kubeconfig's {@code client-certificate-data} holds, base64 encoded). */
    public String certificatePem() {
        return Pem.certificate(certificate);
    }

    /** The key as PKCS#8 PEM. */
    public String keyPem() {
        return Pem.privateKey(key);
    }

    @Override
    public String toString() {
        // Never print the key.
        return "IssuedCertificate[" + certificate.getSubjectX500Principal().getName() + "]";
    }
}
