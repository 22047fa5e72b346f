package dev.kapal.kubelet;

import dev.kapal.kubelet.runtime.ContainerEvent;
import dev.kapal.kubelet.runtime.NodeRuntime;
import dev.kapal.kubelet.runtime.PodSandboxStatus;
import dev.kapal.kubelet.runtime.RuntimeFailure;
import dev.kapal.kubelet.runtime.RuntimeStatus;
import dev.kapal.kubelet.runtime.RuntimeVersion;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a {@link KubeletHost}: registers the Node, keeps its Lease in
 * {@code kube-node-lease} renewed, reports node status, and owns the {@link PodWorker}s of the
 * pods bound to it.
 *
 * <p>Heartbeats as the kubelet with leases makes them: the Lease ({@code leaseDurationSeconds}
 * 40) is renewed every 10 s (steady-state renewals asynchronously, bounded per host); node status is computed every 10 s
 * ({@code nodeStatusUpdateFrequency}) and patched only when it changed, or when 5 min
 * ({@code nodeStatusReportFrequency}) passed since the last report. Each node's ticks start at a
 * random offset within the period, so thousands of nodes spread their writes evenly.
 *
 * <p>With {@link NodeConfig#honourDownAnnotation()}, the annotation
 * {@code sim.kapal.dev/down: "true"} on the Node makes this node behave as lost: no lease
 * renewals, no status reports, no pod status writes, pod changes unseen. Removing it resumes all
 * of these at once.
 */
final class NodeAgent {
    private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);
    static final String LEASE_NAMESPACE = "kube-node-lease";

    private final NodeConfig config;
    private final NodeRuntime runtime;
    private final KubeletHost.Services services;
    private final RuntimeVersion version;
    private final ConcurrentHashMap<String, PodWorker> pods = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, PodWorker> bySandbox = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> registered = new CompletableFuture<>();
    private final SerialTask leaseTask;
    private final SerialTask statusTask;
    private final List<ScheduledFuture<?>> ticks = new ArrayList<>();
    private volatile boolean down;
    private volatile String podCidr;
    private volatile String nodeUid;
    private volatile AutoCloseable eventSubscription;

    // Owned by renewLease() and, while one is in flight (renewing), by its completion.
    private volatile Lease lease;
    private final java.util.concurrent.atomic.AtomicBoolean renewing = new java.util.concurrent.atomic.AtomicBoolean();
    // Owned by reportStatus().
    private NodeStatus reported;
    private Instant reportedAt;
    private volatile boolean forceReport;

    private final Optional<PodVolumes> volumes;
    private final Optional<PodCgroups> cgroups;

    NodeAgent(NodeConfig config, NodeRuntime runtime, KubeletHost.Services services) {
        this.config = Objects.requireNonNull(config, "config");
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.services = Objects.requireNonNull(services, "services");
        this.version = runtime.version();
        this.volumes = runtime.podDirectoryRoot().map(root -> new PodVolumes(root, services.clock()));
        this.cgroups = volumes.isPresent() ? PodCgroups.detect(java.nio.file.Path.of("/sys/fs/cgroup")) : Optional.empty();
        this.leaseTask = new SerialTask(services.apiExecutor(), this::renewLease);
        this.statusTask = new SerialTask(services.apiExecutor(), this::reportStatus);
    }

    NodeConfig config() {
        return config;
    }

    NodeRuntime runtime() {
        return runtime;
    }

    /** Pod-level cgroups, on a node whose containers really run and a host that has cgroup v1. */
    Optional<PodCgroups> cgroups() {
        return cgroups;
    }

    /** Pod volumes, on a runtime with a filesystem (empty on simulated nodes). */
    Optional<PodVolumes> volumes() {
        return volumes;
    }

    KubeletHost.Services services() {
        return services;
    }

    String runtimeName() {
        return version.runtimeName();
    }

    boolean down() {
        return down;
    }

    CompletableFuture<Void> registered() {
        return registered;
    }

    int podCount() {
        return pods.size();
    }

    Optional<PodWorker> worker(String uid) {
        return Optional.ofNullable(pods.get(uid));
    }

    // ---------------------------------------------------------------- registration and heartbeats

    /** Registers the Node (on the API executor), then starts the heartbeat ticks. */
    /**
     * The pods that had sandboxes in the runtime when this agent started (null: unknown, the
     * runtime did not answer): only those can have containers to adopt; a pod that arrives later
     * starts from nothing, without asking the runtime first.
     */
    private volatile java.util.Set<String> podsWithSandboxesAtStart;

    /** Whether the runtime may hold containers of the pod from before this agent started. */
    boolean mayHaveContainersOf(String podUid) {
        java.util.Set<String> known = podsWithSandboxesAtStart;
        return known == null || known.contains(podUid);
    }

    void start() {
        try {
            java.util.Set<String> uids = new java.util.HashSet<>();
            for (PodSandboxStatus sandbox : runtime.listPodSandbox(NodeRuntime.PodSandboxFilter.ALL)) {
                String uid = sandbox.labels().get("io.kubernetes.pod.uid");
                if (uid != null) {
                    uids.add(uid);
                }
            }
            podsWithSandboxesAtStart = java.util.Set.copyOf(uids);
        } catch (RuntimeFailure unavailable) {
            podsWithSandboxesAtStart = null;  // every pod looks for containers to adopt
        }
        eventSubscription = runtime.containerEvents(this::onContainerEvent);
        services.apiExecutor().execute(this::register);
    }

    private void register() {
        KubernetesClient client = services.client();
        try {
            Node node;
            try {
                node = client.nodes().resource(NodeStatuses.initialNode(config)).create();
            } catch (KubernetesClientException failure) {
                if (failure.getCode() != 409) {
                    throw failure;
                }
                // Registered before (a restart): make sure the labels and annotations this kubelet owns are there.
                node = client.nodes().withName(config.name()).get();
                Map<String, String> labels = NodeStatuses.missing(config.labels(), node.getMetadata().getLabels());
                Map<String, String> annotations = NodeStatuses.missing(config.annotations(), node.getMetadata().getAnnotations());
                if (!labels.isEmpty() || !annotations.isEmpty()) {
                    node = client.nodes().withName(config.name()).patch(PatchContext.of(PatchType.JSON_MERGE),
                            Serialization.asJson(Map.of("metadata", Map.of("labels", labels, "annotations", annotations))));
                }
                if (node.getStatus() != null && !node.getStatus().getConditions().isEmpty()) {
                    reported = node.getStatus();
                }
            }
            nodeUid = node.getMetadata().getUid();
            nodeChanged(node);
            forceReport = true;
            reportStatus();
            renewLease();
            registered.complete(null);
            scheduleTicks();
        } catch (RuntimeException failure) {
            log.debug("registering node {}: {}", config.name(), failure.toString());
            try {
                services.timers().schedule(() -> services.apiExecutor().execute(this::register), 1, TimeUnit.SECONDS);
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                registered.completeExceptionally(failure);
            }
        }
    }

    private void scheduleTicks() {
        KubeletHost.Options options = services.options();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long renew = options.leaseRenewInterval().toMillis();
        long update = options.statusUpdateFrequency().toMillis();
        synchronized (ticks) {
            ticks.add(services.timers().scheduleAtFixedRate(() -> {
                if (!down) {
                    leaseTask.request();
                }
            }, random.nextLong(1, renew + 1), renew, TimeUnit.MILLISECONDS));
            ticks.add(services.timers().scheduleAtFixedRate(() -> {
                if (!down) {
                    statusTask.request();
                }
            }, random.nextLong(1, update + 1), update, TimeUnit.MILLISECONDS));
        }
    }

    private void renewLease() {
        if (down) {
            return;
        }
        KubernetesClient client = services.client();
        var leases = client.leases().inNamespace(LEASE_NAMESPACE);
        ZonedDateTime now = ZonedDateTime.ofInstant(services.clock().instant().truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
        if (lease != null && lease.getMetadata().getResourceVersion() != null) {
            renewAsync(now);
            return;
        }
        try {
            if (lease == null) {
                try {
                    // Usually there is none yet: create first, saving a read per node at registration.
                    lease = leases.resource(newLease(now)).create();
                    services.statistics().leaseRenewals.increment();
                    return;
                } catch (KubernetesClientException exists) {
                    if (exists.getCode() != 409) {
                        throw exists;
                    }
                    lease = leases.withName(config.name()).get();
                }
            }
            if (lease == null) {
                lease = leases.resource(newLease(now)).create();
            } else {
                Lease renewed = new LeaseBuilder(lease).editSpec()
                        .withHolderIdentity(config.name())
                        .withLeaseDurationSeconds((int) services.options().leaseDuration().toSeconds())
                        .withRenewTime(now).endSpec().build();
                if (nodeUid != null && renewed.getMetadata().getOwnerReferences().isEmpty()) {
                    renewed.getMetadata().setOwnerReferences(List.of(ownerReference()));
                }
                lease = leases.resource(renewed).update();
            }
            services.statistics().leaseRenewals.increment();
        } catch (KubernetesClientException failure) {
            // A conflict or a deleted lease: read it again on the next renewal.
            lease = null;
            log.debug("renewing the lease of {}: {}", config.name(), failure.getMessage());
        }
    }

    private static final java.time.format.DateTimeFormatter MICRO_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * The steady-state renewal: a PUT of the Lease as the kubelet's lease controller makes it
     * (optimistic on the last resourceVersion), its JSON written directly (the object is tiny and
     * fixed), sent without holding a thread, at most {@link KubeletHost#LEASE_RENEWALS_IN_FLIGHT}
     * per host at once and one per node. A conflict or failure drops the cached Lease, so the
     * next tick reads it again.
     */
    private void renewAsync(ZonedDateTime now) {
        if (!renewing.compareAndSet(false, true)) {
            return;  // the previous renewal is still in flight; this tick is absorbed by it
        }
        try {
            services.leaseRenewals().acquire();
        } catch (InterruptedException interrupted) {
            renewing.set(false);
            Thread.currentThread().interrupt();
            return;
        }
        String name = config.name();
        String owner = nodeUid == null ? "" : ",\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\""
                + name + "\",\"uid\":\"" + nodeUid + "\"}]";
        String body = "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"" + LEASE_NAMESPACE + "\",\"resourceVersion\":\"" + lease.getMetadata().getResourceVersion()
                + "\"" + owner + "},\"spec\":{\"holderIdentity\":\"" + name + "\",\"leaseDurationSeconds\":"
                + services.options().leaseDuration().toSeconds() + ",\"renewTime\":\"" + MICRO_TIME.format(now) + "\"}}";
        KubernetesClient client = services.client();
        var http = client.getHttpClient();
        String base = client.getMasterUrl().toString();
        String path = "apis/coordination.k8s.io/v1/namespaces/" + LEASE_NAMESPACE + "/leases/" + name;
        CompletableFuture<? extends io.fabric8.kubernetes.client.http.HttpResponse<String>> sent;
        try {
            sent = http.sendAsync(http.newHttpRequestBuilder()
                    .uri(base.endsWith("/") ? base + path : base + "/" + path)
                    .method("PUT", "application/json", body)
                    .build(), String.class);
        } catch (RuntimeException failure) {
            services.leaseRenewals().release();
            renewing.set(false);
            log.debug("renewing the lease of {}: {}", name, failure.toString());
            return;
        }
        sent.orTimeout(30, TimeUnit.SECONDS).whenComplete((response, failure) -> {
            services.leaseRenewals().release();
            try {
                String version = failure == null && response.code() == 200 ? resourceVersionOf(response.body()) : null;
                if (version != null) {
                    lease.getMetadata().setResourceVersion(version);
                    lease.getSpec().setRenewTime(now);
                    services.statistics().leaseRenewals.increment();
                } else {
                    // A conflict, a deleted lease, or no answer: read it again on the next renewal.
                    lease = null;
                    log.debug("renewing the lease of {}: {}", name, failure != null ? failure.toString()
                            : response.code() + " " + response.body());
                }
            } finally {
                renewing.set(false);
            }
        });
    }

    /** The object's {@code metadata.resourceVersion}: the first one in a Lease's JSON (nothing else in it has one). */
    static String resourceVersionOf(String json) {
        String marker = "\"resourceVersion\":\"";
        int start = json == null ? -1 : json.indexOf(marker);
        if (start < 0) {
            return null;
        }
        start += marker.length();
        int end = json.indexOf('"', start);
        return end < 0 ? null : json.substring(start, end);
    }

    private Lease newLease(ZonedDateTime now) {
        LeaseBuilder builder = new LeaseBuilder()
                .withNewMetadata().withName(config.name()).withNamespace(LEASE_NAMESPACE).endMetadata()
                .withNewSpec()
                    .withHolderIdentity(config.name())
                    .withLeaseDurationSeconds((int) services.options().leaseDuration().toSeconds())
                    .withRenewTime(now)
                .endSpec();
        if (nodeUid != null) {
            builder.editMetadata().withOwnerReferences(ownerReference()).endMetadata();
        }
        return builder.build();
    }

    private io.fabric8.kubernetes.api.model.OwnerReference ownerReference() {
        return new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node").withName(config.name()).withUid(nodeUid).build();
    }

    private void reportStatus() {
        if (down) {
            return;
        }
        Instant now = services.clock().instant();
        RuntimeStatus runtimeStatus;
        try {
            runtimeStatus = runtime.status();
        } catch (RuntimeFailure unreachable) {
            // containerd is down (being restarted): the node says so, as a kubelet whose runtime stopped answering.
            runtimeStatus = new RuntimeStatus(List.of());
        }
        List<io.fabric8.kubernetes.api.model.ContainerImage> images = List.of();
        if (volumes.isPresent()) {  // a node whose containers really run; simulated nodes report no images
            try {
                images = NodeStatuses.images(runtime.listImages());
            } catch (RuntimeFailure unreachable) {
                images = reported == null || reported.getImages() == null ? List.of() : reported.getImages();
            }
        }
        NodeStatus status = NodeStatuses.status(config, version, runtimeStatus, Optional.ofNullable(reported), now, images);
        boolean due = forceReport || reported == null || reportedAt == null
                || !now.isBefore(reportedAt.plus(services.options().statusReportFrequency()))
                || !NodeStatuses.sameExceptHeartbeats(status, reported);
        if (!due) {
            return;
        }
        try {
            services.client().nodes().withName(config.name()).subresource("status")
                    .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), Serialization.asJson(Map.of("status", status)));
            reported = status;
            reportedAt = now;
            forceReport = false;
            services.statistics().nodeStatusReports.increment();
        } catch (KubernetesClientException failure) {
            log.debug("reporting the status of {}: {}", config.name(), failure.getMessage());
            if (!registered.isDone()) {
                throw failure;
            }
        }
    }

    // ---------------------------------------------------------------- informer events

    /** The node informer saw this node (added or changed). */
    void nodeChanged(Node node) {
        boolean nowDown = config.honourDownAnnotation() && node.getMetadata().getAnnotations() != null
                && "true".equals(node.getMetadata().getAnnotations().get(NodeConfig.DOWN_ANNOTATION));
        boolean resumed = down && !nowDown;
        down = nowDown;
        if (resumed) {
            forceReport = true;
            leaseTask.request();
            statusTask.request();
            pods.values().forEach(worker -> {
                worker.requestSync();
                worker.requestStatusRewrite();
            });
        }
        String cidr = node.getSpec() == null ? null : node.getSpec().getPodCIDR();
        if (cidr != null && !cidr.equals(podCidr)) {
            podCidr = cidr;
            services.syncExecutor().execute(() -> {
                runtime.updateRuntimeConfig(cidr);
                pods.values().forEach(PodWorker::networkChanged);
            });
        }
    }

    /** A pod bound to this node was added or changed. */
    void podChanged(Pod pod) {
        String uid = pod.getMetadata().getUid();
        PodWorker worker = pods.computeIfAbsent(uid, ignored -> new PodWorker(this, pod));
        if (down) {
            worker.remember(pod);  // a lost node does not act on changes; it catches up when it comes back
            return;
        }
        worker.update(pod);
        worker.reconcileStatus(pod);
    }

    /** A pod bound to this node is gone from the API. */
    void podDeleted(Pod pod) {
        PodWorker worker = pods.get(pod.getMetadata().getUid());
        if (worker != null) {
            worker.deleted();
        }
    }

    /**
     * Stops and removes the sandboxes (and so the containers) of pods that are neither in
     * {@code knownPodUids} (the API's pods, listed after a start) nor run by a worker: pods deleted
     * while the agent was away, as the kubelet's housekeeping removes them.
     */
    void removeOrphans(java.util.Set<String> knownPodUids) {
        try {
            for (PodSandboxStatus sandbox : runtime.listPodSandbox(NodeRuntime.PodSandboxFilter.ALL)) {
                String uid = sandbox.labels().get("io.kubernetes.pod.uid");
                if (uid == null || knownPodUids.contains(uid) || pods.containsKey(uid)) {
                    continue;
                }
                log.info("removing sandbox {} of {}/{}: the pod is gone", sandbox.id(), sandbox.metadata().namespace(),
                        sandbox.metadata().name());
                runtime.stopPodSandbox(sandbox.id());
                runtime.removePodSandbox(sandbox.id());
            }
        } catch (RuntimeFailure failure) {
            log.debug("looking for orphaned sandboxes on {}: {}", config.name(), failure.getMessage());
        }
    }

    void forget(PodWorker worker) {
        pods.remove(worker.uid(), worker);
    }

    void sandboxCreated(String sandboxId, PodWorker worker) {
        bySandbox.put(sandboxId, worker);
    }

    void sandboxRemoved(String sandboxId) {
        bySandbox.remove(sandboxId);
    }

    private void onContainerEvent(ContainerEvent event) {
        if (event.type() == ContainerEvent.Type.CONTAINER_STOPPED_EVENT) {
            PodWorker worker = bySandbox.get(event.podSandboxId());
            if (worker != null) {
                worker.requestSync();
            }
        }
    }

    void close() {
        synchronized (ticks) {
            ticks.forEach(tick -> tick.cancel(false));
        }
        Component.closeQuietly(eventSubscription);
        runtime.close();
    }

    /** Small closing helper. */
    static final class Component {
        private Component() {
        }

        static void closeQuietly(AutoCloseable closeable) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // Closing only releases memory here.
                }
            }
        }
    }

    Duration leaseDuration() {
        return services.options().leaseDuration();
    }
}
