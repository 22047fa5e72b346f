package dev.kapal.kubelet.runtime.sim;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.BitSet;
import java.util.Optional;

/**
 * Hands out IPv4 addresses from one pod CIDR, as a CNI host-local range on a node would: the
 * network address and the first host address (the bridge's, {@code cni0}) are never given, nor
 * the broadcast address. Not thread-safe; {@link SimRuntime} guards it.
 */
final class PodCidrAllocator {
    private final String cidr;
    private final int base;
    private final int size;
    private final BitSet used = new BitSet();
    private int next;

    PodCidrAllocator(String cidr) {
        this.cidr = cidr;
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a CIDR: " + cidr);
        }
        int prefix = Integer.parseInt(cidr.substring(slash + 1));
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
        } catch (UnknownHostException | RuntimeException malformed) {
            throw new IllegalArgumentException("not a CIDR: " + cidr);
        }
        if (bytes.length != 4 || prefix < 8 || prefix > 30) {
            throw new IllegalArgumentException("only IPv4 ranges from /8 to /30 are supported: " + cidr);
        }
        int address = ((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        this.base = address & mask;
        this.size = 1 << (32 - prefix);
        used.set(0, 2);          // network address and gateway
        used.set(size - 1);      // broadcast
        next = 2;
    }

    String cidr() {
        return cidr;
    }

    /** The next free address, round-robin like host-local, or empty when the range is full. */
    Optional<String> allocate() {
        int free = used.nextClearBit(next);
        if (free >= size) {
            free = used.nextClearBit(2);
            if (free >= size) {
                return Optional.empty();
            }
        }
        used.set(free);
        next = free + 1;
        return Optional.of(format(base + free));
    }

    /** Returns {@code ip} to the range; unknown or foreign addresses are ignored. */
    void release(String ip) {
        try {
            byte[] bytes = InetAddress.getByName(ip).getAddress();
            int address = ((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
            int offset = address - base;
            if (offset >= 2 && offset < size - 1) {
                used.clear(offset);
            }
        } catch (UnknownHostException ignored) {
            // Not one of ours.
        }
    }

    int allocated() {
        return used.cardinality() - 3;
    }

    private static String format(int address) {
        return ((address >>> 24) & 0xff) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
    }
}
