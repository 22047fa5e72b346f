package dev.kapal.scheduler;

import dev.kapal.scheduler.cache.SchedulerCache;
import dev.kapal.scheduler.framework.CycleState;
import dev.kapal.scheduler.framework.NodeInfo;
import dev.kapal.scheduler.framework.PodKey;
import dev.kapal.scheduler.framework.Profile;
import dev.kapal.scheduler.framework.SchedulingException;
import dev.kapal.scheduler.framework.Status;
import dev.kapal.scheduler.plugins.Registry;
import dev.kapal.scheduler.queue.SchedulingQueue;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler: informers over pods and nodes feed the {@link SchedulerCache} (assigned pods)
 * and the {@link SchedulingQueue} (unassigned pods whose {@code spec.schedulerName} has a
 * profile here; others are left alone). One platform thread, {@code scheduler}, runs the
 * scheduling cycles one pod at a time; each successful cycle assumes the pod on its node and
 * hands PreBind and Bind to a virtual thread, so the next cycle starts while the binding is
 * in flight. A failed cycle writes a {@code FailedScheduling} event and the {@code
 * PodScheduled=False} condition (reason Unschedulable) and requeues the pod.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #ready()} completes when the informers have synced
 * and the loop runs, {@link #close()} stops everything (in-flight bindings are abandoned).
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    public static final String COMPONENT = Profile.DEFAULT_SCHEDULER;

    private final KubernetesClient client;
    private final Map<String, Profile> profiles;
    private final SchedulerCache cache = new SchedulerCache();
    private final ClusterInformers cluster;
    private final Nominator nominator = new Nominator();
    private final dev.kapal.scheduler.metrics.SchedulerMetrics metrics = new dev.kapal.scheduler.metrics.SchedulerMetrics();
    private final SchedulingQueue queue;
    private final ExecutorService filterPool;
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private final Algorithm algorithm;
    private final EventRecorder events;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Statistics statistics = new Statistics();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private volatile boolean running;
    private Thread loop;

    /** Counters of what the scheduler did, for benchmarks and (later) metrics. */
    public static final class Statistics {
        private final AtomicLong scheduled = new AtomicLong();
        private final AtomicLong unschedulable = new AtomicLong();
        private final AtomicLong errors = new AtomicLong();
        private final AtomicLong bound = new AtomicLong();
        private final AtomicLong cycleNanos = new AtomicLong();

        /** Cycles that chose a node. */
        public long scheduled() {
            return scheduled.get();
        }

        public long unschedulable() {
            return unschedulable.get();
        }

        public long errors() {
            return errors.get();
        }

        /** Bindings the API accepted. */
        public long bound() {
            return bound.get();
        }

        /** Time spent inside scheduling cycles (snapshot to assume), summed. */
        public Duration cycleTime() {
            return Duration.ofNanos(cycleNanos.get());
        }
    }

    /** Builds the profiles from what the scheduler provides to plugins. */
    @FunctionalInterface
    public interface ProfileFactory {
        /**
         * @param binder  how the DefaultBinder writes Bindings
         * @param cluster the listers plugins read (namespaces, services, controllers, PDBs)
         * @param evictor how DefaultPreemption removes victims
         */
        List<Profile> create(dev.kapal.scheduler.plugins.DefaultBinder.BindingWriter binder, dev.kapal.scheduler.framework.ClusterView cluster,
                             dev.kapal.scheduler.plugins.DefaultPreemption.Evictor evictor);
    }

    /** A scheduler with the in-tree plugins in the default profile ({@code default-scheduler}). */
    public static Scheduler withDefaultProfile(KubernetesClient client) {
        return new Scheduler(client, (ProfileFactory) (binder, cluster, evictor) ->
                List.of(Registry.inTree(binder, cluster, evictor).defaultProfile()));
    }

    /**
     * @param profilesFor builds the profiles, given the binding writer the DefaultBinder uses
     */
    public Scheduler(KubernetesClient client,
                     java.util.function.Function<dev.kapal.scheduler.plugins.DefaultBinder.BindingWriter, List<Profile>> profilesFor) {
        this(client, (ProfileFactory) (binder, cluster, evictor) -> profilesFor.apply(binder));
    }

    /** @param profiles builds the profiles; each needs a distinct {@code schedulerName} */
    public Scheduler(KubernetesClient client, ProfileFactory profiles) {
        this.client = Objects.requireNonNull(client, "client");
        this.cluster = new ClusterInformers(client);
        Map<String, Profile> byName = new java.util.LinkedHashMap<>();
        for (Profile profile : profiles.create(this::writeBinding, cluster, this::evict)) {
            if (byName.put(profile.schedulerName(), profile) != null) {
                throw new IllegalArgumentException("two profiles named " + profile.schedulerName());
            }
        }
        this.profiles = Map.copyOf(byName);
        this.queue = new SchedulingQueue(System::nanoTime,
                pod -> profileFor(pod).map(profile -> profile.runPreEnqueue(pod)).orElse(Status.success()));
        // Half the cores: the scheduler shares its process (and usually its machine) with the API
        // server, and on a busy small machine handing filter work to other threads costs more in
        // wake-ups than it saves; the cycle's own thread always filters too.
        int parallelism = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        AtomicLong threadNumber = new AtomicLong();
        this.filterPool = Executors.newFixedThreadPool(parallelism, runnable -> {
            Thread thread = new Thread(runnable, "scheduler-filter-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.algorithm = new Algorithm(filterPool, parallelism, nominator);
        this.events = new EventRecorder(client, COMPONENT, background);
        metrics.pendingPods(() -> {
            Map<String, Integer> depths = new java.util.TreeMap<>();
            queue.depths().forEach((where, count) -> {
                switch (where) {
                    case ACTIVE -> depths.merge("active", count, Integer::sum);
                    case BACKOFF -> depths.merge("backoff", count, Integer::sum);
                    case UNSCHEDULABLE -> depths.merge("unschedulable", count, Integer::sum);
                    case GATED -> depths.merge("gated", count, Integer::sum);
                    case IN_FLIGHT -> {
                        // Being scheduled right now: upstream counts these nowhere.
                    }
                }
            });
            return depths;
        });
    }

    /** kube-scheduler's metrics; render them into {@code /metrics}. */
    public dev.kapal.scheduler.metrics.SchedulerMetrics metrics() {
        return metrics;
    }

    public CompletableFuture<Void> ready() {
        return ready;
    }

    public Statistics statistics() {
        return statistics;
    }

    public SchedulingQueue queue() {
        return queue;
    }

    /** Starts the informers and, once they have synced, the scheduling loop. */
    public void start() {
        running = true;
        SharedIndexInformer<Node> nodeInformer = client.nodes().runnableInformer(0);
        nodeInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                cache.addOrUpdateNode(node);
                queue.moveAllToActiveOrBackoff("NodeAdd");
            }

            @Override
            public void onUpdate(Node previous, Node node) {
                cache.addOrUpdateNode(node);
                if (schedulingRelevantChange(previous, node)) {
                    queue.moveAllToActiveOrBackoff("NodeUpdate");
                }
            }

            @Override
            public void onDelete(Node node, boolean finalStateUnknown) {
                cache.removeNode(node.getMetadata().getName());
            }
        });
        informers.add(nodeInformer);
        SharedIndexInformer<Pod> podInformer = client.pods().inAnyNamespace().runnableInformer(0);
        podInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                podChanged(pod);
            }

            @Override
            public void onUpdate(Pod previous, Pod pod) {
                podChanged(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                PodKey key = PodKey.of(pod);
                queue.delete(key);
                nominator.remove(key);
                boolean wasAssigned = cache.nodeOf(key).isPresent();
                cache.removePod(key);
                if (wasAssigned) {
                    queue.moveAllToActiveOrBackoff("AssignedPodDelete");
                }
            }
        });
        informers.add(podInformer);
        // Listers and nodes first, so the first pods are scheduled against a full picture.
        cluster.start().thenCompose(ignored -> nodeInformer.start().toCompletableFuture())
                .thenCompose(ignored -> podInformer.start().toCompletableFuture())
                .whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        ready.completeExceptionally(failure);
                        return;
                    }
                    loop = Thread.ofPlatform().name("scheduler").daemon().start(this::run);
                    ready.complete(null);
                });
    }

    private static boolean schedulingRelevantChange(Node previous, Node node) {
        // Heartbeat-only status updates (condition times) do not make a pod fit anywhere new.
        return !Objects.equals(previous.getSpec(), node.getSpec())
                || !Objects.equals(previous.getMetadata().getLabels(), node.getMetadata().getLabels())
                || !Objects.equals(previous.getStatus() == null ? null : previous.getStatus().getAllocatable(),
                        node.getStatus() == null ? null : node.getStatus().getAllocatable());
    }

    /**
     * The pod with {@code spec.priority} taken from its PriorityClass, as the Priority admission
     * plugin would have set it (the API server does not resolve classes yet), and with {@code
     * preemptionPolicy: Never} when the class says so (the API server defaults the pod's own
     * policy, so a pod's explicit Never cannot be told from a default and is always kept);
     * unchanged without a class name or with an unknown class.
     */
    private Pod withResolvedPriority(Pod pod) {
        String className = pod.getSpec().getPriorityClassName();
        if (className == null || className.isEmpty()) {
            return pod;
        }
        var priorityClass = cluster.priorityClass(className);
        if (priorityClass.isEmpty() || priorityClass.get().getValue() == null) {
            return pod;
        }
        int value = priorityClass.get().getValue();
        String policy = "Never".equals(priorityClass.get().getPreemptionPolicy()) ? "Never" : null;
        if (Objects.equals(pod.getSpec().getPriority(), value)
                && (policy == null || policy.equals(pod.getSpec().getPreemptionPolicy()))) {
            return pod;
        }
        Pod resolved = new io.fabric8.kubernetes.api.model.PodBuilder(pod).editSpec().withPriority(value).endSpec().build();
        if (policy != null) {
            resolved.getSpec().setPreemptionPolicy(policy);
        }
        return resolved;
    }

    private void podChanged(Pod informed) {
        Pod pod = withResolvedPriority(informed);
        PodKey key = PodKey.of(pod);
        String nodeName = pod.getSpec().getNodeName();
        if (nodeName != null && !nodeName.isEmpty()) {
            queue.delete(key);
            nominator.remove(key);
            cache.addOrUpdatePod(pod);
            if (SchedulerCacheAccess.isTerminated(pod)) {
                queue.moveAllToActiveOrBackoff("AssignedPodTerminated");
            }
            return;
        }
        if (pod.getMetadata().getDeletionTimestamp() != null || SchedulerCacheAccess.isTerminated(pod)) {
            queue.delete(key);
            return;
        }
        if (profileFor(pod).isPresent() && !cache.isAssumed(key)) {
            nominator.update(pod);
            queue.addOrUpdate(pod);
        }
    }

    private Optional<Profile> profileFor(Pod pod) {
        String name = pod.getSpec().getSchedulerName();
        return Optional.ofNullable(profiles.get(name == null || name.isEmpty() ? Profile.DEFAULT_SCHEDULER : name));
    }

    private void run() {
        while (running) {
            try {
                Optional<SchedulingQueue.Entry> next = queue.pop(Duration.ofSeconds(1));
                next.ifPresent(this::scheduleOne);
            } catch (InterruptedException interrupted) {
                return;
            } catch (RuntimeException unexpected) {
                log.error("scheduling loop: {}", unexpected.toString(), unexpected);
            }
        }
    }

    private void scheduleOne(SchedulingQueue.Entry entry) {
        Pod pod = entry.pod();
        Optional<Profile> found = profileFor(pod);
        if (found.isEmpty()) {
            queue.done(entry.key());
            return;
        }
        Profile profile = found.get();
        long started = System.nanoTime();
        CycleState state = new CycleState();
        List<NodeInfo> nodes = cache.snapshot();
        state.setNodesWithRequiredAntiAffinity(cache.nodesWithRequiredAntiAffinity());
        Algorithm.Result result;
        try {
            result = algorithm.schedule(profile, state, pod, nodes);
        } catch (SchedulingException failure) {
            statistics.cycleNanos.addAndGet(System.nanoTime() - started);
            statistics.errors.incrementAndGet();
            metrics.attempt(profile.schedulerName(), "error", System.nanoTime() - started);
            fail(entry, false, "running " + failure.getMessage());
            return;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return;
        }
        switch (result) {
            case Algorithm.Result.Unschedulable unschedulable -> {
                statistics.cycleNanos.addAndGet(System.nanoTime() - started);
                statistics.unschedulable.incrementAndGet();
                metrics.attempt(profile.schedulerName(), "unschedulable", System.nanoTime() - started);
                unschedulable.nominatedNode().ifPresent(node -> nominator.nominate(pod, node));
                fail(entry, true, unschedulable.message(), unschedulable.nominatedNode());
            }
            case Algorithm.Result.Scheduled scheduled -> assumeAndBind(entry, profile, state, scheduled.nodeName(), started);
        }
    }

    private void assumeAndBind(SchedulingQueue.Entry entry, Profile profile, CycleState state, String nodeName, long started) {
        Pod pod = entry.pod();
        cache.assume(pod, nodeName);
        Status reserve = profile.runReserve(state, pod, nodeName);
        Status permit = reserve.isSuccess() ? profile.runPermit(state, pod, nodeName) : reserve;
        statistics.cycleNanos.addAndGet(System.nanoTime() - started);
        metrics.attempt(profile.schedulerName(), permit.isSuccess() ? "scheduled" : permit.isRejected() ? "unschedulable" : "error",
                System.nanoTime() - started);
        if (!permit.isSuccess()) {
            profile.runUnreserve(state, pod, nodeName);
            cache.forget(entry.key());
            statistics.errors.incrementAndGet();
            fail(entry, permit.isRejected(), permit.message());
            return;
        }
        statistics.scheduled.incrementAndGet();
        background.execute(() -> {
            Status status = profile.runPreBind(state, pod, nodeName);
            if (status.isSuccess()) {
                status = profile.runBind(state, pod, nodeName);
            }
            if (status.isSuccess()) {
                statistics.bound.incrementAndGet();
                metrics.podScheduled(entry.attempts(), System.nanoTime() - entry.enqueuedNanos());
                nominator.remove(entry.key());
                queue.done(entry.key());
                events.record(pod, "Normal", "Scheduled", "Successfully assigned " + entry.key() + " to " + nodeName);
            } else {
                profile.runUnreserve(state, pod, nodeName);
                cache.forget(entry.key());
                statistics.errors.incrementAndGet();
                fail(entry, false, "binding rejected: " + status.message());
                queue.moveAllToActiveOrBackoff("BindFailure");
            }
        });
    }

    private void fail(SchedulingQueue.Entry entry, boolean unschedulable, String message) {
        fail(entry, unschedulable, message, Optional.empty());
    }

    /**
     * The event, the PodScheduled=False condition (when it changes) with the nominated node
     * (when preemption made room), and the requeue.
     */
    private void fail(SchedulingQueue.Entry entry, boolean unschedulable, String message, Optional<String> nominatedNode) {
        Pod pod = entry.pod();
        log.debug("unable to schedule {}: {}", entry.key(), message);
        queue.requeueAfterFailure(entry, unschedulable);
        events.record(pod, "Warning", "FailedScheduling", message);
        String reason = unschedulable ? "Unschedulable" : "SchedulerError";
        Optional<PodCondition> current = Optional.ofNullable(pod.getStatus())
                .map(status -> status.getConditions()).orElse(List.of()).stream()
                .filter(condition -> "PodScheduled".equals(condition.getType())).findFirst();
        if (current.isPresent() && "False".equals(current.get().getStatus())
                && reason.equals(current.get().getReason()) && message.equals(current.get().getMessage())
                && nominatedNode.isEmpty()) {
            return;
        }
        background.execute(() -> patchCondition(pod, reason, message, nominatedNode));
    }

    private void patchCondition(Pod pod, String reason, String message, Optional<String> nominatedNode) {
        Map<String, Object> condition = new java.util.LinkedHashMap<>();
        condition.put("type", "PodScheduled");
        condition.put("status", "False");
        condition.put("lastProbeTime", null);
        condition.put("lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        condition.put("reason", reason);
        condition.put("message", message);
        Map<String, Object> status = new java.util.LinkedHashMap<>();
        status.put("conditions", List.of(condition));
        nominatedNode.ifPresent(node -> status.put("nominatedNodeName", node));
        String patch = Serialization.asJson(Map.of("status", status));
        try {
            request("PATCH", podPath(pod) + "/status", "application/strategic-merge-patch+json", patch);
        } catch (RuntimeException failure) {
            log.debug("PodScheduled condition of {} not written: {}", PodKey.of(pod), failure.getMessage());
        }
    }

    /**
     * Preempts {@code victim} as upstream does: the DisruptionTarget condition (reason
     * PreemptionByScheduler) on its status, then a graceful delete, then the {@code Preempted}
     * event. Runs in the background; failures are logged (the preemptor retries).
     */
    private void evict(Pod victim, Pod preemptor, String nodeName) {
        metrics.preemption(1);
        background.execute(() -> {
            Map<String, Object> condition = new java.util.LinkedHashMap<>();
            condition.put("type", "DisruptionTarget");
            condition.put("status", "True");
            condition.put("lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            condition.put("reason", "PreemptionByScheduler");
            condition.put("message", profileFor(preemptor).map(Profile::schedulerName).orElse(COMPONENT)
                    + ": preempting to accommodate a higher priority pod");
            try {
                request("PATCH", podPath(victim) + "/status", "application/strategic-merge-patch+json",
                        Serialization.asJson(Map.of("status", Map.of("conditions", List.of(condition)))));
                client.pods().inNamespace(victim.getMetadata().getNamespace()).withName(victim.getMetadata().getName()).delete();
                events.record(victim, "Normal", "Preempted",
                        "Preempted by pod " + preemptor.getMetadata().getUid() + " on node " + nodeName);
            } catch (RuntimeException failure) {
                log.warn("preempting {} for {} failed: {}", PodKey.of(victim), PodKey.of(preemptor), failure.getMessage());
            }
        });
    }

    /** POST pods/binding: the API server sets spec.nodeName and PodScheduled=True. */
    private Status writeBinding(Pod pod, String nodeName) {
        String binding = Serialization.asJson(Map.of(
                "apiVersion", "v1",
                "kind", "Binding",
                "metadata", Map.of("name", pod.getMetadata().getName(), "namespace", pod.getMetadata().getNamespace(),
                        "uid", pod.getMetadata().getUid() == null ? "" : pod.getMetadata().getUid()),
                "target", Map.of("apiVersion", "v1", "kind", "Node", "name", nodeName)));
        try {
            request("POST", podPath(pod) + "/binding", "application/json", binding);
            return Status.success();
        } catch (RuntimeException failure) {
            return Status.error("DefaultBinder", failure.getMessage());
        }
    }

    private static String podPath(Pod pod) {
        return "api/v1/namespaces/" + pod.getMetadata().getNamespace() + "/pods/" + pod.getMetadata().getName();
    }

    private void request(String method, String path, String contentType, String body) {
        var http = client.getHttpClient();
        String base = client.getMasterUrl().toString();
        var request = http.newHttpRequestBuilder()
                .uri(base.endsWith("/") ? base + path : base + "/" + path)
                .method(method, contentType, body)
                .build();
        try {
            var response = http.sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
            if (response.code() >= 300) {
                throw new IllegalStateException(method + " " + path + ": " + response.code() + " " + response.body());
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", interrupted);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException failure) {
            throw new IllegalStateException(method + " " + path + ": " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() {
        running = false;
        queue.close();
        informers.forEach(SharedIndexInformer::close);
        cluster.close();
        Thread current = loop;
        if (current != null) {
            try {
                current.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        filterPool.shutdownNow();
        background.shutdownNow();
    }

    /** Access to the cache's phase check without widening its API. */
    private static final class SchedulerCacheAccess {
        static boolean isTerminated(Pod pod) {
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            return "Succeeded".equals(phase) || "Failed".equals(phase);
        }
    }
}
