package dev.kapal.apiserver.tls;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses IP address literals without ever asking DNS: {@link InetAddress#getByName} falls back to
 * a name lookup for anything it does not recognise as a literal, which would make "is this an IP
 * or a host name?" slow and dependent on the resolver.
 */
public final class InetLiterals {
    private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+");

    private InetLiterals() {
    }

    /** The address {@code text} denotes if it is an IPv4 or IPv6 literal (brackets allowed for IPv6). */
    public static Optional<InetAddress> parse(String text) {
        String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (IPV4.matcher(literal).matches()) {
            byte[] bytes = new byte[4];
            String[] octets = literal.split("\\.");
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(octets[i]);
                if (octet > 255) {
                    return Optional.empty();
                }
                bytes[i] = (byte) octet;
            }
            return Optional.of(byAddress(bytes));
        }
        if (literal.indexOf(':') >= 0 && IPV6_CHARACTERS.matcher(literal).matches()) {
            // A string with a colon is only ever parsed as an IPv6 literal, never looked up.
            try {
                return Optional.of(InetAddress.getByName(literal));
            } catch (UnknownHostException invalid) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The address for raw bytes (4 or 16 of them). */
    public static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException wrongLength) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length, wrongLength);
        }
    }

    /** The canonical text of an address: dotted quad, or compressed IPv6 without brackets. */
    public static String format(InetAddress address) {
        if (address instanceof Inet6Address) {
            return compressIpv6(address.getAddress());
        }
        return address.getHostAddress();
    }

    /** The address as it goes into a URL authority: IPv6 in brackets. */
    public static String formatForUrl(InetAddress address) {
        return address instanceof Inet6Address ? "[" + format(address) + "]" : format(address);
    }

    private static String compressIpv6(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        // RFC 5952: the longest run (first on ties) of two or more zero groups becomes "::".
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
