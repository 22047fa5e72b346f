package dev.kapal.kubelet.runtime;

import java.util.Objects;

/** CRI {@code PortMapping}: a container port published on the host (a pod's {@code hostPort}). */
public record PortMapping(Protocol protocol, int containerPort, int hostPort, String hostIp) {
    /** CRI {@code Protocol}. */
    public enum Protocol { TCP, UDP, SCTP }

    public PortMapping {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(hostIp, "hostIp");
    }
}
