package dev.kapal.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.GroupVersionKind;
import dev.kapal.api.ResourceInfo;
import dev.kapal.api.StatusCause;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Allocates Service cluster IPs from the service CIDR and node ports from 30000–32767, as
 * upstream's service REST does, and checks requested ones are in range and free.
 *
 * <p>What is taken is read from the current services (the cache) each time; allocations still
 * in flight are remembered briefly so two concurrent creates do not receive the same address.
 */
public final class ServiceAllocation implements Admission {
    public static final int NODE_PORT_MIN = 30000;
    public static final int NODE_PORT_MAX = 32767;
    private static final GroupVersionKind SERVICE = new GroupVersionKind("", "v1", "Service");
    private static final long IN_FLIGHT_MILLIS = 10_000;

    /** What the existing services hold. */
    public record Taken(Set<String> clusterIps, Set<Integer> nodePorts) {
    }

    private final BigInteger network;
    private final int prefixLength;
    private final int addressBits;
    private final Supplier<Taken> taken;
    private final java.util.Map<String, Long> recentIps = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<Integer, Long> recentPorts = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param serviceCidr the service CIDR, e.g. {@code 10.43.0.0/16}
     * @param taken       what existing services hold, read at each allocation
     */
    public ServiceAllocation(String serviceCidr, Supplier<Taken> taken) {
        String[] parts = serviceCidr.split("/");
        try {
            byte[] address = InetAddress.getByName(parts[0]).getAddress();
            this.addressBits = address.length * 8;
            this.network = new BigInteger(1, address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad service CIDR " + serviceCidr, e);
        }
        this.prefixLength = Integer.parseInt(parts[1]);
        this.taken = taken;
    }

    @Override
    public void admit(ResourceInfo resource, Operation operation, ObjectNode service, Optional<ObjectNode> old) {
        if (!resource.groupVersion().group().isEmpty() || !resource.plural().equals("services")) {
            return;
        }
        ObjectNode spec = service.path("spec") instanceof ObjectNode s ? s : service.putObject("spec");
        String type = spec.path("type").asText("ClusterIP");
        String name = service.path("metadata").path("name").asText("");
        synchronized (this) {
            Taken current = taken.get();
            expire();
            if (!type.equals("ExternalName")) {
                allocateClusterIp(spec, old, current, name);
            }
            if (type.equals("NodePort") || type.equals("LoadBalancer")) {
                allocateNodePorts(spec, old, current, name);
            }
        }
    }

    private void allocateClusterIp(ObjectNode spec, Optional<ObjectNode> old, Taken current, String name) {
        String requested = spec.path("clusterIP").asText("");
        String previous = old.map(o -> o.path("spec").path("clusterIP").asText("")).orElse("");
        if (!previous.isEmpty()) {
            // Updates keep what was allocated; changing it is refused by validation.
            if (requested.isEmpty()) {
                spec.put("clusterIP", previous);
                setIps(spec, previous);
            }
            return;
        }
        if (requested.equals("None")) {
            setIps(spec, "None");
            return;
        }
        if (!requested.isEmpty()) {
            if (!inRange(requested)) {
                throw invalid(name, requested, "provided IP is not in the valid range. The range of valid IPs is "
                        + rangeText());
            }
            if (current.clusterIps().contains(requested) || recentIps.containsKey(requested)) {
                throw invalid(name, requested, "provided IP is already allocated");
            }
            recentIps.put(requested, System.currentTimeMillis());
            setIps(spec, requested);
            return;
        }
        String chosen = pickFreeIp(current);
        recentIps.put(chosen, System.currentTimeMillis());
        spec.put("clusterIP", chosen);
        setIps(spec, chosen);
    }

    private static void setIps(ObjectNode spec, String ip) {
        ArrayNode ips = spec.putArray("clusterIPs");
        ips.add(ip);
    }

    private String pickFreeIp(Taken current) {
        BigInteger size = BigInteger.ONE.shiftLeft(addressBits - prefixLength);
        long usable = size.min(BigInteger.valueOf(1L << 30)).longValue() - 2;
        if (usable <= 1) {
            throw ApiException.internal("the service CIDR has no room for cluster IPs");
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 256; attempt++) {
            // Skip the network address and the first IP (the kubernetes Service).
            long offset = 2 + random.nextLong(usable - 1);
            String candidate = address(network.add(BigInteger.valueOf(offset)));
            if (!current.clusterIps().contains(candidate) && !recentIps.containsKey(candidate)) {
                return candidate;
            }
        }
        for (long offset = 2; offset < usable + 1; offset++) {
            String candidate = address(network.add(BigInteger.valueOf(offset)));
            if (!current.clusterIps().contains(candidate) && !recentIps.containsKey(candidate)) {
                return candidate;
            }
        }
        throw new ApiException(dev.kapal.api.StatusReason.INTERNAL_ERROR, 500,
                "failed to allocate a serviceIP: range is full", Optional.empty(), Optional.empty());
    }

    private void allocateNodePorts(ObjectNode spec, Optional<ObjectNode> old, Taken current, String name) {
        Set<Integer> previous = new HashSet<>();
        old.ifPresent(o -> o.path("spec").path("ports").forEach(port -> {
            if (port.path("nodePort").asInt(0) > 0) {
                previous.add(port.path("nodePort").asInt());
            }
        }));
        JsonNode ports = spec.path("ports");
        for (int i = 0; i < ports.size(); i++) {
            ObjectNode port = (ObjectNode) ports.get(i);
            int requested = port.path("nodePort").asInt(0);
            if (requested > 0) {
                if (previous.contains(requested)) {
                    continue;
                }
                if (requested < NODE_PORT_MIN || requested > NODE_PORT_MAX) {
                    throw ApiException.invalid(SERVICE, name, List.of(StatusCause.invalid("spec.ports[" + i + "].nodePort",
                            requested, "provided port is not in the valid range. The range of valid ports is "
                                    + NODE_PORT_MIN + "-" + NODE_PORT_MAX)));
                }
                if (current.nodePorts().contains(requested) || recentPorts.containsKey(requested)) {
                    throw ApiException.invalid(SERVICE, name, List.of(StatusCause.invalid("spec.ports[" + i + "].nodePort",
                            requested, "provided port is already allocated")));
                }
                recentPorts.put(requested, System.currentTimeMillis());
                continue;
            }
            int chosen = pickFreePort(current);
            recentPorts.put(chosen, System.currentTimeMillis());
            port.put("nodePort", chosen);
        }
    }

    private int pickFreePort(Taken current) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int span = NODE_PORT_MAX - NODE_PORT_MIN + 1;
        for (int attempt = 0; attempt < span * 2; attempt++) {
            int candidate = NODE_PORT_MIN + random.nextInt(span);
            if (!current.nodePorts().contains(candidate) && !recentPorts.containsKey(candidate)) {
                return candidate;
            }
        }
        throw new ApiException(dev.kapal.api.StatusReason.INTERNAL_ERROR, 500,
                "failed to allocate a nodePort: range is full", Optional.empty(), Optional.empty());
    }

    private void expire() {
        long horizon = System.currentTimeMillis() - IN_FLIGHT_MILLIS;
        recentIps.values().removeIf(at -> at < horizon);
        recentPorts.values().removeIf(at -> at < horizon);
    }

    private boolean inRange(String ip) {
        try {
            byte[] bytes = InetAddress.getByName(ip).getAddress();
            if (bytes.length * 8 != addressBits) {
                return false;
            }
            BigInteger value = new BigInteger(1, bytes);
            return value.shiftRight(addressBits - prefixLength).equals(network.shiftRight(addressBits - prefixLength));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private String rangeText() {
        return address(network) + "/" + prefixLength;
    }

    private String address(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] bytes = new byte[addressBits / 8];
        int copy = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ApiException invalid(String name, String ip, String detail) {
        return ApiException.invalid(SERVICE, name, List.of(StatusCause.invalid("spec.clusterIPs", List.of(ip).toString(), detail)));
    }
}
