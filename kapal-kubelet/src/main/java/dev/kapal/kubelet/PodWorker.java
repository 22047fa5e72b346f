package dev.kapal.kubelet;

import dev.kapal.kubelet.runtime.ContainerConfig;
import dev.kapal.kubelet.runtime.ContainerMetadata;
import dev.kapal.kubelet.runtime.ContainerState;
import dev.kapal.kubelet.runtime.ContainerStatus;
import dev.kapal.kubelet.runtime.Image;
import dev.kapal.kubelet.runtime.ImageSpec;
import dev.kapal.kubelet.runtime.NodeRuntime;
import dev.kapal.kubelet.runtime.PodSandboxConfig;
import dev.kapal.kubelet.runtime.PodSandboxMetadata;
import dev.kapal.kubelet.runtime.PodSandboxState;
import dev.kapal.kubelet.runtime.PodSandboxStatus;
import dev.kapal.kubelet.runtime.PortMapping;
import dev.kapal.kubelet.runtime.ProbeType;
import dev.kapal.kubelet.runtime.RegistryAuth;
import dev.kapal.kubelet.runtime.RuntimeFailure;
import dev.kapal.kubelet.runtime.sim.SimRuntime;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pod on one node: drives the runtime toward the pod's spec and reports what happened, like
 * the kubelet's pod worker plus its status manager, without a thread of its own.
 *
 * <p>{@link #sync()} runs on the host's sync executor, never twice at once for a pod (a
 * {@link SerialTask}); it is requested by pod events, runtime container events, network changes
 * and timers (restart back-off, sandbox retries). Each sync: creates the sandbox; runs init
 * containers one at a time in order (a failed one is retried unless {@code restartPolicy: Never},
 * sidecars — {@code restartPolicy: Always} init containers — keep running); starts the app
 * containers; restarts exited ones as the restart policy says, with the kubelet's back-off (the
 * first restart at once, then 10 s doubling to 5 min, reset after 10 min without a restart); then
 * computes the status ({@link PodStatuses}). Once the pod is terminal, or its deletion was
 * requested, it stops the containers (with the pod's grace period) and the sandbox.
 *
 * <p>Status is written by {@link #writeStatus()} on the host's API executor, also serialized and
 * coalesced per pod, as a strategic merge patch of {@code pods/status}, only when it changed and
 * not while the node is down. After a deleted pod's final status is written, the worker finishes
 * the deletion with {@code gracePeriodSeconds: 0} and a uid precondition, as the kubelet does.
 *
 * <p>Probes: one {@link ProbeWorker} per probe of each app and sidecar container, told by every
 * sync which container runs now; their results make containers started and ready, and a failed
 * liveness or startup probe makes the sync kill the container ({@code Killing}
 * {@code Container app failed liveness probe, will be restarted}, with the probe's
 * {@code terminationGracePeriodSeconds} if set) and restart it as the restart policy says.
 * {@code activeDeadlineSeconds} past the pod's start time kills the pod and fails it with reason
 * {@code DeadlineExceeded}. Kubelet events ({@code Pulling}, {@code Pulled}, {@code Created},
 * {@code Started}, {@code Killing}, {@code BackOff}, {@code DeadlineExceeded},
 * {@code FailedKillPod}, and the probes' {@code Unhealthy}/{@code ProbeWarning}) go through the
 * host's {@link KubeletEvents} with upstream's reasons and messages.
 */
final class PodWorker {
    private static final Logger log = LoggerFactory.getLogger(PodWorker.class);
    private static final Duration INITIAL_BACK_OFF = Duration.ofSeconds(10);
    /** How soon a failed volume set-up is tried again. */
    private static final Duration MOUNT_RETRY = Duration.ofSeconds(2);
    /**
     * How often volumes the kubelet writes are refreshed from their ConfigMaps and Secrets
     * (upstream: its sync period, about a minute, plus its cache TTL; shorter here).
     */
    private static final Duration VOLUME_RESYNC = Duration.ofSeconds(10);
    /** How long a postStart handler may run (upstream sets none; a hung hook must not hold the pod forever). */
    private static final Duration HOOK_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration MAX_BACK_OFF = Duration.ofMinutes(5);
    private static final Duration BACK_OFF_RESET = Duration.ofMinutes(10);
    private static final Duration WRITE_RETRY = Duration.ofSeconds(1);
    /** Upstream's {@code minimumGracePeriodInSeconds} for killing one container. */
    private static final Duration MINIMUM_GRACE = Duration.ofSeconds(2);
    static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
    static final String DEADLINE_MESSAGE = "Pod was active on the node longer than the specified deadline";

    private final NodeAgent node;
    private final String uid;
    private final String namespace;
    private final String name;
    private final SerialTask syncTask;
    private final SerialTask writeTask;
    private volatile Pod pod;
    private volatile boolean gone;
    private volatile boolean retrySandboxNow;
    private volatile PodStatus desired;
    private volatile boolean readyToDelete;
    /** Probe workers by container name (app and sidecar containers with probes). */
    private final Map<String, Map<ProbeType, ProbeWorker>> probes;

    // Owned by sync().
    private String sandboxId;
    private int sandboxAttempt = -1;
    private PodSandboxConfig sandboxConfig;
    private Instant sandboxRetryAt;
    private Duration sandboxBackOff = Duration.ZERO;
    private final Map<String, Slot> slots = new HashMap<>(4);
    private Instant startTime;
    private boolean killed;
    private ScheduledFuture<?> wakeup;
    private Instant wakeupAt;
    private boolean adopted;
    private boolean deadlineExceeded;
    private Map<String, java.nio.file.Path> volumePaths = Map.of();

    // Owned by writeStatus().
    private volatile PodStatus written;
    private volatile long writtenRevision;
    private volatile Pod apiView;
    private final Map<String, String> terminationMessages = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean rewrite;
    private boolean deleteSent;

    /** One container name's runtime containers: the current attempt and the one before. */
    private static final class Slot {
        String containerId;
        ContainerStatus current;
        /** The sync in which {@link #current} was read from the runtime (0: not this worker's reading). */
        long currentReadIn;
        String previousId;
        ContainerStatus previous;
        int attempt = -1;
        Duration backOff = Duration.ZERO;
        Instant backOffUntil;
        // Why the next container cannot be created yet (ErrImagePull, CreateContainerConfigError…); null when it can.
        String waitingReason;
        String waitingMessage;
        Duration imageBackOff = Duration.ZERO;
        Instant imageRetryAt;
    }

    PodWorker(NodeAgent node, Pod pod) {
        this.node = node;
        this.pod = pod;
        this.uid = pod.getMetadata().getUid();
        this.namespace = pod.getMetadata().getNamespace();
        this.name = pod.getMetadata().getName();
        this.syncTask = new SerialTask(node.services().syncExecutor(), this::sync);
        this.writeTask = new SerialTask(node.services().apiExecutor(), this::writeStatus);
        this.probes = probeWorkers(pod);
    }

    private Map<String, Map<ProbeType, ProbeWorker>> probeWorkers(Pod pod) {
        Map<String, Map<ProbeType, ProbeWorker>> workers = new HashMap<>(2);
        List<Container> probed = new ArrayList<>();
        pod.getSpec().getInitContainers().stream().filter(c -> "Always".equals(c.getRestartPolicy())).forEach(probed::add);
        probed.addAll(pod.getSpec().getContainers());
        ProbeWorker.Owner owner = new ProbeWorker.Owner() {
            @Override
            public Pod pod() {
                return PodWorker.this.pod;
            }

            @Override
            public NodeRuntime runtime() {
                return node.runtime();
            }

            @Override
            public boolean started(String containerName, String containerId) {
                return PodWorker.this.started(containerName, containerId);
            }

            @Override
            public void resultChanged() {
                syncTask.request();
            }

            @Override
            public void event(String containerName, String type, String reason, String message) {
                containerEvent(containerName, type, reason, message);
            }
        };
        KubeletHost.Services services = node.services();
        for (Container container : probed) {
            Map<ProbeType, ProbeWorker> byType = new EnumMap<>(ProbeType.class);
            add(byType, owner, container, ProbeType.STARTUP, container.getStartupProbe(), services);
            add(byType, owner, container, ProbeType.LIVENESS, container.getLivenessProbe(), services);
            add(byType, owner, container, ProbeType.READINESS, container.getReadinessProbe(), services);
            if (!byType.isEmpty()) {
                workers.put(container.getName(), byType);
            }
        }
        return workers;
    }

    private static void add(Map<ProbeType, ProbeWorker> byType, ProbeWorker.Owner owner, Container container, ProbeType type,
                            Probe probe, KubeletHost.Services services) {
        if (probe != null) {
            byType.put(type, new ProbeWorker(owner, container, type, probe, services.clock(), services.timers(),
                    services.probeExecutor()));
        }
    }

    /** Upstream's {@code isContainerStarted} for a running container: no startup probe, or it succeeded. */
    private boolean started(String containerName, String containerId) {
        ProbeWorker startup = probes.getOrDefault(containerName, Map.of()).get(ProbeType.STARTUP);
        return startup == null || startup.result(containerId) == ProbeWorker.Result.SUCCESS;
    }

    private boolean ready(String containerName, String containerId) {
        ProbeWorker readiness = probes.getOrDefault(containerName, Map.of()).get(ProbeType.READINESS);
        return started(containerName, containerId)
                && (readiness == null || readiness.result(containerId) == ProbeWorker.Result.SUCCESS);
    }

    private void stopProbes() {
        probes.values().forEach(byType -> byType.values().forEach(ProbeWorker::stop));
    }

    // ---------------------------------------------------------------- events

    private void podEvent(String type, String reason, String message) {
        if (node.down()) {
            return;  // a lost node reaches nobody
        }
        node.services().events().record(node.config().name(), pod, Optional.empty(), type, reason, message);
    }

    private void containerEvent(String containerName, String type, String reason, String message) {
        if (node.down()) {
            return;
        }
        Pod current = pod;
        node.services().events().record(node.config().name(), current,
                Optional.of(KubeletEvents.fieldPath(current, containerName)), type, reason, message);
    }

    /** Upstream's {@code format.Pod}: {@code name_namespace(uid)}. */
    private String formatPod() {
        return name + "_" + namespace + "(" + uid + ")";
    }

    String uid() {
        return uid;
    }

    String sandboxId() {
        return sandboxId;
    }

    /** The newest version of the pod from the informer. */
    void update(Pod latest) {
        pod = latest;
        requestSync();
    }

    /** Keeps the newest version without acting on it (the node is down), for when it comes back. */
    void remember(Pod latest) {
        pod = latest;
    }

    /** The pod object is gone from the API: tear everything down and forget the pod. */
    void deleted() {
        gone = true;
        syncTask.request();
    }

    void requestSync() {
        syncTask.request();
    }

    /** The node's network changed (a pod CIDR arrived): retry a failed sandbox at once. */
    void networkChanged() {
        retrySandboxNow = true;
        syncTask.request();
    }

    void requestStatusWrite() {
        writeTask.request();
    }

    /**
     * Upstream's status manager reconcile: when the pod's Ready condition in the API is not the
     * one this kubelet last wrote, someone else changed it (the node lifecycle controller marks
     * pods Ready=False while their node looks lost, and may do so just after the node came back),
     * so the kubelet's own status is written again. The comparison runs in the serial write task
     * ({@link #apiChangedReady}), after any write in flight has recorded what it wrote: the
     * controller often answers our write before our own patch call has returned. Only a change
     * made after our last write counts — told by the resourceVersion (a store revision, increasing),
     * not by condition timestamps, which have one-second resolution.
     */
    void reconcileStatus(Pod fromApi) {
        if (fromApi.getStatus() == null) {
            return;
        }
        apiView = fromApi;
        writeTask.request();
    }

    /** Whether the API's Ready differs from what we wrote, in a change newer than our write. */
    private boolean apiChangedReady(PodStatus last) {
        Pod seen = apiView;
        if (last == null || seen == null || revision(seen) <= writtenRevision) {
            return false;
        }
        var ours = readyOf(last);
        var theirs = readyOf(seen.getStatus());
        return ours != null && theirs != null && !java.util.Objects.equals(ours.getStatus(), theirs.getStatus());
    }

    private static io.fabric8.kubernetes.api.model.PodCondition readyOf(PodStatus status) {
        if (status.getConditions() == null) {
            return null;
        }
        for (var condition : status.getConditions()) {
            if ("Ready".equals(condition.getType())) {
                return condition;
            }
        }
        return null;
    }

    /** The object's resourceVersion as a number; 0 when it is not one. */
    private static long revision(Pod pod) {
        try {
            return Long.parseLong(pod.getMetadata().getResourceVersion());
        } catch (RuntimeException notANumber) {
            return 0;
        }
    }

    /**
     * Writes the status even if this kubelet wrote the same before: after the node was lost,
     * others changed it meanwhile (the node lifecycle controller marks pods Ready=False), and the
     * kubelet's own view must win again, as upstream's status manager reconciles it.
     */
    void requestStatusRewrite() {
        rewrite = true;
        writeTask.request();
    }

    /** The status last computed, for tests and benchmarks. */
    Optional<PodStatus> desiredStatus() {
        return Optional.ofNullable(desired);
    }

    // ---------------------------------------------------------------- sync

    private void sync() {
        try {
            syncOnce();
        } catch (RuntimeFailure failure) {
            // The runtime did not answer (containerd restarting): nothing changed here; look again shortly.
            log.debug("syncing {}/{}: {}", namespace, name, failure.getMessage());
            wakeAt(node.services().clock().instant().plus(Duration.ofSeconds(1)));
        }
    }

    /** Counts syncs: what was read from the runtime during one is not read again in the same one. */
    private long syncCount;
    private PodSandboxStatus sandboxRead;
    private long sandboxReadIn;

    /** The sandbox's status, read from the runtime at most once per sync. */
    private Optional<PodSandboxStatus> sandboxStatus(NodeRuntime runtime) {
        if (sandboxId == null) {
            return Optional.empty();
        }
        if (sandboxRead != null && sandboxReadIn == syncCount && sandboxRead.id().equals(sandboxId)) {
            return Optional.of(sandboxRead);
        }
        Optional<PodSandboxStatus> read = runtime.podSandboxStatus(sandboxId);
        sandboxRead = read.orElse(null);
        sandboxReadIn = syncCount;
        return read;
    }

    /** The container's status, read from the runtime (once per sync), else what was known. */
    private ContainerStatus readCurrent(NodeRuntime runtime, Slot slot) {
        if (slot.containerId != null && slot.currentReadIn != syncCount) {
            slot.current = runtime.containerStatus(slot.containerId).orElse(slot.current);
            slot.currentReadIn = syncCount;
        }
        return slot.current;
    }

    private void syncOnce() {
        syncCount++;
        NodeRuntime runtime = node.runtime();
        if (gone) {
            cancelWakeup();
            stopProbes();
            for (Slot slot : slots.values()) {
                removeQuietly(runtime, slot.containerId);
                removeQuietly(runtime, slot.previousId);
            }
            if (sandboxId != null) {
                try {
                    runtime.stopPodSandbox(sandboxId);
                    runtime.removePodSandbox(sandboxId);
                } catch (RuntimeFailure failure) {
                    log.debug("removing the sandbox of {}/{}: {}", namespace, name, failure.getMessage());
                }
                node.sandboxRemoved(sandboxId);
            }
            node.volumes().ifPresent(volumes -> volumes.tearDown(uid));
            node.cgroups().ifPresent(cgroups -> cgroups.tearDown(uid));
            node.forget(this);
            return;
        }
        Pod current = pod;
        Instant now = node.services().clock().instant();
        if (startTime == null) {
            startTime = parseTime(current.getStatus() == null ? null : current.getStatus().getStartTime()).orElse(now);
        }
        if (!adopted) {
            if (node.mayHaveContainersOf(uid)) {
                adopt(runtime, current);
            }
            adopted = true;
        }
        boolean deleting = current.getMetadata().getDeletionTimestamp() != null;
        String serverPhase = current.getStatus() == null ? null : current.getStatus().getPhase();
        boolean terminal = "Succeeded".equals(serverPhase) || "Failed".equals(serverPhase)
                || desired != null && isTerminal(desired.getPhase());
        Long activeDeadline = current.getSpec().getActiveDeadlineSeconds();
        if (!terminal && !deleting && !deadlineExceeded && activeDeadline != null && activeDeadline > 0) {
            Instant deadline = startTime.plusSeconds(activeDeadline);
            if (now.isBefore(deadline)) {
                wakeAt(deadline);
            } else {
                // Upstream's active deadline handler: the pod is evicted, its phase Failed.
                deadlineExceeded = true;
                podEvent("Normal", DEADLINE_EXCEEDED, DEADLINE_MESSAGE);
            }
        }
        if (deleting || terminal || deadlineExceeded) {
            kill(runtime, gracePeriod(current));
        } else {
            try {
                progress(runtime, current, now);
            } catch (RuntimeFailure failure) {
                log.debug("syncing {}/{}: {}", namespace, name, failure.getMessage());
                wakeAt(now.plus(Duration.ofSeconds(1)));
            }
        }
        PodStatus status = buildStatus(runtime, current, deleting, now);
        if (!killed && isTerminal(status.getPhase())) {
            kill(runtime, Duration.ZERO);
            status = buildStatus(runtime, current, deleting, now);
        }
        desired = status;
        readyToDelete = deleting && killed;
        writeTask.request();
    }

    private PodStatus buildStatus(NodeRuntime runtime, Pod current, boolean deleting, Instant now) {
        Optional<PodSandboxStatus> sandbox = sandboxStatus(runtime);
        Map<String, ContainerView> views = new HashMap<>();
        String restartPolicy = restartPolicy(current);
        for (Map.Entry<String, Slot> entry : slots.entrySet()) {
            Slot slot = entry.getValue();
            readCurrent(runtime, slot);
            Optional<ContainerStatus> currentContainer = withTerminationMessage(current, Optional.ofNullable(slot.current));
            Optional<ContainerStatus> previous = withTerminationMessage(current, Optional.ofNullable(slot.previous));
            Optional<String> backOff = Optional.empty();
            Optional<String> waitingReason = Optional.empty();
            if (slot.waitingReason != null && !killed && !deleting) {
                backOff = Optional.of(slot.waitingMessage);
                waitingReason = Optional.of(slot.waitingReason);
                previous = slot.current != null && slot.current.state() == ContainerState.CONTAINER_EXITED ? currentContainer : previous;
            } else if (slot.current != null && slot.current.state() == ContainerState.CONTAINER_EXITED && !killed && !deleting
                    && slot.backOffUntil != null && now.isBefore(slot.backOffUntil)
                    && restartWanted(current, entry.getKey(), slot.current, restartPolicy)) {
                backOff = Optional.of("back-off " + goDuration(slot.backOff) + " restarting failed container=" + entry.getKey()
                        + " pod=" + name + "_" + namespace + "(" + uid + ")");
                previous = currentContainer;
            }
            String id = slot.current == null ? "" : slot.current.id();
            views.put(entry.getKey(), new ContainerView(entry.getKey(), currentContainer, previous,
                    Math.max(0, slot.attempt), backOff, waitingReason,
                    started(entry.getKey(), id), ready(entry.getKey(), id)));
        }
        PodStatus status = PodStatuses.build(new PodStatuses.Observation(current, Optional.ofNullable(desired), sandbox, views,
                node.config().hostIps(), startTime, deleting, node.runtimeName(), now,
                deadlineExceeded ? Optional.of(new PodStatuses.Failure(DEADLINE_EXCEEDED, DEADLINE_MESSAGE)) : Optional.empty()));
        observeForProbes(status);
        return status;
    }

    /**
     * Runs the container's {@code postStart} handler right after it started, as upstream does
     * (the sync waits for it); a failure is a {@code FailedPostStartHook} event and the container
     * is killed, to be restarted by its policy. Simulated nodes do not run hooks.
     */
    private void runPostStart(NodeRuntime runtime, Pod current, Container container, String containerId) {
        var lifecycle = container.getLifecycle();
        if (lifecycle == null || lifecycle.getPostStart() == null || node.volumes().isEmpty()) {
            return;
        }
        Optional<String> failure = LifecycleHooks.run(runtime, lifecycle.getPostStart(), container, containerId, podIp(runtime),
                formatPod(), HOOK_TIMEOUT);
        if (failure.isPresent()) {
            containerEvent(container.getName(), "Warning", "FailedPostStartHook", failure.get());
            containerEvent(container.getName(), "Normal", "Killing", "FailedPostStartHook");
            runtime.stopContainer(containerId, gracePeriod(current).compareTo(MINIMUM_GRACE) < 0 ? MINIMUM_GRACE : gracePeriod(current));
        }
    }

    /**
     * Runs the container's {@code preStop} handler before it is stopped, within the grace period;
     * answers the grace left for the stop (at least 2 s, as upstream). A failure is a
     * {@code FailedPreStopHook} event; the stop goes on.
     */
    private Duration runPreStop(NodeRuntime runtime, Pod current, String containerName, String containerId, Duration grace) {
        Optional<Container> spec = current.getSpec().getContainers().stream().filter(c -> c.getName().equals(containerName)).findFirst();
        if (spec.isEmpty() || spec.get().getLifecycle() == null || spec.get().getLifecycle().getPreStop() == null
                || node.volumes().isEmpty()) {
            return grace;
        }
        long started = System.nanoTime();
        LifecycleHooks.run(runtime, spec.get().getLifecycle().getPreStop(), spec.get(), containerId, podIp(runtime), formatPod(), grace)
                .ifPresent(failure -> containerEvent(containerName, "Warning", "FailedPreStopHook", failure));
        Duration left = grace.minus(Duration.ofNanos(System.nanoTime() - started));
        return left.compareTo(MINIMUM_GRACE) < 0 ? MINIMUM_GRACE : left;
    }

    private String podIp(NodeRuntime runtime) {
        if (sandboxId == null) {
            return "";
        }
        return sandboxStatus(runtime).flatMap(PodSandboxStatus::ip).orElse("");
    }

    /**
     * An exited container's status with its termination message, as upstream's kuberuntime adds
     * it: the file bound at {@code terminationMessagePath} (4096 bytes at most) or, for
     * {@code FallbackToLogsOnError} after a failure that left it empty, the end of its log (80
     * lines, 2048 bytes); appended to the runtime's own message after ": ". Read once per
     * container; nothing on simulated nodes.
     */
    private Optional<ContainerStatus> withTerminationMessage(Pod current, Optional<ContainerStatus> status) {
        if (status.isEmpty() || status.get().state() != ContainerState.CONTAINER_EXITED || node.volumes().isEmpty()) {
            return status;
        }
        ContainerStatus exited = status.get();
        String message = terminationMessages.computeIfAbsent(exited.id(), id -> readTerminationMessage(current, exited));
        if (message.isEmpty()) {
            return status;
        }
        String combined = exited.message().isEmpty() ? message : exited.message() + ": " + message;
        return Optional.of(new ContainerStatus(exited.id(), exited.podSandboxId(), exited.metadata(), exited.state(),
                exited.createdAt(), exited.startedAt(), exited.finishedAt(), exited.exitCode(), exited.image(), exited.imageRef(),
                exited.reason(), combined, exited.labels(), exited.annotations()));
    }

    private String readTerminationMessage(Pod current, ContainerStatus exited) {
        String containerName = exited.metadata().name();
        Optional<Container> spec = java.util.stream.Stream.concat(current.getSpec().getInitContainers().stream(),
                current.getSpec().getContainers().stream()).filter(c -> c.getName().equals(containerName)).findFirst();
        if (spec.isEmpty()) {
            return "";
        }
        String message = "";
        String path = spec.get().getTerminationMessagePath();
        if (path != null && !path.isEmpty()) {
            java.nio.file.Path file = node.volumes().get().terminationMessageFile(uid, containerName, exited.metadata().attempt());
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
                message = new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8);
            } catch (java.io.IOException | RuntimeException unreadable) {
                message = "";
            }
        }
        if (message.isEmpty() && "FallbackToLogsOnError".equals(spec.get().getTerminationMessagePolicy()) && exited.exitCode() != 0
                && !"ContainerCannotRun".equals(exited.reason())) {
            message = node.runtime().containerLogPath(exited.id()).map(PodWorker::logTail).orElse("");
        }
        return message;
    }

    /** The last 80 lines of a CRI log file, at most 2048 bytes, as upstream's fallback reads them. */
    private static String logTail(java.nio.file.Path file) {
        var out = new java.io.ByteArrayOutputStream();
        try {
            new dev.kapal.kubelet.logs.ContainerLogReader(file, new dev.kapal.kubelet.logs.LogOptions(false, false,
                    java.util.OptionalLong.of(80), Optional.empty(), false, java.util.OptionalLong.empty()),
                    () -> false, Duration.ofMillis(100)).copyTo(out);
        } catch (java.io.IOException unreadable) {
            return "";
        }
        byte[] bytes = out.toByteArray();
        int from = Math.max(0, bytes.length - 2048);
        return new String(bytes, from, bytes.length - from, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Tells each probe worker which container runs now, and where the pod is reachable. */
    private void observeForProbes(PodStatus status) {
        if (probes.isEmpty()) {
            return;
        }
        String podIp = status.getPodIP() == null ? "" : status.getPodIP();
        for (Map.Entry<String, Map<ProbeType, ProbeWorker>> entry : probes.entrySet()) {
            Slot slot = slots.get(entry.getKey());
            ContainerStatus current = slot == null ? null : slot.current;
            boolean running = current != null && current.state() == ContainerState.CONTAINER_RUNNING && !killed;
            for (ProbeWorker worker : entry.getValue().values()) {
                if (running) {
                    worker.running(current.id(), current.startedAt().orElse(current.createdAt()), podIp);
                } else {
                    worker.notRunning();
                }
            }
        }
    }

    private void progress(NodeRuntime runtime, Pod current, Instant now) {
        if (!ensureVolumes(runtime, current, now)) {
            return;
        }
        if (!ensureSandbox(runtime, current, now)) {
            return;
        }
        String restartPolicy = restartPolicy(current);
        for (Container container : current.getSpec().getInitContainers()) {
            boolean sidecar = "Always".equals(container.getRestartPolicy());
            Slot slot = slots.computeIfAbsent(container.getName(), ignored -> new Slot());
            if (slot.containerId == null) {
                start(runtime, current, container, slot, now);
                if (!sidecar) {
                    return;
                }
                continue;
            }
            ContainerStatus status = readCurrent(runtime, slot);
            if (sidecar) {
                status = killIfUnhealthy(runtime, current, container, status, true);
            }
            slot.current = status;
            if (status == null || status.state() != ContainerState.CONTAINER_EXITED) {
                if (sidecar) {
                    continue;
                }
                return;  // the init container is still running
            }
            if (!sidecar && status.exitCode() == 0) {
                continue;
            }
            if (sidecar || !"Never".equals(restartPolicy)) {
                restartOrWait(runtime, current, container, slot, now);
                if (!sidecar) {
                    return;
                }
                continue;
            }
            return;  // failed with restartPolicy Never: the pod fails
        }
        for (Container container : current.getSpec().getContainers()) {
            Slot slot = slots.computeIfAbsent(container.getName(), ignored -> new Slot());
            if (slot.containerId == null) {
                start(runtime, current, container, slot, now);
                continue;
            }
            ContainerStatus status = readCurrent(runtime, slot);
            status = killIfUnhealthy(runtime, current, container, status, !"Never".equals(restartPolicy));
            slot.current = status;
            if (status != null && status.state() == ContainerState.CONTAINER_EXITED
                    && restartWanted(current, container.getName(), status, restartPolicy)) {
                restartOrWait(runtime, current, container, slot, now);
            }
        }
    }

    /**
     * Kills a running container whose liveness or startup probe failed, as upstream's
     * {@code computePodActions} and {@code killContainer}: event {@code Killing}, grace period
     * from the probe's {@code terminationGracePeriodSeconds} (else the pod's; at least 2 s).
     * Returns the container's status after.
     */
    private ContainerStatus killIfUnhealthy(NodeRuntime runtime, Pod current, Container container, ContainerStatus status,
                                            boolean restart) {
        if (status == null || status.state() != ContainerState.CONTAINER_RUNNING) {
            return status;
        }
        Map<ProbeType, ProbeWorker> workers = probes.get(container.getName());
        if (workers == null) {
            return status;
        }
        ProbeWorker failed = null;
        for (ProbeType type : List.of(ProbeType.LIVENESS, ProbeType.STARTUP)) {
            ProbeWorker worker = workers.get(type);
            if (worker != null && worker.failed(status.id())) {
                failed = worker;
                break;
            }
        }
        if (failed == null) {
            return status;
        }
        String message = "Container " + container.getName() + " failed " + failed.type().name().toLowerCase(Locale.ROOT)
                + " probe" + (restart ? ", will be restarted" : "");
        containerEvent(container.getName(), "Normal", "Killing", message);
        Duration grace = gracePeriod(current);
        if (current.getMetadata().getDeletionGracePeriodSeconds() == null && failed.spec().getTerminationGracePeriodSeconds() != null) {
            grace = Duration.ofSeconds(Math.max(0, failed.spec().getTerminationGracePeriodSeconds()));
        }
        if (grace.compareTo(MINIMUM_GRACE) < 0) {
            grace = MINIMUM_GRACE;
        }
        runtime.stopContainer(status.id(), grace);
        return runtime.containerStatus(status.id()).orElse(status);
    }

    private boolean restartWanted(Pod current, String containerName, ContainerStatus exited, String restartPolicy) {
        boolean init = current.getSpec().getInitContainers().stream().anyMatch(c -> c.getName().equals(containerName));
        if (init) {
            boolean sidecar = current.getSpec().getInitContainers().stream()
                    .anyMatch(c -> c.getName().equals(containerName) && "Always".equals(c.getRestartPolicy()));
            return sidecar || exited.exitCode() != 0 && !"Never".equals(restartPolicy);
        }
        return switch (restartPolicy) {
            case "Never" -> false;
            case "OnFailure" -> exited.exitCode() != 0;
            default -> true;
        };
    }

    /**
     * Sets up (or refreshes) the pod's volumes before its sandbox, as upstream's
     * {@code WaitForAttachAndMount}; a failure is a {@code FailedMount} event and a retry, the pod
     * waiting in {@code ContainerCreating}. Pods with files the kubelet writes (configMap, secret,
     * downwardAPI, projected) are synced again every {@link #VOLUME_RESYNC}, so changes reach them.
     */
    private boolean ensureVolumes(NodeRuntime runtime, Pod current, Instant now) {
        Optional<PodVolumes> volumes = node.volumes();
        if (volumes.isEmpty() || current.getSpec().getVolumes().isEmpty()) {
            return true;
        }
        try {
            volumePaths = volumes.get().setUp(current, environmentFacts(runtime), lookup());
        } catch (PodVolumes.MountFailure failure) {
            podEvent("Warning", "FailedMount", failure.eventMessage());
            wakeAt(now.plus(MOUNT_RETRY));
            return false;
        }
        boolean refreshed = current.getSpec().getVolumes().stream().anyMatch(volume -> volume.getConfigMap() != null
                || volume.getSecret() != null || volume.getDownwardAPI() != null || volume.getProjected() != null);
        if (refreshed) {
            wakeAt(now.plus(VOLUME_RESYNC));
        }
        return true;
    }

    /** Creates the sandbox if there is none ready; false while it cannot be created. */
    private boolean ensureSandbox(NodeRuntime runtime, Pod current, Instant now) {
        if (sandboxId != null) {
            Optional<PodSandboxStatus> status = sandboxStatus(runtime);
            if (status.isPresent() && status.get().state() == PodSandboxState.SANDBOX_READY) {
                return true;
            }
            // The sandbox died: like the kubelet, start over with a new one and new containers.
            for (Slot slot : slots.values()) {
                if (slot.containerId != null) {
                    slot.previousId = slot.containerId;
                    slot.previous = slot.current;
                    slot.containerId = null;
                    slot.current = null;
                }
            }
            node.sandboxRemoved(sandboxId);
            sandboxId = null;
        }
        if (sandboxRetryAt != null && now.isBefore(sandboxRetryAt) && !retrySandboxNow) {
            wakeAt(sandboxRetryAt);
            return false;
        }
        retrySandboxNow = false;
        PodSandboxConfig config = sandboxConfig(current, sandboxAttempt + 1);
        try {
            String id = runtime.runPodSandbox(config);
            sandboxAttempt++;
            sandboxConfig = config;
            sandboxId = id;
            node.sandboxCreated(id, this);
            sandboxRetryAt = null;
            sandboxBackOff = Duration.ZERO;
            return true;
        } catch (RuntimeFailure failure) {
            // Upstream: FailedCreatePodSandBox, retried by the pod worker with back-off.
            sandboxBackOff = sandboxBackOff.isZero() ? Duration.ofSeconds(1) : min(sandboxBackOff.multipliedBy(2), Duration.ofMinutes(1));
            sandboxRetryAt = now.plus(sandboxBackOff);
            log.debug("sandbox for {}/{}: {}", namespace, name, failure.getMessage());
            wakeAt(sandboxRetryAt);
            return false;
        }
    }

    private void restartOrWait(NodeRuntime runtime, Pod current, Container container, Slot slot, Instant now) {
        if (slot.backOffUntil != null && now.isBefore(slot.backOffUntil)) {
            containerEvent(container.getName(), "Warning", "BackOff",
                    "Back-off restarting failed container " + container.getName() + " in pod " + formatPod());
            wakeAt(slot.backOffUntil);
            return;
        }
        boolean reset = slot.backOff.isZero() || slot.backOffUntil == null
                || now.isAfter(slot.backOffUntil.plus(BACK_OFF_RESET));
        slot.backOff = reset ? INITIAL_BACK_OFF : min(slot.backOff.multipliedBy(2), MAX_BACK_OFF);
        slot.backOffUntil = now.plus(slot.backOff);
        start(runtime, current, container, slot, now);
    }

    private void start(NodeRuntime runtime, Pod current, Container container, Slot slot, Instant now) {
        ImageSpec image = ImageSpec.of(container.getImage() == null ? "" : container.getImage());
        if (!ensureImage(runtime, container, image, slot, now)) {
            return;
        }
        ContainerEnvironment.Resolved resolved;
        try {
            resolved = ContainerEnvironment.resolve(current, container, environmentFacts(runtime).withServices(serviceVariables(current)),
                    lookup());
        } catch (ContainerEnvironment.ConfigError error) {
            // Upstream retries on its next sync; a changed ConfigMap or Secret is seen then.
            waiting(slot, "CreateContainerConfigError", error.getMessage());
            wakeAt(now.plus(INITIAL_BACK_OFF));
            return;
        }
        List<ContainerConfig.Mount> mounts;
        try {
            // Simulated nodes have no volume directories: their containers get no mounts.
            mounts = node.volumes().isEmpty() ? new ArrayList<>() : new ArrayList<>(PodVolumes.mounts(current, container, volumePaths));
            String messagePath = container.getTerminationMessagePath();
            if (node.volumes().isPresent() && messagePath != null && !messagePath.isEmpty()) {
                java.nio.file.Path file = node.volumes().get().terminationMessageFile(uid, container.getName(), slot.attempt + 1);
                mounts.add(new ContainerConfig.Mount(messagePath, file.toString(), false));
            }
        } catch (java.io.UncheckedIOException failed) {
            waiting(slot, "CreateContainerConfigError", failed.getMessage());
            wakeAt(now.plus(INITIAL_BACK_OFF));
            return;
        } catch (ContainerEnvironment.ConfigError error) {
            waiting(slot, "CreateContainerConfigError", error.getMessage());
            wakeAt(now.plus(INITIAL_BACK_OFF));
            return;
        }
        int attempt = slot.attempt + 1;
        String id = runtime.createContainer(sandboxId, containerConfig(current, container, attempt, resolved, mounts), sandboxConfig);
        slot.waitingReason = null;
        slot.waitingMessage = null;
        containerEvent(container.getName(), "Normal", "Created", "Created container: " + container.getName());
        runtime.startContainer(id);
        containerEvent(container.getName(), "Normal", "Started", "Started container " + container.getName());
        runPostStart(runtime, current, container, id);
        if (slot.containerId != null) {
            // The kubelet keeps the newest dead container (for logs of the previous attempt) and removes older ones.
            removeQuietly(runtime, slot.previousId);
            slot.previousId = slot.containerId;
            slot.previous = runtime.containerStatus(slot.containerId).orElse(slot.current);
        }
        slot.attempt = attempt;
        slot.containerId = id;
        slot.current = runtime.containerStatus(id).orElse(null);
        slot.currentReadIn = syncCount;
    }

    /**
     * Makes sure the image is there as the container's {@code imagePullPolicy} says (defaulted as
     * the API server does when unset): {@code Never} never pulls ({@code ErrImageNeverPull} when
     * absent), {@code IfNotPresent} pulls when absent, {@code Always} pulls every time. A failed pull
     * is {@code ErrImagePull} and starts the image back-off (10 s doubling to 5 min), during which
     * the container waits with {@code ImagePullBackOff}. False when the container cannot start now.
     */
    private boolean ensureImage(NodeRuntime runtime, Container container, ImageSpec image, Slot slot, Instant now) {
        String policy = container.getImagePullPolicy() != null ? container.getImagePullPolicy() : defaultPullPolicy(image.image());
        String name = container.getName();
        if (!"Always".equals(policy) && runtime.imageStatus(image).isPresent()) {
            containerEvent(name, "Normal", "Pulled", "Container image \"" + image.image() + "\" already present on machine");
            return true;
        }
        if ("Never".equals(policy)) {
            String message = "Container image \"" + image.image() + "\" is not present with pull policy of Never";
            containerEvent(name, "Warning", "ErrImageNeverPull", message);
            waiting(slot, "ErrImageNeverPull", message);
            wakeAt(now.plus(INITIAL_BACK_OFF));
            return false;
        }
        if (slot.imageRetryAt != null && now.isBefore(slot.imageRetryAt)) {
            containerEvent(name, "Normal", "BackOff", "Back-off pulling image \"" + image.image() + "\"");
            containerEvent(name, "Warning", "Failed", "Error: ImagePullBackOff");
            waiting(slot, "ImagePullBackOff", "Back-off pulling image \"" + image.image() + "\"");
            wakeAt(slot.imageRetryAt);
            return false;
        }
        List<RegistryAuth> credentials = pullCredentials(image);
        containerEvent(name, "Normal", "Pulling", "Pulling image \"" + image.image() + "\"");
        long pullStart = System.nanoTime();
        try {
            pull(runtime, image, credentials);
            slot.imageBackOff = Duration.ZERO;
            slot.imageRetryAt = null;
            String took = goMillis(Duration.ofNanos(System.nanoTime() - pullStart));
            long size = runtime.imageStatus(image).map(Image::size).orElse(0L);
            containerEvent(name, "Normal", "Pulled", "Successfully pulled image \"" + image.image() + "\" in " + took
                    + " (" + took + " including waiting). Image size: " + size + " bytes.");
            return true;
        } catch (RuntimeFailure failure) {
            if (failure.code() == RuntimeFailure.Code.UNAVAILABLE && !runtimeAnswers(runtime)) {
                throw failure;  // the runtime is down, not the image's fault
            }
            containerEvent(name, "Warning", "Failed", "Failed to pull image \"" + image.image() + "\": " + pullError(failure));
            containerEvent(name, "Warning", "Failed", "Error: ErrImagePull");
            slot.imageBackOff = slot.imageBackOff.isZero() ? INITIAL_BACK_OFF : min(slot.imageBackOff.multipliedBy(2), MAX_BACK_OFF);
            slot.imageRetryAt = now.plus(slot.imageBackOff);
            waiting(slot, "ErrImagePull", pullError(failure));
            wakeAt(slot.imageRetryAt);
            return false;
        }
    }

    /**
     * The credentials the pod's {@code imagePullSecrets} give for {@code image} ({@link PullSecrets});
     * secrets that cannot be read are named in a {@code FailedToRetrieveImagePullSecret} warning and
     * the pull goes on without them, as upstream.
     */
    private List<RegistryAuth> pullCredentials(ImageSpec image) {
        List<io.fabric8.kubernetes.api.model.LocalObjectReference> references = pod.getSpec().getImagePullSecrets();
        if (references == null || references.isEmpty() || node.volumes().isEmpty()) {
            return List.of();
        }
        List<io.fabric8.kubernetes.api.model.Secret> secrets = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        ContainerEnvironment.Lookup lookup = lookup();
        for (var reference : references) {
            String secretName = reference.getName() == null ? "" : reference.getName();
            try {
                lookup.secret(namespace, secretName).ifPresentOrElse(secrets::add, () -> missing.add(secretName));
            } catch (ContainerEnvironment.ConfigError unreadable) {
                missing.add(secretName);
            }
        }
        if (!missing.isEmpty()) {
            podEvent("Warning", "FailedToRetrieveImagePullSecret", "Unable to retrieve some image pull secrets ("
                    + String.join(", ", missing) + "); attempting to pull the image may not succeed.");
        }
        return PullSecrets.forImage(image.image(), secrets);
    }

    /** Pulls with each credential in turn, as the kubelet does; without any, with the runtime's own configuration. */
    private static void pull(NodeRuntime runtime, ImageSpec image, List<RegistryAuth> credentials) {
        if (credentials.isEmpty()) {
            runtime.pullImage(image, Optional.empty());
            return;
        }
        RuntimeFailure last = null;
        for (RegistryAuth auth : credentials) {
            try {
                runtime.pullImage(image, Optional.of(auth));
                return;
            } catch (RuntimeFailure failure) {
                last = failure;
            }
        }
        throw last;
    }

    private static boolean runtimeAnswers(NodeRuntime runtime) {
        try {
            runtime.version();
            return true;
        } catch (RuntimeFailure down) {
            return false;
        }
    }

    /** The kubelet shows the runtime's error as Go prints a gRPC error. */
    private static String pullError(RuntimeFailure failure) {
        String message = failure.getMessage() == null ? "" : failure.getMessage();
        if (message.startsWith("PullImage: ")) {
            message = message.substring("PullImage: ".length());
        }
        if (failure.getCause() instanceof io.grpc.StatusRuntimeException grpc) {
            StringBuilder code = new StringBuilder();
            for (String word : grpc.getStatus().getCode().name().split("_")) {
                code.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
            }
            return "rpc error: code = " + code + " desc = " + message;
        }
        return message;
    }

    /** The API server's default: {@code Always} for {@code :latest} or no tag (and no digest), else {@code IfNotPresent}. */
    static String defaultPullPolicy(String image) {
        if (image.contains("@")) {
            return "IfNotPresent";
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        boolean tagged = colon > slash;
        return !tagged || image.substring(colon + 1).equals("latest") ? "Always" : "IfNotPresent";
    }

    private static void waiting(Slot slot, String reason, String message) {
        slot.waitingReason = reason;
        slot.waitingMessage = message;
    }

    private ContainerEnvironment.Facts environmentFacts(NodeRuntime runtime) {
        List<String> podIps = List.of();
        if (sandboxId != null) {
            Optional<PodSandboxStatus> sandbox = sandboxStatus(runtime);
            if (sandbox.isPresent() && sandbox.get().ip().isPresent()) {
                List<String> ips = new ArrayList<>();
                ips.add(sandbox.get().ip().get());
                ips.addAll(sandbox.get().additionalIps());
                podIps = ips;
            }
        }
        return new ContainerEnvironment.Facts(podIps, node.config().hostIps(), node.config().allocatable());
    }

    /**
     * The Service variables for a container starting now, on a node whose containers really run
     * (simulated containers have no environment to read, so their nodes skip the lists).
     */
    private Map<String, String> serviceVariables(Pod current) {
        if (node.volumes().isEmpty()) {
            return Map.of();
        }
        Optional<List<io.fabric8.kubernetes.api.model.Service>> cached = node.services().cachedServices().get();
        if (cached.isPresent()) {
            boolean links = !Boolean.FALSE.equals(current.getSpec().getEnableServiceLinks());
            List<io.fabric8.kubernetes.api.model.Service> services = cached.get().stream()
                    .filter(service -> links && namespace.equals(service.getMetadata().getNamespace())
                            || "default".equals(service.getMetadata().getNamespace())
                            && "kubernetes".equals(service.getMetadata().getName()))
                    .toList();
            return ContainerEnvironment.serviceVariables(current, services);
        }
        var client = node.services().client();
        List<io.fabric8.kubernetes.api.model.Service> services = new ArrayList<>();
        try {
            if (!Boolean.FALSE.equals(current.getSpec().getEnableServiceLinks())) {
                services.addAll(client.services().inNamespace(namespace).list().getItems());
            }
            var kubernetes = client.services().inNamespace("default").withName("kubernetes").get();
            if (kubernetes != null) {
                services.add(kubernetes);
            }
        } catch (KubernetesClientException failure) {
            // Upstream waits for its Service informer to sync; a failed list here is a container config error.
            throw new ContainerEnvironment.ConfigError("failed to list services: " + failure.getMessage());
        }
        return ContainerEnvironment.serviceVariables(current, services);
    }

    private ContainerEnvironment.Lookup lookup() {
        var client = node.services().client();
        return new ContainerEnvironment.Lookup() {
            @Override
            public Optional<io.fabric8.kubernetes.api.model.ConfigMap> configMap(String namespace, String name) {
                try {
                    return Optional.ofNullable(client.configMaps().inNamespace(namespace).withName(name).get());
                } catch (KubernetesClientException failure) {
                    throw new ContainerEnvironment.ConfigError("failed to get configmap \"" + name + "\": " + failure.getMessage());
                }
            }

            @Override
            public Optional<io.fabric8.kubernetes.api.model.Secret> secret(String namespace, String name) {
                try {
                    return Optional.ofNullable(client.secrets().inNamespace(namespace).withName(name).get());
                } catch (KubernetesClientException failure) {
                    throw new ContainerEnvironment.ConfigError("failed to get secret \"" + name + "\": " + failure.getMessage());
                }
            }

            @Override
            public ContainerEnvironment.ServiceAccountToken token(Pod pod, String audience, long expirationSeconds) {
                String account = pod.getSpec().getServiceAccountName() == null ? "default" : pod.getSpec().getServiceAccountName();
                var request = new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder()
                        .withNewSpec()
                        .withAudiences(audience.isEmpty() ? List.of() : List.of(audience))
                        .withExpirationSeconds(expirationSeconds)
                        .withNewBoundObjectRef("v1", "Pod", pod.getMetadata().getName(), pod.getMetadata().getUid())
                        .endSpec()
                        .build();
                try {
                    var answer = client.serviceAccounts().inNamespace(pod.getMetadata().getNamespace()).withName(account)
                            .tokenRequest(request);
                    return new ContainerEnvironment.ServiceAccountToken(answer.getStatus().getToken(),
                            java.time.Instant.parse(answer.getStatus().getExpirationTimestamp()));
                } catch (KubernetesClientException failure) {
                    throw new ContainerEnvironment.ConfigError("failed to fetch token: " + apiMessage(failure));
                }
            }
        };
    }

    /** The API server's own message of a failed request (its Status), else the client's. */
    private static String apiMessage(KubernetesClientException failure) {
        return failure.getStatus() != null && failure.getStatus().getMessage() != null
                ? failure.getStatus().getMessage() : failure.getMessage();
    }

    /**
     * After a restart of the agent: takes over the sandbox and containers the runtime still has for
     * this pod (found by the {@code io.kubernetes.pod.uid} label) instead of starting new ones, so
     * running containers keep their ids and restart counts. The newest sandbox is the pod's if it
     * is ready; per container name the newest container in it is current and the one before is
     * the previous attempt.
     */
    private void adopt(NodeRuntime runtime, Pod current) {
        Map<String, String> selector = Map.of("io.kubernetes.pod.uid", uid);
        List<PodSandboxStatus> sandboxes = runtime.listPodSandbox(
                new NodeRuntime.PodSandboxFilter(Optional.empty(), Optional.empty(), selector));
        if (sandboxes.isEmpty()) {
            return;
        }
        PodSandboxStatus newest = sandboxes.stream()
                .max(java.util.Comparator.comparingInt((PodSandboxStatus sandbox) -> sandbox.metadata().attempt())
                        .thenComparing(PodSandboxStatus::createdAt))
                .orElseThrow();
        sandboxAttempt = newest.metadata().attempt();
        sandboxConfig = sandboxConfig(current, sandboxAttempt);
        if (newest.state() == PodSandboxState.SANDBOX_READY) {
            sandboxId = newest.id();
            node.sandboxCreated(sandboxId, this);
        }
        List<ContainerStatus> containers = new ArrayList<>(runtime.listContainers(
                new NodeRuntime.ContainerFilter(Optional.empty(), Optional.empty(), Optional.empty(), selector)));
        containers.sort(java.util.Comparator.comparingInt((ContainerStatus container) -> container.metadata().attempt())
                .thenComparing(ContainerStatus::createdAt).reversed());
        for (ContainerStatus container : containers) {
            Slot slot = slots.computeIfAbsent(container.metadata().name(), ignored -> new Slot());
            slot.attempt = Math.max(slot.attempt, container.metadata().attempt());
            if (slot.containerId == null && slot.previousId == null && container.podSandboxId().equals(sandboxId)) {
                slot.containerId = container.id();
                slot.current = container;
            } else if (slot.previousId == null) {
                slot.previousId = container.id();
                slot.previous = container;
            }
        }
        log.info("adopted {}/{}: sandbox {} ({}), {} containers", namespace, name, newest.id(),
                sandboxId != null ? "ready" : "not ready", containers.size());
    }

    private void kill(NodeRuntime runtime, Duration grace) {
        if (killed) {
            return;
        }
        stopProbes();
        try {
            for (Map.Entry<String, Slot> entry : slots.entrySet()) {
                Slot slot = entry.getValue();
                if (slot.containerId != null) {
                    ContainerStatus status = runtime.containerStatus(slot.containerId).orElse(slot.current);
                    Duration stopGrace = grace;
                    if (status != null && status.state() == ContainerState.CONTAINER_RUNNING) {
                        containerEvent(entry.getKey(), "Normal", "Killing", "Stopping container " + entry.getKey());
                        stopGrace = runPreStop(runtime, pod, entry.getKey(), slot.containerId, grace);
                    }
                    runtime.stopContainer(slot.containerId, stopGrace);
                }
            }
            if (sandboxId != null) {
                runtime.stopPodSandbox(sandboxId);
            }
        } catch (RuntimeFailure failure) {
            podEvent("Warning", "FailedKillPod", "error killing pod: " + failure.getMessage());
            throw failure;
        }
        cancelWakeup();
        killed = true;
        syncCount++;  // what was read before the kill is stale now
    }

    private static void removeQuietly(NodeRuntime runtime, String containerId) {
        if (containerId != null) {
            try {
                runtime.removeContainer(containerId);
            } catch (RuntimeFailure ignored) {
                // Already gone.
            }
        }
    }

    // ---------------------------------------------------------------- runtime configs

    private PodSandboxConfig sandboxConfig(Pod current, int attempt) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (current.getMetadata().getLabels() != null) {
            labels.putAll(current.getMetadata().getLabels());
        }
        // The kubelet's own labels, which CRI tools and the kubelet itself filter on.
        labels.put("io.kubernetes.pod.name", name);
        labels.put("io.kubernetes.pod.namespace", namespace);
        labels.put("io.kubernetes.pod.uid", uid);
        Map<String, String> annotations = current.getMetadata().getAnnotations() == null ? Map.of()
                : current.getMetadata().getAnnotations();
        List<PortMapping> ports = new ArrayList<>();
        for (Container container : current.getSpec().getContainers()) {
            for (ContainerPort port : container.getPorts()) {
                if (port.getHostPort() != null && port.getHostPort() > 0) {
                    ports.add(new PortMapping(PortMapping.Protocol.valueOf(
                            port.getProtocol() == null ? "TCP" : port.getProtocol().toUpperCase(Locale.ROOT)),
                            port.getContainerPort(), port.getHostPort(), port.getHostIP() == null ? "" : port.getHostIP()));
                }
            }
        }
        String hostname = current.getSpec().getHostname() != null ? current.getSpec().getHostname() : name;
        // The pod cgroup (with its limits) is made before the sandbox that lives in it.
        String cgroupParent = node.cgroups().flatMap(cgroups -> cgroups.setUp(current)).orElse("");
        return new PodSandboxConfig(new PodSandboxMetadata(name, uid, namespace, attempt), hostname, ports, labels, annotations,
                Boolean.TRUE.equals(current.getSpec().getHostNetwork()), cgroupParent);
    }

    private ContainerConfig containerConfig(Pod current, Container container, int attempt, ContainerEnvironment.Resolved resolved,
                                            List<ContainerConfig.Mount> mounts) {
        List<ContainerConfig.KeyValue> env = new ArrayList<>();
        resolved.environment().forEach((key, value) -> env.add(new ContainerConfig.KeyValue(key, value)));
        Map<String, String> labels = Map.of(
                "io.kubernetes.container.name", container.getName(),
                "io.kubernetes.pod.name", name,
                "io.kubernetes.pod.namespace", namespace,
                "io.kubernetes.pod.uid", uid);
        Map<String, String> annotations = current.getMetadata().getAnnotations() == null ? Map.of()
                : current.getMetadata().getAnnotations();
        boolean runToCompletion = current.getSpec().getInitContainers().contains(container) && !"Always".equals(container.getRestartPolicy());
        if (runToCompletion && node.volumes().isEmpty() && !annotations.containsKey(SimRuntime.COMPLETE_AFTER)) {
            // A simulated init container does its (imaginary) work at once, so the pod moves on from Init:0/N.
            annotations = new LinkedHashMap<>(annotations);
            annotations.put(SimRuntime.COMPLETE_AFTER, "0s");
        }
        return new ContainerConfig(new ContainerMetadata(container.getName(), attempt),
                ImageSpec.of(container.getImage() == null ? "" : container.getImage()),
                resolved.command(), resolved.args(),
                container.getWorkingDir() == null ? "" : container.getWorkingDir(), env, labels, annotations, mounts,
                ContainerResources.of(current, container, node.config().capacity().get("memory")));
    }

    // ---------------------------------------------------------------- status writing

    private void writeStatus() {
        if (node.down()) {
            return;  // a lost node writes nothing; the host asks again when it comes back
        }
        PodStatus status = desired;
        if (status == null) {
            return;
        }
        var client = node.services().client();
        if (rewrite || apiChangedReady(written)) {
            rewrite = false;
            written = null;
        }
        if (!status.equals(written)) {
            try {
                String patch = Serialization.asJson(Map.of("status", status));
                Pod stored = client.pods().inNamespace(namespace).withName(name).subresource("status")
                        .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
                writtenRevision = stored == null ? 0 : revision(stored);
                written = status;
                node.services().statistics().statusWrites.increment();
            } catch (KubernetesClientException failure) {
                if (failure.getCode() == 404) {
                    return;  // the pod is gone; the informer's delete follows
                }
                log.debug("status of {}/{}: {}", namespace, name, failure.getMessage());
                retryWriteLater();
                return;
            }
        }
        if (readyToDelete && !deleteSent && status == desired) {
            try {
                String body = "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"gracePeriodSeconds\":0,"
                        + "\"preconditions\":{\"uid\":\"" + uid + "\"}}";
                client.raw(client.getMasterUrl() + "api/v1/namespaces/" + namespace + "/pods/" + name, "DELETE", body);
                deleteSent = true;
            } catch (KubernetesClientException failure) {
                if (failure.getCode() == 404 || failure.getCode() == 409) {
                    deleteSent = true;  // gone already, or a newer pod of the same name
                    return;
                }
                log.debug("deleting {}/{}: {}", namespace, name, failure.getMessage());
                retryWriteLater();
            }
        }
    }

    private void retryWriteLater() {
        try {
            node.services().timers().schedule(writeTask::request, WRITE_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            // The host is closing.
        }
    }

    // ---------------------------------------------------------------- helpers

    private synchronized void wakeAt(Instant when) {
        Instant now = node.services().clock().instant();
        // A wakeup whose time came is firing now (its future is not done until the request returns,
        // which may be after this sync began): it does not stand for a later one.
        if (wakeup != null && !wakeup.isDone() && wakeupAt != null && !when.isBefore(wakeupAt) && wakeupAt.isAfter(now)) {
            return;
        }
        cancelWakeup();
        // Rounded up, so the sync it causes never comes a fraction of a millisecond early.
        long delay = Math.max(0, (Duration.between(now, when).toNanos() + 999_999) / 1_000_000);
        wakeupAt = when;
        try {
            wakeup = node.services().timers().schedule(syncTask::request, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            // The host is closing.
        }
    }

    private synchronized void cancelWakeup() {
        if (wakeup != null) {
            wakeup.cancel(false);
            wakeup = null;
            wakeupAt = null;
        }
    }

    private static String restartPolicy(Pod pod) {
        return pod.getSpec().getRestartPolicy() == null ? "Always" : pod.getSpec().getRestartPolicy();
    }

    private static Duration gracePeriod(Pod pod) {
        Long seconds = pod.getMetadata().getDeletionGracePeriodSeconds();
        if (seconds == null) {
            seconds = pod.getSpec().getTerminationGracePeriodSeconds();
        }
        return Duration.ofSeconds(seconds == null ? 30 : Math.max(0, seconds));
    }

    private static boolean isTerminal(String phase) {
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private static Optional<Instant> parseTime(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (java.time.format.DateTimeParseException malformed) {
            return Optional.empty();
        }
    }

    private static Duration min(Duration left, Duration right) {
        return left.compareTo(right) <= 0 ? left : right;
    }

    /** Go's {@code time.Duration.String} of a duration truncated to milliseconds: {@code 512ms}, {@code 1.234s}, {@code 1m2.5s}. */
    static String goMillis(Duration duration) {
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        long minutes = millis / 60_000;
        long rest = millis % 60_000;
        String seconds = java.math.BigDecimal.valueOf(rest, 3).stripTrailingZeros().toPlainString() + "s";
        if (minutes == 0) {
            return seconds;
        }
        return minutes >= 60 ? (minutes / 60) + "h" + (minutes % 60) + "m" + seconds : minutes + "m" + seconds;
    }

    /** Go's {@code time.Duration.String} for whole seconds: {@code 10s}, {@code 1m20s}, {@code 5m0s}. */
    static String goDuration(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 60) {
            return minutes + "m" + (seconds % 60) + "s";
        }
        return (minutes / 60) + "h" + (minutes % 60) + "m" + (seconds % 60) + "s";
    }

    @Override
    public String toString() {
        return "pod " + namespace + "/" + name;
    }
}
