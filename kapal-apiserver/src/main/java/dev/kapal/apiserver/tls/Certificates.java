package dev.kapal.apiserver.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Key generation and certificate signing; the JDK's own providers do the cryptography. */
final class Certificates {
    /** Client clocks a little behind ours must still accept a certificate made a moment ago. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Certificates() {
    }

    enum Purpose { SERVER, CLIENT }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException unavailable) {
            throw new IllegalStateException("this JDK cannot make ECDSA P-256 keys", unavailable);
        }
    }

    /**
     * Client keys are RSA: Java clients read PKCS#8 keys from kubeconfigs as RSA unless told
     * otherwise (fabric8 does), so an RSA admin key makes the kubeconfig work everywhere.
     * CAs and serving certificates stay ECDSA P-256, as in k3s.
     */
    static KeyPair newClientKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException unavailable) {
            throw new IllegalStateException("this JDK cannot make RSA keys", unavailable);
        }
    }

    private static String signatureAlgorithm(java.security.Key key) {
        return key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    }

    static X500Name subject(String commonName, List<String> organizations) {
        X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
        // Kubernetes reads O as the user's groups and CN as the user name.
        for (String organization : organizations) {
            builder.addRDN(BCStyle.O, organization);
        }
        builder.addRDN(BCStyle.CN, commonName);
        return builder.build();
    }

    static IssuedCertificate selfSignedAuthority(String commonName, Duration validity) {
        KeyPair keys = newKeyPair();
        X500Name name = subject(commonName, List.of());
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(name, name, keys.getPublic(), validity)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()));
            return new IssuedCertificate(keys.getPrivate(), sign(builder, keys.getPrivate()));
        } catch (GeneralSecurityException | CertIOException failure) {
            throw new IllegalStateException("cannot make a CA certificate", failure);
        }
    }

    static IssuedCertificate issue(IssuedCertificate authority, X500Name subject, Purpose purpose,
                                   SubjectAlternativeNames names, Duration validity) {
        return issue(authority, subject, purpose, names, validity,
                purpose == Purpose.CLIENT ? newClientKeyPair() : newKeyPair());
    }

    static IssuedCertificate issue(IssuedCertificate authority, X500Name subject, Purpose purpose,
                                   SubjectAlternativeNames names, Duration validity, KeyPair keys) {
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X500Name issuer = X500Name.getInstance(authority.certificate().getSubjectX500Principal().getEncoded());
            KeyPurposeId usage = switch (purpose) {
                case SERVER -> KeyPurposeId.id_kp_serverAuth;
                case CLIENT -> KeyPurposeId.id_kp_clientAuth;
            };
            X509v3CertificateBuilder builder = builder(issuer, subject, keys.getPublic(), validity)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(keys.getPublic().getAlgorithm().equals("RSA")
                            ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usage))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(authority.certificate()));
            List<GeneralName> alternatives = new ArrayList<>();
            names.dnsNames().stream().sorted()
                    .forEach(name -> alternatives.add(new GeneralName(GeneralName.dNSName, name)));
            names.ipAddresses().forEach(ip -> alternatives.add(
                    new GeneralName(GeneralName.iPAddress, InetLiterals.format(ip))));
            if (!alternatives.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(alternatives.toArray(GeneralName[]::new)));
            }
            return new IssuedCertificate(keys.getPrivate(), sign(builder, authority.key()));
        } catch (GeneralSecurityException | CertIOException failure) {
            throw new IllegalStateException("cannot issue a certificate for " + subject, failure);
        }
    }

    /** Whether {@code certificate} was signed by {@code authority}'s key. */
    static boolean signedBy(X509Certificate certificate, X509Certificate authority) {
        try {
            certificate.verify(authority.getPublicKey());
            return certificate.getIssuerX500Principal().equals(authority.getSubjectX500Principal());
        } catch (GeneralSecurityException notSigned) {
            return false;
        }
    }

    /** Whether {@code key} is the private half of {@code certificate}'s public key. */
    static boolean keyMatches(PrivateKey key, X509Certificate certificate) {
        try {
            byte[] probe = new byte[32];
            RANDOM.nextBytes(probe);
            Signature signer = Signature.getInstance(signatureAlgorithm(key));
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(signatureAlgorithm(certificate.getPublicKey()));
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException mismatch) {
            return false;
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key, Duration validity) {
        Instant now = Instant.now();
        // Positive, non-zero and at most 20 octets, as RFC 5280 asks of serial numbers.
        BigInteger serial = new BigInteger(159, RANDOM).add(BigInteger.ONE);
        return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(now.minus(CLOCK_SKEW)),
                Date.from(now.plus(validity)), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(signatureAlgorithm(signingKey)).build(signingKey)));
        } catch (OperatorCreationException failure) {
            throw new GeneralSecurityException(failure);
        }
    }
}
