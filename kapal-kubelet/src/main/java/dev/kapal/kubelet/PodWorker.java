package dev.kapal.kubelet;

import dev.kapal.kubelet.runtime.ContainerConfig;
import dev.kapal.kubelet.runtime.ContainerMetadata;
import dev.kapal.kubelet.runtime.ContainerState;
import dev.kapal.kubelet.runtime.ContainerStatus;
import dev.kapal.kubelet.runtime.ImageSpec;
import dev.kapal.kubelet.runtime.NodeRuntime;
import dev.kapal.kubelet.runtime.PodSandboxConfig;
import dev.kapal.kubelet.runtime.PodSandboxMetadata;
import dev.kapal.kubelet.runtime.PodSandboxState;
import dev.kapal.kubelet.runtime.PodSandboxStatus;
import dev.kapal.kubelet.runtime.PortMapping;
import dev.kapal.kubelet.runtime.RuntimeFailure;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
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
 */
final class PodWorker {
    private static final Logger log = LoggerFactory.getLogger(PodWorker.class);
    private static final Duration INITIAL_BACK_OFF = Duration.ofSeconds(10);
    private static final Duration MAX_BACK_OFF = Duration.ofMinutes(5);
    private static final Duration BACK_OFF_RESET = Duration.ofMinutes(10);
    private static final Duration WRITE_RETRY = Duration.ofSeconds(1);

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

    // Owned by writeStatus().
    private volatile PodStatus written;
    private volatile boolean rewrite;
    private boolean deleteSent;

    /** One container name's runtime containers: the current attempt and the one before. */
    private static final class Slot {
        String containerId;
        ContainerStatus current;
        String previousId;
        ContainerStatus previous;
        int attempt = -1;
        Duration backOff = Duration.ZERO;
        Instant backOffUntil;
    }

