package dev.kapal.scheduler.framework;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;

/**
 * A host port a pod occupies on its node. An empty or {@code 0.0.0.0} IP means every address,
 * which conflicts with any IP on the same protocol and port.
 */
public record HostPort(String ip, String protocol, int port) {
    public static List<HostPort> of(Pod pod) {
        List<HostPort> ports = new ArrayList<>();
        var spec = pod.getSpec();
        List<Container> containers = new ArrayList<>(spec.getContainers() == null ? List.of() : spec.getContainers());
        if (spec.getInitContainers() != null) {
            spec.getInitContainers().stream().filter(c -> "Always".equals(c.getRestartPolicy())).forEach(containers::add);
        }
        for (Container container : containers) {
            if (container.getPorts() == null) {
                continue;
            }
            for (ContainerPort port : container.getPorts()) {
                if (port.getHostPort() != null && port.getHostPort() > 0) {
                    String ip = port.getHostIP() == null || port.getHostIP().isEmpty() ? "0.0.0.0" : port.getHostIP();
                    String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
                    ports.add(new HostPort(ip, protocol, port.getHostPort()));
                }
            }
        }
        return ports;
    }

    public boolean conflictsWith(HostPort other) {
        return port == other.port && protocol.equals(other.protocol)
                && (ip.equals(other.ip) || ip.equals("0.0.0.0") || other.ip.equals("0.0.0.0"));
    }
}
