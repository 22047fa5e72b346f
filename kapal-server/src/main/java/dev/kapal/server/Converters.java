package dev.kapal.server;

import dev.kapal.api.validation.Names;
import dev.kapal.apiserver.tls.InetLiterals;
import java.net.InetAddress;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Flag value parsers; each rejects bad input with a message that names what was expected. */
final class Converters {
    private Converters() {
    }

    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if (!value.matches("[0-9]{1,5}") || Integer.parseInt(value) > 65535) {
                throw new TypeConversionException("'" + value + "' is not a port number (0-65535)");
            }
            return Integer.parseInt(value);
        }
    }

    static final class Ip implements ITypeConverter<InetAddress> {
        @Override
        public InetAddress convert(String value) {
            return InetLiterals.parse(value.trim()).orElseThrow(() ->
                    new TypeConversionException("'" + value + "' is not an IP address"));
        }
    }

    static final class CidrValue implements ITypeConverter<Cidr> {
        @Override
        public Cidr convert(String value) {
            try {
                return Cidr.parse(value.trim());
            } catch (IllegalArgumentException invalid) {
                throw new TypeConversionException(invalid.getMessage());
            }
        }
    }

    /** An IP literal or a DNS name, optionally with a leading {@code *.} wildcard label. */
    static final class SubjectAlternativeName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String name = value.trim();
            if (InetLiterals.parse(name).isPresent()) {
                return name;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            List<String> problems = Names.dns1123Subdomain(lower.startsWith("*.") ? lower.substring(2) : lower);
            if (!problems.isEmpty()) {
                throw new TypeConversionException("'" + value + "' is neither an IP address nor a DNS name");
            }
            return lower;
        }
    }

    /** An octal file mode such as {@code 644} or {@code 0600}; only permission bits are allowed. */
    static final class FileMode implements ITypeConverter<FilePermissions> {
        private static final PosixFilePermission[] BY_BIT = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };

        @Override
        public FilePermissions convert(String value) {
            String digits = value.trim().replaceFirst("^0[oO]?(?=[0-7]{3}$)", "");
            if (!digits.matches("[0-7]{3}")) {
                throw new TypeConversionException("'" + value + "' is not an octal file mode like 600 or 644");
            }
            int mode = Integer.parseInt(digits, 8);
            Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
            for (int bit = 0; bit < BY_BIT.length; bit++) {
                if ((mode & (1 << bit)) != 0) {
                    permissions.add(BY_BIT[bit]);
                }
            }
            if (!permissions.contains(PosixFilePermission.OWNER_READ)) {
                throw new TypeConversionException("'" + value + "' would make the kubeconfig unreadable to its owner");
            }
            return new FilePermissions(permissions);
        }
    }

    /**
     * A file mode as one value (picocli would take a bare {@code Set} for a repeatable option).
     *
     * @param permissions the permission bits
     */
    record FilePermissions(Set<PosixFilePermission> permissions) {
        FilePermissions {
            permissions = Set.copyOf(permissions);
        }
    }

    /** A count: a non-negative decimal integer. */
    static final class Count implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            String digits = value.trim();
            if (!digits.matches("[0-9]{1,7}")) {
                throw new TypeConversionException("'" + value + "' is not a count (0-9999999)");
            }
            return Integer.parseInt(digits);
        }
    }

    /** {@code cpu=32,memory=256Gi,pods=110}: a simulated node's capacity; missing keys keep their default. */
    static final class SimNodeCapacity implements ITypeConverter<dev.kapal.kubelet.SimulatedNodes.Capacity> {
        @Override
        public dev.kapal.kubelet.SimulatedNodes.Capacity convert(String value) {
            try {
                return dev.kapal.kubelet.SimulatedNodes.Capacity.parse(value);
            } catch (IllegalArgumentException invalid) {
                throw new TypeConversionException("'" + value + "': " + invalid.getMessage());
            }
        }
    }

    /** The schemes {@code --datastore-endpoint} knows; anything else fails before start-up. */
    static final class DatastoreEndpoint implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String endpoint = value.trim();
            if (endpoint.isEmpty() || endpoint.equals("memory://")
                    || (endpoint.startsWith("sqlite://") && endpoint.length() > "sqlite://".length())
                    || (endpoint.startsWith("etcd://") && endpoint.length() > "etcd://".length())) {
                return endpoint;
            }
            throw new TypeConversionException("'" + value
                    + "' is not a datastore endpoint (use sqlite://PATH, etcd://HOST:PORT[,HOST:PORT...] or memory://)");
        }
    }

    /**
     * A Go duration as kube-controller-manager's flags take them: {@code 50s}, {@code 1m30s},
     * {@code 500ms}, {@code 1h} (units ns, us, µs, ms, s, m, h; fractions allowed), positive.
     */
    static final class GoDuration implements ITypeConverter<java.time.Duration> {
        private static final java.util.regex.Pattern PART = java.util.regex.Pattern.compile("([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|ms|s|m|h)");

        @Override
        public java.time.Duration convert(String value) {
            String text = value.trim();
            java.util.regex.Matcher part = PART.matcher(text);
            java.math.BigDecimal nanos = java.math.BigDecimal.ZERO;
            int at = 0;
            while (at < text.length() && part.find(at) && part.start() == at) {
                java.math.BigDecimal unit = switch (part.group(2)) {
                    case "ns" -> java.math.BigDecimal.ONE;
                    case "us", "µs" -> java.math.BigDecimal.valueOf(1_000L);
                    case "ms" -> java.math.BigDecimal.valueOf(1_000_000L);
                    case "s" -> java.math.BigDecimal.valueOf(1_000_000_000L);
                    case "m" -> java.math.BigDecimal.valueOf(60_000_000_000L);
                    default -> java.math.BigDecimal.valueOf(3_600_000_000_000L);
                };
                nanos = nanos.add(new java.math.BigDecimal(part.group(1)).multiply(unit));
                at = part.end();
            }
            if (text.isEmpty() || at != text.length() || nanos.signum() == 0) {
                throw new TypeConversionException("'" + value + "' is not a positive duration (e.g. 50s, 1m30s, 500ms)");
            }
            return java.time.Duration.ofNanos(nanos.longValue());
        }
    }
}