    PodWorker(NodeAgent node, Pod pod) {
        this.node = node;
        this.pod = pod;
        this.uid = pod.getMetadata().getUid();
        this.namespace = pod.getMetadata().getNamespace();
        this.name = pod.getMetadata().getName();
        this.syncTask = new SerialTask(node.services().syncExecutor(), this::sync);
        this.writeTask = new SerialTask(node.services().apiExecutor(), this::writeStatus);
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
     * so the kubelet's own status is written again.
     */
    void reconcileStatus(Pod fromApi) {
        PodStatus last = written;
        if (last == null || fromApi.getStatus() == null) {
            return;
        }
        var ours = readyOf(last);
        var theirs = readyOf(fromApi.getStatus());
        // Only a later change counts: an informer event older than our last write differs too.
        if (ours != null && theirs != null && !java.util.Objects.equals(ours.getStatus(), theirs.getStatus())
                && instant(theirs.getLastTransitionTime()).isAfter(instant(ours.getLastTransitionTime()))) {
            requestStatusRewrite();
        }
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

    private static java.time.Instant instant(String timestamp) {
        try {
            return timestamp == null ? java.time.Instant.MIN : java.time.Instant.parse(timestamp);
        } catch (java.time.format.DateTimeParseException unreadable) {
            return java.time.Instant.MIN;
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
        NodeRuntime runtime = node.runtime();
        if (gone) {
            cancelWakeup();
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
            node.forget(this);
            return;
        }
        Pod current = pod;
        Instant now = node.services().clock().instant();
        if (startTime == null) {
            startTime = parseTime(current.getStatus() == null ? null : current.getStatus().getStartTime()).orElse(now);
        }
        boolean deleting = current.getMetadata().getDeletionTimestamp() != null;
        String serverPhase = current.getStatus() == null ? null : current.getStatus().getPhase();
        boolean terminal = "Succeeded".equals(serverPhase) || "Failed".equals(serverPhase)
                || desired != null && isTerminal(desired.getPhase());
        if (deleting || terminal) {
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
        Optional<PodSandboxStatus> sandbox = sandboxId == null ? Optional.empty() : runtime.podSandboxStatus(sandboxId);
        Map<String, ContainerView> views = new HashMap<>();
        String restartPolicy = restartPolicy(current);
        for (Map.Entry<String, Slot> entry : slots.entrySet()) {
            Slot slot = entry.getValue();
            if (slot.containerId != null) {
                slot.current = runtime.containerStatus(slot.containerId).orElse(slot.current);
            }
            Optional<ContainerStatus> currentContainer = Optional.ofNullable(slot.current);
            Optional<ContainerStatus> previous = Optional.ofNullable(slot.previous);
            Optional<String> backOff = Optional.empty();
            if (slot.current != null && slot.current.state() == ContainerState.CONTAINER_EXITED && !killed && !deleting
                    && slot.backOffUntil != null && now.isBefore(slot.backOffUntil)
                    && restartWanted(current, entry.getKey(), slot.current, restartPolicy)) {
                backOff = Optional.of("back-off " + goDuration(slot.backOff) + " restarting failed container=" + entry.getKey()
                        + " pod=" + name + "_" + namespace + "(" + uid + ")");
                previous = currentContainer;
            }
            views.put(entry.getKey(), new ContainerView(entry.getKey(), currentContainer, previous,
                    Math.max(0, slot.attempt), backOff));
        }
        return PodStatuses.build(new PodStatuses.Observation(current, Optional.ofNullable(desired), sandbox, views,
                node.config().hostIps(), startTime, deleting, node.runtimeName(), now));
    }

    private void progress(NodeRuntime runtime, Pod current, Instant now) {
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
            ContainerStatus status = runtime.containerStatus(slot.containerId).orElse(slot.current);
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
            ContainerStatus status = runtime.containerStatus(slot.containerId).orElse(slot.current);
            slot.current = status;
            if (status != null && status.state() == ContainerState.CONTAINER_EXITED
                    && restartWanted(current, container.getName(), status, restartPolicy)) {
                restartOrWait(runtime, current, container, slot, now);
            }
        }
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

    /** Creates the sandbox if there is none ready; false while it cannot be created. */
    private boolean ensureSandbox(NodeRuntime runtime, Pod current, Instant now) {
        if (sandboxId != null) {
            Optional<PodSandboxStatus> status = runtime.podSandboxStatus(sandboxId);
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
        boolean always = "Always".equals(container.getImagePullPolicy());
        if (always || runtime.imageStatus(image).isEmpty()) {
            runtime.pullImage(image);
        }
        int attempt = slot.attempt + 1;
        String id = runtime.createContainer(sandboxId, containerConfig(current, container, attempt), sandboxConfig);
        runtime.startContainer(id);
        if (slot.containerId != null) {
            // The kubelet keeps the newest dead container (for logs of the previous attempt) and removes older ones.
            removeQuietly(runtime, slot.previousId);
            slot.previousId = slot.containerId;
            slot.previous = runtime.containerStatus(slot.containerId).orElse(slot.current);
        }
        slot.attempt = attempt;
        slot.containerId = id;
        slot.current = runtime.containerStatus(id).orElse(null);
    }

    private void kill(NodeRuntime runtime, Duration grace) {
        if (killed) {
            return;
        }
        for (Slot slot : slots.values()) {
            if (slot.containerId != null) {
                runtime.stopContainer(slot.containerId, grace);
            }
        }
        if (sandboxId != null) {
            runtime.stopPodSandbox(sandboxId);
        }
        cancelWakeup();
        killed = true;
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
        return new PodSandboxConfig(new PodSandboxMetadata(name, uid, namespace, attempt), hostname, ports, labels, annotations,
                Boolean.TRUE.equals(current.getSpec().getHostNetwork()));
    }

    private ContainerConfig containerConfig(Pod current, Container container, int attempt) {
        List<ContainerConfig.KeyValue> env = new ArrayList<>();
        for (EnvVar variable : container.getEnv()) {
            if (variable.getValue() != null) {
                env.add(new ContainerConfig.KeyValue(variable.getName(), variable.getValue()));
            }
        }
        Map<String, String> labels = Map.of(
                "io.kubernetes.container.name", container.getName(),
                "io.kubernetes.pod.name", name,
                "io.kubernetes.pod.namespace", namespace,
                "io.kubernetes.pod.uid", uid);
        Map<String, String> annotations = current.getMetadata().getAnnotations() == null ? Map.of()
                : current.getMetadata().getAnnotations();
        return new ContainerConfig(new ContainerMetadata(container.getName(), attempt),
                ImageSpec.of(container.getImage() == null ? "" : container.getImage()),
                container.getCommand(), container.getArgs(),
                container.getWorkingDir() == null ? "" : container.getWorkingDir(), env, labels, annotations);
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
        if (rewrite) {
            rewrite = false;
            written = null;
        }
        if (!status.equals(written)) {
            try {
                String patch = Serialization.asJson(Map.of("status", status));
                client.pods().inNamespace(namespace).withName(name).subresource("status")
                        .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
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
        if (wakeup != null && !wakeup.isDone() && wakeupAt != null && !when.isBefore(wakeupAt)) {
            return;
        }
        cancelWakeup();
        long delay = Math.max(0, Duration.between(node.services().clock().instant(), when).toMillis());
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
