package dev.kapal.server;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What the machine says about itself: its host name and its addresses.
 *
 * @param hostName     the host name, lower case
 * @param addresses    every address of an interface that is up, except loopback and link-local
 * @param primaryIpv4  the IPv4 address of the interface the default route goes through, if any
 */
public record LocalHost(String hostName, List<InetAddress> addresses, Optional<InetAddress> primaryIpv4) {
    public LocalHost {
        Objects.requireNonNull(hostName, "hostName");
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(primaryIpv4, "primaryIpv4");
    }

    /** Asks the kernel; never does a DNS lookup (a misconfigured resolver must not slow start-up). */
    public static LocalHost detect() {
        List<InetAddress> addresses = new ArrayList<>();
        Optional<String> defaultRouteInterface = defaultRouteInterface();
        InetAddress routed = null;
        InetAddress firstIpv4 = null;
        try {
            for (NetworkInterface networkInterface : NetworkInterface.networkInterfaces().toList()) {
                if (!networkInterface.isUp() || networkInterface.isLoopback()) {
                    continue;
                }
                for (InetAddress address : networkInterface.inetAddresses().toList()) {
                    if (address.isLoopbackAddress() || address.isLinkLocalAddress()) {
                        continue;
                    }
                    addresses.add(address);
                    if (address instanceof Inet4Address) {
                        if (firstIpv4 == null) {
                            firstIpv4 = address;
                        }
                        if (routed == null && defaultRouteInterface.filter(networkInterface.getName()::equals).isPresent()) {
                            routed = address;
                        }
                    }
                }
            }
        } catch (SocketException unavailable) {
            // No interfaces to list: the cluster still works on loopback.
        }
        return new LocalHost(detectHostName(), addresses, Optional.ofNullable(routed != null ? routed : firstIpv4));
    }

    private static String detectHostName() {
        for (String candidate : new String[] {read(Path.of("/proc/sys/kernel/hostname")), System.getenv("HOSTNAME")}) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate.strip().toLowerCase(Locale.ROOT);
            }
        }
        return "localhost";
    }

    /** The interface of the IPv4 default route, from {@code /proc/net/route} (Linux). */
    private static Optional<String> defaultRouteInterface() {
        String table = read(Path.of("/proc/net/route"));
        if (table == null) {
            return Optional.empty();
        }
        return table.lines().skip(1)
                .map(line -> line.trim().split("\\s+"))
                .filter(fields -> fields.length > 2 && fields[1].equals("00000000"))
                .map(fields -> fields[0])
                .findFirst();
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException | SecurityException unavailable) {
            return null;
        }
    }
}
