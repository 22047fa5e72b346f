package dev.kapal.server;

import dev.kapal.apiserver.tls.InetLiterals;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.Objects;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.43.0.0/16}).
 *
 * @param network      the network address (host bits zero)
 * @param prefixLength the number of network bits
 */
public record Cidr(InetAddress network, int prefixLength) {
    public Cidr {
        Objects.requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not within 0.." + bits);
        }
        if (!toInteger(network).equals(toInteger(network).and(mask(bits, prefixLength)))) {
            throw new IllegalArgumentException(InetLiterals.format(network) + "/" + prefixLength
                    + " has host bits set");
        }
    }

    /**
     * Parses CIDR notation. Host bits must be zero: {@code 10.43.0.5/16} is more likely a typo
     * than a request for {@code 10.43.0.0/16}, so it is refused rather than silently masked.
     *
     * @throws IllegalArgumentException with a message fit for the user
     */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not in CIDR notation (like 10.43.0.0/16)");
        }
        InetAddress address = InetLiterals.parse(text.substring(0, slash)).orElseThrow(() ->
                new IllegalArgumentException("'" + text + "' does not start with an IP address"));
        String prefix = text.substring(slash + 1);
        if (!prefix.matches("[0-9]{1,3}")) {
            throw new IllegalArgumentException("'" + text + "' has no valid prefix length after '/'");
        }
        int bits = address.getAddress().length * 8;
        int prefixLength = Integer.parseInt(prefix);
        if (prefixLength > bits) {
            throw new IllegalArgumentException("'" + text + "': prefix length must be at most " + bits);
        }
        BigInteger value = toInteger(address);
        BigInteger masked = value.and(mask(bits, prefixLength));
        if (!masked.equals(value)) {
            throw new IllegalArgumentException("'" + text + "' has host bits set; did you mean "
                    + InetLiterals.format(fromInteger(masked, bits)) + "/" + prefixLength + "?");
        }
        return new Cidr(address, prefixLength);
    }

    /** Whether {@code address} lies in this network. */
    public boolean contains(InetAddress address) {
        int bits = bits();
        return address.getAddress().length * 8 == bits
                && toInteger(address).and(mask(bits, prefixLength)).equals(toInteger(network));
    }

    /** Whether the two networks share any address. */
    public boolean overlaps(Cidr other) {
        return other.bits() == bits() && (contains(other.network) || other.contains(network));
    }

    /**
     * The address {@code index} places after the network address: {@code address(1)} of
     * 10.43.0.0/16 is 10.43.0.1, the {@code kubernetes} Service's ClusterIP.
     *
     * @throws IllegalArgumentException if the network is too small
     */
    public InetAddress address(long index) {
        BigInteger size = BigInteger.ONE.shiftLeft(bits() - prefixLength);
        if (index < 0 || BigInteger.valueOf(index).compareTo(size) >= 0) {
            throw new IllegalArgumentException(this + " is too small to have an address number " + index);
        }
        return fromInteger(toInteger(network).add(BigInteger.valueOf(index)), bits());
    }

    private int bits() {
        return network.getAddress().length * 8;
    }

    private static BigInteger mask(int bits, int prefixLength) {
        BigInteger all = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        BigInteger host = BigInteger.ONE.shiftLeft(bits - prefixLength).subtract(BigInteger.ONE);
        return all.xor(host);
    }

    private static BigInteger toInteger(InetAddress address) {
        return new BigInteger(1, address.getAddress());
    }

    private static InetAddress fromInteger(BigInteger value, int bits) {
        byte[] raw = value.toByteArray();
        byte[] bytes = new byte[bits / 8];
        int copy = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
        return InetLiterals.byAddress(bytes);
    }

    @Override
    public String toString() {
        return InetLiterals.format(network) + "/" + prefixLength;
    }
}
