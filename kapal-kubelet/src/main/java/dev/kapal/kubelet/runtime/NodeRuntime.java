package dev.kapal.kubelet.runtime;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A node's container runtime, in the shape of the CRI {@code runtime.v1} ImageService and
 * RuntimeService. The kubelet core drives pods only through this seam; implementations are the
 * in-memory simulation ({@code runtime.sim.SimRuntime}) and, later, containerd over gRPC.
 *
 * <p>Contract (as the CRI's):
 * <ul>
 *   <li>Identifiers are opaque strings chosen by the runtime, unique for its lifetime.</li>
 *   <li>{@link #createContainer} does not pull: the image must have been pulled first, else
 *       {@link RuntimeFailure.Code#NOT_FOUND}. A container is created in a READY sandbox only.</li>
 *   <li>A container moves CREATED → RUNNING → EXITED, never back; restarting means a new
 *       container with a higher {@link ContainerMetadata#attempt()}.</li>
 *   <li>Stop and remove calls are idempotent: stopping an exited container, or removing what is
 *       already gone, succeeds. Stopping a sandbox stops its containers; removing a sandbox removes
 *       them; status calls on unknown ids answer empty.</li>
 *   <li>{@link #runPodSandbox} sets up the network: it fails ({@code FAILED_PRECONDITION}) while the
 *       runtime has no pod CIDR to take addresses from (see {@link #updateRuntimeConfig}), as a
 *       CNI host-local range would.</li>
 *   <li>Calls may block (a real runtime does I/O); callers run them off event threads. Every
 *       method is safe to call from many threads.</li>
 *   <li>{@link #containerEvents} delivers state changes the runtime makes on its own (a container
 *       exiting), so the kubelet need not poll; listeners must return quickly.</li>
 * </ul>
 * Streaming ({@code Exec}, {@code Attach}, {@code PortForward}) and log locations serve the
 * kubelet's HTTPS API ({@code kubelet.server}); they have default implementations that refuse
 * (FAILED_PRECONDITION), so a runtime without containers need not implement them.
 * {@link #execSync} (probes) has no default.
 */
public interface NodeRuntime extends AutoCloseable {

    /** CRI {@code ListPodSandbox} filter; empty parts match everything. */
    record PodSandboxFilter(Optional<String> id, Optional<PodSandboxState> state, Map<String, String> labelSelector) {
        public static final PodSandboxFilter ALL = new PodSandboxFilter(Optional.empty(), Optional.empty(), Map.of());

        public PodSandboxFilter {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(state, "state");
            labelSelector = Map.copyOf(labelSelector);
        }
    }

    /** CRI {@code ListContainers} filter; empty parts match everything. */
    record ContainerFilter(Optional<String> id, Optional<ContainerState> state, Optional<String> podSandboxId,
                           Map<String, String> labelSelector) {
        public static final ContainerFilter ALL = new ContainerFilter(Optional.empty(), Optional.empty(), Optional.empty(), Map.of());

        public ContainerFilter {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(podSandboxId, "podSandboxId");
            labelSelector = Map.copyOf(labelSelector);
        }

        public static ContainerFilter inSandbox(String podSandboxId) {
            return new ContainerFilter(Optional.empty(), Optional.empty(), Optional.of(podSandboxId), Map.of());
        }
    }

    // ---------------------------------------------------------------- RuntimeService: runtime

    /** CRI {@code Version}. */
    RuntimeVersion version();

    /** CRI {@code Status}: whether the runtime and its network are ready. */
    RuntimeStatus status();

    /** CRI {@code UpdateRuntimeConfig}: the node's pod CIDR, from {@code spec.podCIDR}. */
    void updateRuntimeConfig(String podCidr);

    // ---------------------------------------------------------------- ImageService

    /** CRI {@code PullImage}: returns the image reference (digest form) now stored. */
    String pullImage(ImageSpec image);

    /**
     * CRI {@code PullImage} with credentials (the pod's {@code imagePullSecrets}); without them the
     * runtime uses its own configuration (registries.yaml). Runtimes that check no credentials
     * (simulated ones) ignore them.
     */
    default String pullImage(ImageSpec image, Optional<RegistryAuth> auth) {
        return pullImage(image);
    }

    /** CRI {@code ImageStatus}: the image if stored. */
    Optional<Image> imageStatus(ImageSpec image);

    /** CRI {@code ListImages}. */
    List<Image> listImages();

    /** CRI {@code RemoveImage}; idempotent. */
    void removeImage(ImageSpec image);

    // ---------------------------------------------------------------- RuntimeService: sandboxes

    /** CRI {@code RunPodSandbox}: creates and starts a sandbox, networked; returns its id. */
    String runPodSandbox(PodSandboxConfig config);

    /** CRI {@code StopPodSandbox}: stops its containers and releases its network; idempotent. */
    void stopPodSandbox(String podSandboxId);

    /** CRI {@code RemovePodSandbox}: removes it and its containers; idempotent. */
    void removePodSandbox(String podSandboxId);

    /** CRI {@code PodSandboxStatus}. */
    Optional<PodSandboxStatus> podSandboxStatus(String podSandboxId);

    /** CRI {@code ListPodSandbox}. */
    List<PodSandboxStatus> listPodSandbox(PodSandboxFilter filter);

    // ---------------------------------------------------------------- RuntimeService: containers

    /** CRI {@code CreateContainer} in a ready sandbox; returns the container's id. */
    String createContainer(String podSandboxId, ContainerConfig config, PodSandboxConfig sandboxConfig);

    /** CRI {@code StartContainer}: the container must be CREATED. */
    void startContainer(String containerId);

    /**
     * CRI {@code StopContainer}: asks the container to stop and kills it after {@code timeout};
     * returns when it has exited. Idempotent.
     */
    void stopContainer(String containerId, Duration timeout);

    /** CRI {@code RemoveContainer}; stops it first if running; idempotent. */
    void removeContainer(String containerId);

    /** CRI {@code ListContainers}. */
    List<ContainerStatus> listContainers(ContainerFilter filter);

    /** CRI {@code ContainerStatus}. */
    Optional<ContainerStatus> containerStatus(String containerId);

    /**
     * CRI {@code ExecSync}: runs {@code command} (argv, no shell) in the running container and
     * waits for it, answering its exit code and everything it wrote to stdout and stderr. The
     * kubelet runs exec probes with it.
     *
     * <p>Contract: a non-zero exit code is a result, not a failure. When the command does not
     * finish within {@code timeout}, {@link ExecTimeout} (the command may be left running, as
     * with containerd). An unknown container is {@link RuntimeFailure.Code#NOT_FOUND}; one that is
     * not running {@link RuntimeFailure.Code#FAILED_PRECONDITION}. Blocks the caller for up to
     * {@code timeout} plus the runtime's own call allowance.
     */
    ExecResult execSync(String containerId, List<String> command, Duration timeout);

    /**
     * How this runtime's containers are probed. Empty (the default, and what real runtimes
     * answer): the kubelet carries the probe out itself — exec probes through {@link #execSync},
     * httpGet/tcpSocket/grpc probes from the node's host network to the pod's IP. Present: the
     * runtime is a simulation whose pods have no processes or network, and this is the probe's
     * outcome; the kubelet then never opens a socket to the pod's (fake) address.
     *
     * @param podAnnotations the pod's annotations now (a simulated runtime takes its instructions
     *                       from them; the sandbox's copy is only what they were at creation)
     */
    /**
     * Where the kubelet keeps per-pod directories on this node ({@code <root>/<pod uid>/volumes/...},
     * as upstream's {@code /var/lib/kubelet/pods}): volumes are set up there and bind-mounted into
     * containers. Empty for a runtime whose containers have no filesystem (simulated): pods there
     * get no volume directories.
     */
    default Optional<java.nio.file.Path> podDirectoryRoot() {
        return Optional.empty();
    }

    default Optional<SimulatedProbe> simulatedProbe(String containerId, ProbeType type, Map<String, String> podAnnotations) {
        return Optional.empty();
    }

    /**
     * CRI {@code GetContainerEvents}: {@code listener} hears every later container event until the
     * returned handle is closed.
     */
    AutoCloseable containerEvents(Consumer<ContainerEvent> listener);

    // ---------------------------------------------------------------- RuntimeService: streaming

    /**
     * Which streams a streaming session carries (the CRI's {@code ExecRequest}/{@code AttachRequest}
     * flags). With {@code tty}, stderr is merged into stdout by the terminal, so {@code stderr} must
     * be false, as the CRI requires.
     */
    record StreamOptions(boolean stdin, boolean stdout, boolean stderr, boolean tty) {
        public StreamOptions {
            if (tty && stderr) {
                throw new IllegalArgumentException("tty and stderr cannot both be true");
            }
            if (!stdin && !stdout && !stderr) {
                throw new IllegalArgumentException("one of stdin, stdout or stderr must be true");
            }
        }
    }

    /**
     * CRI {@code Exec}: prepares running {@code command} in a RUNNING container and returns the URL
     * on the runtime's streaming server where a client (the kubelet's proxy) upgrades a connection
     * to carry the session, with the protocols of the CRI streaming server (SPDY/3.1 with
     * {@code X-Stream-Protocol-Version} {@code v4.channel.k8s.io}…{@code channel.k8s.io}; containerd
     * 1.6 also takes WebSocket {@code v4.channel.k8s.io}). The URL is for one use and expires
     * unused after a short time (containerd: one minute). The exit code arrives on the protocol's
     * error stream as a {@code Status}. Fails NOT_FOUND for an unknown container,
     * FAILED_PRECONDITION for one that is not running or a runtime that cannot stream.
     */
    default URI exec(String containerId, List<String> command, StreamOptions streams) {
        throw new RuntimeFailure(RuntimeFailure.Code.FAILED_PRECONDITION, "exec is not supported by this runtime");
    }

    /** CRI {@code Attach}: like {@link #exec}, attaching to the container's main process. */
    default URI attach(String containerId, StreamOptions streams) {
        throw new RuntimeFailure(RuntimeFailure.Code.FAILED_PRECONDITION, "attach is not supported by this runtime");
    }

    /**
     * CRI {@code PortForward}: the streaming URL for forwarding connections into the sandbox's
     * network namespace (SPDY/3.1 with {@code portforward.k8s.io}; the port of each data stream is
     * named in its headers, so {@code ports} may be empty).
     */
    default URI portForward(String podSandboxId, List<Integer> ports) {
        throw new RuntimeFailure(RuntimeFailure.Code.FAILED_PRECONDITION, "port-forward is not supported by this runtime");
    }

    /**
     * The container's log file in the CRI log format (written by the runtime; absolute), or empty
     * when the container is unknown or the runtime keeps no logs (then the container's log is
     * empty). The file may not exist yet for a container that never started.
     */
    default Optional<Path> containerLogPath(String containerId) {
        return Optional.empty();
    }

    /**
     * CRI {@code ListContainerStats} over every container the runtime knows; empty for a runtime
     * that measures nothing (simulated nodes).
     */
    default List<ContainerStats> listContainerStats() {
        return List.of();
    }

    /** Releases what the runtime holds (connections, timers); containers are left as they are. */
    @Override
    void close();
}
