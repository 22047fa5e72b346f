package dev.kapal.controllers.nodeipam;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.BitSet;
import java.util.Optional;

/**
 * The subnets of one cluster CIDR, each {@code /subnetPrefix}, and which of them are taken, as
 * upstream's {@code cidrset}: {@link #allocate()} hands out the next free subnet after the last one
 * handed out (wrapping around), so a released subnet is not reused at once; {@link #occupy} marks
 * a subnet some node already holds (also one larger or smaller than the subnet size, by the
 * subnets it overlaps). At most 2^16 subnets, as upstream allows.
 *
 * <p>Thread-safe.
 */
public final class CidrSet {
    private static final int MAX_PREFIX_DIFFERENCE = 16;

    private final BigInteger network;
    private final int addressBits;
    private final int clusterPrefix;
    private final int subnetPrefix;
    private final int count;
    private final BitSet used;
    private int next;
    private int allocated;

    /**
     * @param clusterCidr  like {@code 10.42.0.0/16}
     * @param subnetPrefix the node CIDR mask size (24 for IPv4 by default upstream, 64 for IPv6)
     */
    public CidrSet(String clusterCidr, int subnetPrefix) {
        Parsed parsed = parse(clusterCidr);
        this.addressBits = parsed.bits();
        this.clusterPrefix = parsed.prefix();
        if (subnetPrefix < clusterPrefix || subnetPrefix > addressBits) {
            throw new IllegalArgumentException("node CIDR mask size " + subnetPrefix + " does not fit cluster CIDR " + clusterCidr);
        }
        if (subnetPrefix - clusterPrefix > MAX_PREFIX_DIFFERENCE) {
            throw new IllegalArgumentException("cluster CIDR " + clusterCidr + " and node mask size " + subnetPrefix
                    + " differ by more than " + MAX_PREFIX_DIFFERENCE);
        }
        this.subnetPrefix = subnetPrefix;
        this.network = parsed.address().shiftRight(addressBits - clusterPrefix).shiftLeft(addressBits - clusterPrefix);
        this.count = 1 << (subnetPrefix - clusterPrefix);
        this.used = new BitSet(count);
    }

    /** The next free subnet, or empty when every subnet is taken. */
    public synchronized Optional<String> allocate() {
        if (allocated == count) {
            return Optional.empty();
        }
        for (int step = 0; step < count; step++) {
            int candidate = (next + step) % count;
            if (!used.get(candidate)) {
                used.set(candidate);
                allocated++;
                next = (candidate + 1) % count;
                return Optional.of(format(candidate));
            }
        }
        return Optional.empty();
    }

    /**
     * Marks the subnets {@code cidr} overlaps as taken.
     *
     * @return false when {@code cidr} is of another address family or outside the cluster CIDR
     */
    public synchronized boolean occupy(String cidr) {
        int[] range = range(cidr);
        if (range.length == 0) {
            return false;
        }
        for (int index = range[0]; index <= range[1]; index++) {
            if (!used.get(index)) {
                used.set(index);
                allocated++;
            }
        }
        return true;
    }

    /** Marks the subnets {@code cidr} overlaps as free (ignores CIDRs outside the cluster CIDR). */
    public synchronized void release(String cidr) {
        int[] range = range(cidr);
        if (range.length == 0) {
            return;
        }
        for (int index = range[0]; index <= range[1]; index++) {
            if (used.get(index)) {
                used.clear(index);
                allocated--;
            }
        }
    }

    /** Whether {@code cidr} is of this set's address family and inside the cluster CIDR. */
    public boolean contains(String cidr) {
        return range(cidr).length == 2;
    }

    /** How many subnets are free. */
    public synchronized int free() {
        return count - allocated;
    }

    private int[] range(String cidr) {
        Parsed parsed;
        try {
            parsed = parse(cidr);
        } catch (IllegalArgumentException invalid) {
            return new int[0];
        }
        if (parsed.bits() != addressBits) {
            return new int[0];
        }
        int prefix = Math.max(parsed.prefix(), clusterPrefix);
        BigInteger start = parsed.address().shiftRight(addressBits - parsed.prefix()).shiftLeft(addressBits - parsed.prefix());
        if (!start.shiftRight(addressBits - clusterPrefix).equals(network.shiftRight(addressBits - clusterPrefix))) {
            if (parsed.prefix() >= clusterPrefix) {
                return new int[0];
            }
            // A block larger than the cluster CIDR that contains it takes all of it.
            BigInteger clusterInBlock = network.shiftRight(addressBits - parsed.prefix());
            if (!clusterInBlock.equals(start.shiftRight(addressBits - parsed.prefix()))) {
                return new int[0];
            }
            return new int[] {0, count - 1};
        }
        int first = start.subtract(network).shiftRight(addressBits - subnetPrefix).intValueExact();
        if (prefix >= subnetPrefix) {
            return new int[] {first, first};
        }
        int span = 1 << (subnetPrefix - prefix);
        return new int[] {first, Math.min(count - 1, first + span - 1)};
    }

    private String format(int index) {
        BigInteger address = network.add(BigInteger.valueOf(index).shiftLeft(addressBits - subnetPrefix));
        byte[] raw = address.toByteArray();
        byte[] bytes = new byte[addressBits / 8];
        int copy = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
        try {
            String text = InetAddress.getByAddress(bytes).getHostAddress();
            if (addressBits == 128) {
                text = compressIpv6(text);
            }
            return text + "/" + subnetPrefix;
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Java prints IPv6 uncompressed; Kubernetes objects carry the RFC 5952 form. */
    private static String compressIpv6(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < groups.length; ) {
            if (groups[i].equals("0")) {
                int j = i;
                while (j < groups.length && groups[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLength && j - i > 1) {
                    bestStart = i;
                    bestLength = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }

    private record Parsed(BigInteger address, int bits, int prefix) {
    }

    private static Parsed parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a CIDR: " + cidr);
        }
        String host = cidr.substring(0, slash).strip();
        if (!host.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not a CIDR: " + cidr);
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException invalid) {
            throw new IllegalArgumentException("not a CIDR: " + cidr, invalid);
        }
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1).strip());
        } catch (NumberFormatException invalid) {
            throw new IllegalArgumentException("not a CIDR: " + cidr, invalid);
        }
        int bits = bytes.length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("not a CIDR: " + cidr);
        }
        return new Parsed(new BigInteger(1, bytes), bits, prefix);
    }
}
