package dev.kapal.kubelet.runtime.sim;

import dev.kapal.kubelet.runtime.ContainerConfig;
import dev.kapal.kubelet.runtime.ContainerEvent;
import dev.kapal.kubelet.runtime.ContainerState;
import dev.kapal.kubelet.runtime.ContainerStatus;
import dev.kapal.kubelet.runtime.ExecResult;
import dev.kapal.kubelet.runtime.Image;
import dev.kapal.kubelet.runtime.ImageSpec;
import dev.kapal.kubelet.runtime.NodeRuntime;
import dev.kapal.kubelet.runtime.PodSandboxConfig;
import dev.kapal.kubelet.runtime.PodSandboxState;
import dev.kapal.kubelet.runtime.PodSandboxStatus;
import dev.kapal.kubelet.runtime.ProbeType;
import dev.kapal.kubelet.runtime.RuntimeFailure;
import dev.kapal.kubelet.runtime.RuntimeStatus;
import dev.kapal.kubelet.runtime.RuntimeVersion;
import dev.kapal.kubelet.runtime.SimulatedProbe;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A node's container runtime kept in memory: the {@link NodeRuntime} contract without processes.
 * Images "pull" at once (a digest derived from the name); sandboxes get an address from the pod
 * CIDR given by {@link #updateRuntimeConfig} (host-network sandboxes need none); a started
 * container runs until stopped, or, when its annotations (the container's, else the sandbox's,
 * which the kubelet fills with the pod's) carry {@value #COMPLETE_AFTER} (a Go duration such as
 * {@code 5s}), exits by itself after that long with {@value #EXIT_CODE} (default 0).
 * A stopped container exits with 143 (terminated by SIGTERM, reason {@code Error}).
 *
 * <p>Probes are answered, never carried out ({@link #simulatedProbe}): they succeed unless the
 * pod's annotation {@value #PROBE_FAIL} lists the probe's type ({@code liveness},
 * {@code readiness}, {@code startup}, comma-separated), read afresh at every probe so it can be
 * set and removed on a running pod. {@link #execSync} has no process to run: a running container
 * answers exit code 0 and no output.
 *
 * <p>Cheap by design, since one process simulates thousands of nodes: no thread of its own, one
 * timer per self-completing container on the shared {@code timers} executor, and a lock per
 * runtime (one per node) held only for map updates. Events go to listeners outside the lock.
 */
public final class SimRuntime implements NodeRuntime {
    public static final String COMPLETE_AFTER = "sim.kapal.dev/complete-after";
    public static final String EXIT_CODE = "sim.kapal.dev/exit-code";
    public static final String PROBE_FAIL = "sim.kapal.dev/probe-fail";
    public static final String RUNTIME_NAME = "sim";
    public static final String RUNTIME_VERSION = "0.1.0";
    /** Exit code of a container stopped by the kubelet: 128 + SIGTERM. */
    static final int TERMINATED_BY_SIGTERM = 143;

    private final ScheduledExecutorService timers;
    private final Clock clock;
    private final Map<String, Image> images = new HashMap<>();
    private final Map<String, Sandbox> sandboxes = new HashMap<>();
    private final Map<String, Container> containers = new HashMap<>();
    private final List<Consumer<ContainerEvent>> listeners = new CopyOnWriteArrayList<>();
    private PodCidrAllocator addresses;

    private static final class Sandbox {
        final String id;
        final PodSandboxConfig config;
        final Instant createdAt;
        PodSandboxState state = PodSandboxState.SANDBOX_READY;
        String ip;

        Sandbox(String id, PodSandboxConfig config, Instant createdAt) {
            this.id = id;
            this.config = config;
            this.createdAt = createdAt;
        }
    }

    private static final class Container {
        final String id;
        final String sandboxId;
        final ContainerConfig config;
        final String imageName;
        final String imageRef;
        final Instant createdAt;
        ContainerState state = ContainerState.CONTAINER_CREATED;
        Instant startedAt;
        Instant finishedAt;
        int exitCode;
        String reason = "";
        ScheduledFuture<?> completion;

        Container(String id, String sandboxId, ContainerConfig config, Image image, Instant createdAt) {
            this.id = id;
            this.sandboxId = sandboxId;
            this.config = config;
            this.imageName = image.repoTags().isEmpty() ? config.image().image() : image.repoTags().getFirst();
            this.imageRef = image.repoDigests().isEmpty() ? image.id() : image.repoDigests().getFirst();
            this.createdAt = createdAt;
        }
    }

    public SimRuntime(ScheduledExecutorService timers, Clock clock) {
        this.timers = Objects.requireNonNull(timers, "timers");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public RuntimeVersion version() {
        return new RuntimeVersion("0.1.0", RUNTIME_NAME, RUNTIME_VERSION, "v1");
    }

    @Override
    public RuntimeStatus status() {
        // Like containerd with a CNI config present but no range yet: the network is "ready" and
        // sandbox creation fails until the pod CIDR arrives.
        return new RuntimeStatus(List.of(
                new RuntimeStatus.Condition(RuntimeStatus.RUNTIME_READY, true, "", ""),
                new RuntimeStatus.Condition(RuntimeStatus.NETWORK_READY, true, "", "")));
    }

    @Override
    public synchronized void updateRuntimeConfig(String podCidr) {
        if (addresses != null && addresses.cidr().equals(podCidr)) {
            return;
        }
        PodCidrAllocator replacement = new PodCidrAllocator(podCidr);
        for (Sandbox sandbox : sandboxes.values()) {
            if (sandbox.ip != null) {
                replacement.release(sandbox.ip);
            }
        }
        addresses = replacement;
    }

    /** The pod CIDR addresses come from, if one was given. */
    public synchronized Optional<String> podCidr() {
        return Optional.ofNullable(addresses).map(PodCidrAllocator::cidr);
    }

    // ---------------------------------------------------------------- images

    @Override
    public synchronized String pullImage(ImageSpec image) {
        Image stored = images.computeIfAbsent(normalize(image.image()), SimRuntime::imageFor);
        return stored.repoDigests().getFirst();
    }

    @Override
    public synchronized Optional<Image> imageStatus(ImageSpec image) {
        String name = image.image();
        Image stored = images.get(normalize(name));
        if (stored == null) {
            stored = images.values().stream()
                    .filter(candidate -> candidate.id().equals(name) || candidate.repoDigests().contains(name))
                    .findFirst().orElse(null);
        }
        return Optional.ofNullable(stored);
    }

    @Override
    public synchronized List<Image> listImages() {
        return List.copyOf(images.values());
    }

    @Override
    public synchronized void removeImage(ImageSpec image) {
        imageStatus(image).ifPresent(stored -> images.values().remove(stored));
    }

    /**
     * The docker reference normalization every CRI runtime applies: {@code busybox} →
     * {@code docker.io/library/busybox:latest}, {@code me/app} → {@code docker.io/me/app:latest}.
     */
    static String normalize(String reference) {
        String name = reference;
        int slash = name.indexOf('/');
        if (slash < 0) {
            name = "docker.io/library/" + name;
        } else {
            String first = name.substring(0, slash);
            if (!first.contains(".") && !first.contains(":") && !first.equals("localhost")) {
                name = "docker.io/" + name;
            }
        }
        int lastSlash = name.lastIndexOf('/');
        if (!name.contains("@") && name.indexOf(':', lastSlash) < 0) {
            name = name + ":latest";
        }
        return name;
    }

    private static Image imageFor(String normalized) {
        String digest = "sha256:" + sha256(normalized);
        int at = normalized.indexOf('@');
        String repository = at >= 0 ? normalized.substring(0, at) : normalized.substring(0, normalized.lastIndexOf(':'));
        List<String> tags = at >= 0 ? List.of() : List.of(normalized);
        return new Image("sha256:" + sha256("config:" + normalized), tags, List.of(repository + "@" + digest), 4_096L);
    }

    // ---------------------------------------------------------------- sandboxes

    @Override
    public String runPodSandbox(PodSandboxConfig config) {
        synchronized (this) {
            String ip = null;
            if (!config.hostNetwork()) {
                if (addresses == null) {
                    throw new RuntimeFailure(RuntimeFailure.Code.FAILED_PRECONDITION,
                            "failed to set up pod network: no pod CIDR assigned to this node yet");
                }
                ip = addresses.allocate().orElseThrow(() -> new RuntimeFailure(RuntimeFailure.Code.FAILED_PRECONDITION,
                        "failed to allocate for range 0: no IP addresses available in range set: " + addresses.cidr()));
            }
            Sandbox sandbox = new Sandbox(newId(), config, clock.instant());
            sandbox.ip = ip;
            sandboxes.put(sandbox.id, sandbox);
            return sandbox.id;
        }
    }

    @Override
    public void stopPodSandbox(String podSandboxId) {
        List<ContainerEvent> events = new ArrayList<>();
        synchronized (this) {
            Sandbox sandbox = sandboxes.get(podSandboxId);
            if (sandbox == null) {
                return;
            }
            for (Container container : containers.values()) {
                if (container.sandboxId.equals(podSandboxId)) {
                    stop(container, events);
                }
            }
            sandbox.state = PodSandboxState.SANDBOX_NOTREADY;
            if (sandbox.ip != null && addresses != null) {
                addresses.release(sandbox.ip);
            }
            sandbox.ip = null;
        }
        publish(events);
    }

    @Override
    public void removePodSandbox(String podSandboxId) {
        List<ContainerEvent> events = new ArrayList<>();
        synchronized (this) {
            Sandbox sandbox = sandboxes.get(podSandboxId);
            if (sandbox == null) {
                return;
            }
            containers.values().removeIf(container -> {
                if (!container.sandboxId.equals(podSandboxId)) {
                    return false;
                }
                stop(container, events);
                events.add(new ContainerEvent(container.id, podSandboxId, ContainerEvent.Type.CONTAINER_DELETED_EVENT, clock.instant()));
                return true;
            });
            if (sandbox.ip != null && addresses != null) {
                addresses.release(sandbox.ip);
            }
            sandboxes.remove(podSandboxId);
        }
        publish(events);
    }

    @Override
    public synchronized Optional<PodSandboxStatus> podSandboxStatus(String podSandboxId) {
        return Optional.ofNullable(sandboxes.get(podSandboxId)).map(SimRuntime::statusOf);
    }

    @Override
    public synchronized List<PodSandboxStatus> listPodSandbox(PodSandboxFilter filter) {
        List<PodSandboxStatus> result = new ArrayList<>();
        for (Sandbox sandbox : sandboxes.values()) {
            if (filter.id().map(sandbox.id::equals).orElse(true)
                    && filter.state().map(state -> state == sandbox.state).orElse(true)
                    && sandbox.config.labels().entrySet().containsAll(filter.labelSelector().entrySet())) {
                result.add(statusOf(sandbox));
            }
        }
        return result;
    }

    private static PodSandboxStatus statusOf(Sandbox sandbox) {
        return new PodSandboxStatus(sandbox.id, sandbox.config.metadata(), sandbox.state, sandbox.createdAt,
                Optional.ofNullable(sandbox.ip), List.of(), sandbox.config.labels(), sandbox.config.annotations());
    }

    // ---------------------------------------------------------------- containers

    @Override
    public String createContainer(String podSandboxId, ContainerConfig config, PodSandboxConfig sandboxConfig) {
        ContainerEvent event;
        synchronized (this) {
            Sandbox sandbox = sandboxes.get(podSandboxId);
            if (sandbox == null) {
                throw RuntimeFailure.notFound("sandbox", podSandboxId);
            }
            if (sandbox.state != PodSandboxState.SANDBOX_READY) {
                throw new RuntimeFailure(RuntimeFailure.Code.FAILED_PRECONDITION, "sandbox " + podSandboxId + " is not ready");
            }
            Image image = imageStatus(config.image()).orElseThrow(() -> new RuntimeFailure(RuntimeFailure.Code.NOT_FOUND,
                    "failed to get image \"" + config.image().image() + "\": not found; pull it first"));
            Container container = new Container(newId(), podSandboxId, config, image, clock.instant());
            containers.put(container.id, container);
            event = new ContainerEvent(container.id, podSandboxId, ContainerEvent.Type.CONTAINER_CREATED_EVENT, container.createdAt);
        }
        publish(List.of(event));
        return event.containerId();
    }

    @Override
    public void startContainer(String containerId) {
        ContainerEvent event;
        synchronized (this) {
            Container container = containers.get(containerId);
            if (container == null) {
                throw RuntimeFailure.notFound("container", containerId);
            }
            if (container.state != ContainerState.CONTAINER_CREATED) {
                throw new RuntimeFailure(RuntimeFailure.Code.FAILED_PRECONDITION,
                        "container " + containerId + " is in state " + container.state + ", not created");
            }
            container.state = ContainerState.CONTAINER_RUNNING;
            container.startedAt = clock.instant();
            Sandbox sandbox = sandboxes.get(container.sandboxId);
            completionOf(container.config.annotations(), sandbox.config.annotations()).ifPresent(after -> {
                int exitCode = exitCodeOf(container.config.annotations(), sandbox.config.annotations());
                container.completion = timers.schedule(() -> complete(containerId, exitCode),
                        Math.max(0, after.toNanos()), TimeUnit.NANOSECONDS);
            });
            event = new ContainerEvent(containerId, container.sandboxId, ContainerEvent.Type.CONTAINER_STARTED_EVENT, container.startedAt);
        }
        publish(List.of(event));
    }

    private void complete(String containerId, int exitCode) {
        ContainerEvent event;
        synchronized (this) {
            Container container = containers.get(containerId);
            if (container == null || container.state != ContainerState.CONTAINER_RUNNING) {
                return;
            }
            exit(container, exitCode, exitCode == 0 ? "Completed" : "Error");
            event = new ContainerEvent(containerId, container.sandboxId, ContainerEvent.Type.CONTAINER_STOPPED_EVENT, container.finishedAt);
        }
        publish(List.of(event));
    }

    @Override
    public void stopContainer(String containerId, Duration timeout) {
        List<ContainerEvent> events = new ArrayList<>();
        synchronized (this) {
            Container container = containers.get(containerId);
            if (container == null) {
                return;
            }
            stop(container, events);
        }
        publish(events);
    }

    /** Stops a container the simulated way: its process exits on SIGTERM at once. */
    private void stop(Container container, List<ContainerEvent> events) {
        switch (container.state) {
            case CONTAINER_RUNNING -> {
                exit(container, TERMINATED_BY_SIGTERM, "Error");
                events.add(new ContainerEvent(container.id, container.sandboxId, ContainerEvent.Type.CONTAINER_STOPPED_EVENT,
                        container.finishedAt));
            }
            case CONTAINER_CREATED -> {
                // Never started: containerd marks it exited with no start time.
                exit(container, 0, "");
                events.add(new ContainerEvent(container.id, container.sandboxId, ContainerEvent.Type.CONTAINER_STOPPED_EVENT,
                        container.finishedAt));
            }
            case CONTAINER_EXITED, CONTAINER_UNKNOWN -> {
                // Nothing to stop.
            }
        }
    }

    private void exit(Container container, int exitCode, String reason) {
        container.state = ContainerState.CONTAINER_EXITED;
        container.finishedAt = clock.instant();
        container.exitCode = exitCode;
        container.reason = reason;
        if (container.completion != null) {
            container.completion.cancel(false);
            container.completion = null;
        }
    }

    @Override
    public void removeContainer(String containerId) {
        List<ContainerEvent> events = new ArrayList<>();
        synchronized (this) {
            Container container = containers.get(containerId);
            if (container == null) {
                return;
            }
            stop(container, events);
            containers.remove(containerId);
            events.add(new ContainerEvent(containerId, container.sandboxId, ContainerEvent.Type.CONTAINER_DELETED_EVENT, clock.instant()));
        }
        publish(events);
    }

    @Override
    public synchronized List<ContainerStatus> listContainers(ContainerFilter filter) {
        List<ContainerStatus> result = new ArrayList<>();
        for (Container container : containers.values()) {
            if (filter.id().map(container.id::equals).orElse(true)
                    && filter.state().map(state -> state == container.state).orElse(true)
                    && filter.podSandboxId().map(container.sandboxId::equals).orElse(true)
                    && container.config.labels().entrySet().containsAll(filter.labelSelector().entrySet())) {
                result.add(statusOf(container));
            }
        }
        return result;
    }

    @Override
    public synchronized Optional<ContainerStatus> containerStatus(String containerId) {
        return Optional.ofNullable(containers.get(containerId)).map(SimRuntime::statusOf);
    }

    private static ContainerStatus statusOf(Container container) {
        return new ContainerStatus(container.id, container.sandboxId, container.config.metadata(), container.state,
                container.createdAt, Optional.ofNullable(container.startedAt), Optional.ofNullable(container.finishedAt),
                container.exitCode, new ImageSpec(container.imageName, Map.of()), container.imageRef, container.reason, "",
                container.config.labels(), container.config.annotations());
    }

    /** Simulated containers run no processes: there is nothing to exec into. */
    @Override
    public java.net.URI exec(String containerId, List<String> command, StreamOptions streams) {
        throw new RuntimeFailure(RuntimeFailure.Code.FAILED_PRECONDITION, "exec is not supported on simulated nodes");
    }

    @Override
    public java.net.URI attach(String containerId, StreamOptions streams) {
        throw new RuntimeFailure(RuntimeFailure.Code.FAILED_PRECONDITION, "attach is not supported on simulated nodes");
    }

    @Override
    public java.net.URI portForward(String podSandboxId, List<Integer> ports) {
        throw new RuntimeFailure(RuntimeFailure.Code.FAILED_PRECONDITION, "port-forward is not supported on simulated nodes");
    }

    // containerLogPath: the seam's default (no file), so a simulated container's log is empty.

    @Override
    public synchronized ExecResult execSync(String containerId, List<String> command, Duration timeout) {
        Container container = containers.get(containerId);
        if (container == null) {
            throw RuntimeFailure.notFound("container", containerId);
        }
        if (container.state != ContainerState.CONTAINER_RUNNING) {
            throw new RuntimeFailure(RuntimeFailure.Code.FAILED_PRECONDITION, "container " + containerId + " is not running");
        }
        return ExecResult.of(0, "", "");
    }

    @Override
    public Optional<SimulatedProbe> simulatedProbe(String containerId, ProbeType type, Map<String, String> podAnnotations) {
        String failing = podAnnotations.getOrDefault(PROBE_FAIL, "");
        for (String item : failing.split(",")) {
            if (item.strip().toLowerCase(Locale.ROOT).equals(type.name().toLowerCase(Locale.ROOT))) {
                return Optional.of(new SimulatedProbe(false, "simulated failure (" + PROBE_FAIL + ": " + failing + ")"));
            }
        }
        return Optional.of(new SimulatedProbe(true, ""));
    }

    @Override
    public AutoCloseable containerEvents(Consumer<ContainerEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void publish(List<ContainerEvent> events) {
        for (ContainerEvent event : events) {
            for (Consumer<ContainerEvent> listener : listeners) {
                listener.accept(event);
            }
        }
    }

    /** Cancels the completion timers; the simulated containers stay as they are. */
    @Override
    public synchronized void close() {
        for (Container container : containers.values()) {
            if (container.completion != null) {
                container.completion.cancel(false);
            }
        }
        listeners.clear();
    }

    /** How many sandboxes and containers the runtime holds (for benchmarks). */
    public synchronized int[] counts() {
        return new int[] {sandboxes.size(), containers.size()};
    }

    // ---------------------------------------------------------------- helpers

    private static Optional<Duration> completionOf(Map<String, String> containerAnnotations, Map<String, String> sandboxAnnotations) {
        String value = containerAnnotations.getOrDefault(COMPLETE_AFTER, sandboxAnnotations.get(COMPLETE_AFTER));
        return value == null ? Optional.empty() : GoDuration.parse(value);
    }

    private static int exitCodeOf(Map<String, String> containerAnnotations, Map<String, String> sandboxAnnotations) {
        String value = containerAnnotations.getOrDefault(EXIT_CODE, sandboxAnnotations.get(EXIT_CODE));
        if (value == null) {
            return 0;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException malformed) {
            return 1;
        }
    }

    /** 64 hex digits, the shape of containerd's ids. */
    private static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return HexFormat.of().toHexDigits(random.nextLong()) + HexFormat.of().toHexDigits(random.nextLong())
                + HexFormat.of().toHexDigits(random.nextLong()) + HexFormat.of().toHexDigits(random.nextLong());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
