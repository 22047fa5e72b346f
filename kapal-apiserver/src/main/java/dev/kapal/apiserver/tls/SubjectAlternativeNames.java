package dev.kapal.apiserver.tls;

import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The names a serving certificate is valid for. Compared as sets, so the order in which names were
 * gathered does not make a restart think the certificate changed.
 *
 * @param dnsNames    host names, lower case
 * @param ipAddresses IP addresses
 */
public record SubjectAlternativeNames(Set<String> dnsNames, Set<InetAddress> ipAddresses) {
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    public SubjectAlternativeNames {
        dnsNames = Collections.unmodifiableSet(new LinkedHashSet<>(dnsNames));
        ipAddresses = Collections.unmodifiableSet(new LinkedHashSet<>(ipAddresses));
    }

    /** Classifies each entry as an IP literal or a DNS name (no DNS lookups happen). */
    public static SubjectAlternativeNames parse(Collection<String> entries) {
        Set<String> dnsNames = new LinkedHashSet<>();
        Set<InetAddress> ipAddresses = new LinkedHashSet<>();
        for (String entry : entries) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            InetLiterals.parse(trimmed).ifPresentOrElse(ipAddresses::add,
                    () -> dnsNames.add(trimmed.toLowerCase(Locale.ROOT)));
        }
        return new SubjectAlternativeNames(dnsNames, ipAddresses);
    }

    /**
     * The names every API server answers to: loopback, {@code localhost}, the in-cluster names of
     * the {@code kubernetes} Service and its ClusterIP (the first IP of the service CIDR).
     */
    public static SubjectAlternativeNames kubernetesApiServer(String clusterDomain, InetAddress serviceIp) {
        Objects.requireNonNull(clusterDomain, "clusterDomain");
        Objects.requireNonNull(serviceIp, "serviceIp");
        return new SubjectAlternativeNames(
                List.of("localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                        "kubernetes.default.svc." + clusterDomain.toLowerCase(Locale.ROOT)),
                List.of(InetLiterals.byAddress(new byte[] {127, 0, 0, 1}),
                        InetLiterals.byAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}),
                        serviceIp));
    }

    private SubjectAlternativeNames(Collection<String> dnsNames, Collection<InetAddress> ipAddresses) {
        this(new LinkedHashSet<>(dnsNames), new LinkedHashSet<>(ipAddresses));
    }

    /** The names a certificate carries in its subjectAltName extension. */
    public static SubjectAlternativeNames of(X509Certificate certificate) {
        Set<String> dnsNames = new LinkedHashSet<>();
        Set<InetAddress> ipAddresses = new LinkedHashSet<>();
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    int type = (Integer) name.get(0);
                    String value = (String) name.get(1);
                    if (type == DNS_NAME) {
                        dnsNames.add(value.toLowerCase(Locale.ROOT));
                    } else if (type == IP_ADDRESS) {
                        InetLiterals.parse(value).ifPresent(ipAddresses::add);
                    }
                }
            }
        } catch (CertificateParsingException unreadable) {
            // An unreadable extension means the certificate matches nothing we want: regenerate.
        }
        return new SubjectAlternativeNames(dnsNames, ipAddresses);
    }

    /** These names and those of {@code other}. */
    public SubjectAlternativeNames with(SubjectAlternativeNames other) {
        Set<String> dns = new LinkedHashSet<>(dnsNames);
        dns.addAll(other.dnsNames);
        Set<InetAddress> ips = new LinkedHashSet<>(ipAddresses);
        ips.addAll(other.ipAddresses);
        return new SubjectAlternativeNames(dns, ips);
    }

    /** These names plus one more IP address. */
    public SubjectAlternativeNames withIp(InetAddress address) {
        return with(new SubjectAlternativeNames(Set.of(), Set.of(address)));
    }

    /** These names plus one more DNS name. */
    public SubjectAlternativeNames withDnsName(String name) {
        return with(new SubjectAlternativeNames(Set.of(name.toLowerCase(Locale.ROOT)), Set.of()));
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        dnsNames.forEach(name -> text.append(text.isEmpty() ? "" : ",").append(name));
        ipAddresses.forEach(ip -> text.append(text.isEmpty() ? "" : ",").append(InetLiterals.format(ip)));
        return text.toString();
    }
}
