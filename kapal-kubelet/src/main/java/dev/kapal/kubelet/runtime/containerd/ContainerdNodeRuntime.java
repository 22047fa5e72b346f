package dev.kapal.kubelet.runtime.containerd;

import dev.kapal.kubelet.runtime.NodeRuntime;
import dev.kapal.kubelet.runtime.cri.CriRuntime;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The node agent's container runtime, chosen the k3s way: with no endpoint given, containerd
 * managed by Kapal under {@code <data-dir>/agent} (host packages installed first when missing and
 * running as root); with {@code --container-runtime-endpoint}, the CRI socket already running
 * there, used as it is (no configuration, no image import).
 *
 * <p>Pod logs go to {@code <data-dir>/agent/pod-logs/<namespace>_<name>_<uid>/<container>/<attempt>.log}
 * (inside the data directory, so several nodes on one machine never share them).
 * {@link #close()} closes the runtime's connection, then stops a managed containerd; containers
 * keep running either way.
 */
public final class ContainerdNodeRuntime implements AutoCloseable {
    private final CriRuntime runtime;
    private final Optional<ManagedContainerd> managed;

    private ContainerdNodeRuntime(CriRuntime runtime, Optional<ManagedContainerd> managed) {
        this.runtime = runtime;
        this.managed = managed;
    }

    /**
     * Opens the runtime for the node whose data directory is {@code dataDirectory}.
     *
     * @param runtimeEndpoint {@code unix:///path/to.sock} or a plain socket path; empty for a managed containerd
     * @param say             where to tell the user about package installation
     */
    public static ContainerdNodeRuntime open(Path dataDirectory, Optional<String> runtimeEndpoint, Consumer<String> say) {
        Objects.requireNonNull(say, "say");
        Path agent = dataDirectory.toAbsolutePath().resolve("agent");
        Path podLogs = agent.resolve("pod-logs");
        if (runtimeEndpoint.isPresent()) {
            return new ContainerdNodeRuntime(CriRuntime.connect(socketOf(runtimeEndpoint.get()), podLogs), Optional.empty());
        }
        RuntimePackages packages = RuntimePackages.host();
        packages.ensureInstalled(RuntimePackages.runningAsRoot(), say);
        ManagedContainerd containerd = ManagedContainerd.start(ManagedContainerd.Options.forAgentDirectory(agent, packages));
        return new ContainerdNodeRuntime(CriRuntime.connect(containerd.socket(), podLogs), Optional.of(containerd));
    }

    /** The socket path of a CRI endpoint as the kubelet's flag takes it. */
    static Path socketOf(String endpoint) {
        if (endpoint.startsWith("unix://")) {
            return Path.of(endpoint.substring("unix://".length()));
        }
        if (endpoint.contains("://")) {
            throw new IllegalArgumentException("only unix:// container runtime endpoints are supported: " + endpoint);
        }
        return Path.of(endpoint);
    }

    /** The seam the kubelet core drives. */
    public NodeRuntime runtime() {
        return runtime;
    }

    /** The containerd Kapal runs, unless an existing endpoint is used. */
    public Optional<ManagedContainerd> managed() {
        return managed;
    }

    @Override
    public void close() {
        try {
            runtime.close();
        } finally {
            managed.ifPresent(ManagedContainerd::close);
        }
    }
}
