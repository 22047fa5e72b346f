package dev.kapal.kubelet;

import dev.kapal.kubelet.runtime.NodeRuntime;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The kubelet core, generic over {@link NodeRuntime}: one host runs the kubelets of one or many
 * nodes with a bounded set of threads, so a single process can simulate thousands of nodes and
 * the real agent (one node, containerd) reuses the same code.
 *
 * <p>Shared by all nodes of a host: one pod informer (all namespaces, or only this node's pods
 * when {@link Options#podFieldSelector()} says so) whose events go by {@code spec.nodeName} to
 * the node that owns the pod; one node informer (down annotation, pod CIDR); one timer thread
 * ({@code kubelet-timers}) for heartbeat ticks, back-offs and retries; a sync pool for pod
 * workers; and a bounded pool ({@code kubelet-api-N}) for every write to the API server, where
 * pod status writes are coalesced per pod. Heartbeat ticks of the nodes are spread at random over
 * their period.
 *
 * <p>Events: one {@link KubeletEvents} recorder for all nodes of the host (a few virtual writer
 * threads, a bounded queue, aggregation and upstream's spam filter), so simulated nodes write
 * the same Pulled/Created/Started… events as real ones. Probes run on virtual threads
 * ({@code kubelet-probe-N}) ticked by the timer thread.
 *
 * <p>Not (yet) done by this kubelet: volumes, the node's {@code images} list, and the streaming API.
 *
 * <p>Lifecycle: {@link #addNode} any number of times before {@link #start()}; {@link #ready()}
 * completes when every node is registered (Node, status, Lease) and the informers synced;
 * {@link #close()} stops the informers and threads and leaves the runtimes' containers as they are.
 */
public final class KubeletHost implements AutoCloseable {

    /**
     * Timing and sizing. The defaults are upstream's: lease duration 40 s renewed every 10 s
     * (a quarter of it), node status computed every 10 s and reported at least every 5 min.
     *
     * @param apiWriters       threads writing to the API server
     * @param syncThreads      threads running pod syncs; 0 for a virtual thread per sync (for
     *                         runtimes whose calls block, like containerd)
     * @param podFieldSelector a field selector for the pod informer ({@code spec.nodeName=x} for a
     *                         single real node); empty watches all pods
     */
    public record Options(Duration leaseDuration, Duration leaseRenewInterval, Duration statusUpdateFrequency,
                          Duration statusReportFrequency, int apiWriters, int syncThreads,
                          Optional<Map.Entry<String, String>> podFieldSelector) {
        public Options {
            Objects.requireNonNull(leaseDuration, "leaseDuration");
            Objects.requireNonNull(leaseRenewInterval, "leaseRenewInterval");
            Objects.requireNonNull(statusUpdateFrequency, "statusUpdateFrequency");
            Objects.requireNonNull(statusReportFrequency, "statusReportFrequency");
            Objects.requireNonNull(podFieldSelector, "podFieldSelector");
            if (apiWriters < 1 || syncThreads < 0) {
                throw new IllegalArgumentException("apiWriters must be positive and syncThreads not negative");
            }
        }

        public static Options defaults() {
            return new Options(Duration.ofSeconds(40), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofMinutes(5),
                    8, 2, Optional.empty());
        }

        public Options withIntervals(Duration leaseRenewInterval, Duration statusUpdateFrequency) {
            return new Options(leaseDuration, leaseRenewInterval, statusUpdateFrequency, statusReportFrequency, apiWriters,
                    syncThreads, podFieldSelector);
        }
    }

    /** Counters of the writes the host made, for benchmarks and (later) metrics. */
    public static final class Statistics {
        final LongAdder leaseRenewals = new LongAdder();
        final LongAdder nodeStatusReports = new LongAdder();
        final LongAdder statusWrites = new LongAdder();

        public long leaseRenewals() {
            return leaseRenewals.sum();
        }

        public long nodeStatusReports() {
            return nodeStatusReports.sum();
        }

        public long podStatusWrites() {
            return statusWrites.sum();
        }

        /** Events written (created or aggregated), for benchmarks. */
        public long eventsWritten() {
            return events == null ? 0 : events.written();
        }

        /** Events dropped (queue full) or held back by the spam filter. */
        public long eventsDropped() {
            return events == null ? 0 : events.dropped() + events.filtered();
        }

        /** Events waiting to be written. */
        public int eventsQueued() {
            return events == null ? 0 : events.queued();
        }

        private volatile KubeletEvents events;
    }

    /**
     * What every node and pod worker of a host shares. {@code leaseRenewals} bounds the Lease
     * renewals in flight at once: they are sent asynchronously (a thread is not held per
     * request), so thousands of nodes renew at upstream's rate with the few API threads.
     */
    record Services(KubernetesClient client, Clock clock, ScheduledExecutorService timers, ExecutorService syncExecutor,
                    ExecutorService apiExecutor, Options options, Statistics statistics, KubeletEvents events,
                    ExecutorService probeExecutor, java.util.concurrent.Semaphore leaseRenewals,
                    java.util.function.Supplier<Optional<List<io.fabric8.kubernetes.api.model.Service>>> cachedServices) {
    }

    /** How many events may wait to be written: a burst of pod starts on many simulated nodes fits. */
    private static final int EVENT_QUEUE = 50_000;
    private static final int EVENT_WRITERS = 4;

    /** Lease renewals in flight at once per host. */
    static final int LEASE_RENEWALS_IN_FLIGHT = 64;

    private final Services services;
    private final Map<String, NodeAgent> nodes = new LinkedHashMap<>();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile boolean started;
    /** Every Service, for the environment of containers that really run (the kubelet's service lister). */
    private volatile SharedIndexInformer<io.fabric8.kubernetes.api.model.Service> serviceInformer;

    public KubeletHost(KubernetesClient client, Options options, Clock clock, ScheduledExecutorService timers) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(options, "options");
        AtomicInteger apiThreads = new AtomicInteger();
        ExecutorService api = Executors.newFixedThreadPool(options.apiWriters(), runnable -> {
            Thread thread = new Thread(runnable, "kubelet-api-" + apiThreads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        AtomicInteger syncThreads = new AtomicInteger();
        ExecutorService sync = options.syncThreads() == 0
                ? Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("kubelet-sync-", 0).factory())
                : Executors.newFixedThreadPool(options.syncThreads(), runnable -> {
                    Thread thread = new Thread(runnable, "kubelet-sync-" + syncThreads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        ExecutorService probes = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("kubelet-probe-", 0).factory());
        this.services = new Services(client, clock, timers, sync, api, options, new Statistics(),
                new KubeletEvents(client, clock, EVENT_QUEUE, EVENT_WRITERS), probes,
                new java.util.concurrent.Semaphore(LEASE_RENEWALS_IN_FLIGHT), this::cachedServices);
        services.statistics().events = services.events();
    }

    /** A timer executor of one named daemon thread, as hosts and simulated runtimes share. */
    public static ScheduledExecutorService newTimers() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "kubelet-timers");
            thread.setDaemon(true);
            return thread;
        });
        timers.setRemoveOnCancelPolicy(true);
        timers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return timers;
    }

    /** Adds a node this host runs the kubelet of; before {@link #start()} only. */
    public synchronized void addNode(NodeConfig config, NodeRuntime runtime) {
        if (started) {
            throw new IllegalStateException("nodes are added before start()");
        }
        if (nodes.containsKey(config.name())) {
            throw new IllegalArgumentException("node " + config.name() + " added twice");
        }
        nodes.put(config.name(), new NodeAgent(config, runtime, services));
    }

    /**
     * Whether the host's kubelets record Events (on by default, as upstream). Off only for
     * benchmarks that measure what events cost.
     */
    public void recordEvents(boolean enabled) {
        services.events().enabled(enabled);
    }

    public Statistics statistics() {
        return services.statistics();
    }

    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** How many pods the host's nodes run (workers alive). */
    public int podCount() {
        return nodes.values().stream().mapToInt(NodeAgent::podCount).sum();
    }

    /** Whether the named node of this host has seen its {@code sim.kapal.dev/down} annotation and is silent. */
    public boolean nodeDown(String nodeName) {
        NodeAgent agent = nodes.get(nodeName);
        return agent != null && agent.down();
    }

    /** The status a node's kubelet last computed for a pod, for tests and benchmarks. */
    public Optional<PodStatus> computedStatus(String nodeName, String podUid) {
        return Optional.ofNullable(nodes.get(nodeName)).flatMap(node -> node.worker(podUid)).flatMap(PodWorker::desiredStatus);
    }

    /** The Services as the informer has them, once it has synced; empty on hosts of simulated nodes only. */
    private Optional<List<io.fabric8.kubernetes.api.model.Service>> cachedServices() {
        SharedIndexInformer<io.fabric8.kubernetes.api.model.Service> informer = serviceInformer;
        return informer != null && informer.hasSynced() ? Optional.of(informer.getStore().list()) : Optional.empty();
    }

    /** Registers the nodes and starts the informers. */
    public synchronized void start() {
        started = true;
        KubernetesClient client = services.client();
        // Containers that really run get the Service variables: read from a cache, as the kubelet's
        // service lister, rather than listed at every container start. Simulated nodes need none.
        if (nodes.values().stream().anyMatch(agent -> agent.volumes().isPresent())) {
            serviceInformer = client.services().inAnyNamespace().runnableInformer(0);
            informers.add(serviceInformer);
        }
        SharedIndexInformer<Node> nodeInformer = client.nodes().runnableInformer(0);
        nodeInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                dispatch(node);
            }

            @Override
            public void onUpdate(Node previous, Node node) {
                dispatch(node);
            }

            @Override
            public void onDelete(Node node, boolean finalStateUnknown) {
                // A deleted Node is registered again by its kubelet only on restart, as upstream.
            }

            private void dispatch(Node node) {
                NodeAgent agent = nodes.get(node.getMetadata().getName());
                if (agent != null) {
                    agent.nodeChanged(node);
                }
            }
        });
        informers.add(nodeInformer);
        var pods = client.pods().inAnyNamespace();
        SharedIndexInformer<Pod> podInformer = services.options().podFieldSelector()
                .map(selector -> pods.withField(selector.getKey(), selector.getValue()).runnableInformer(0))
                .orElseGet(() -> pods.runnableInformer(0));
        podInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                owner(pod).ifPresent(agent -> agent.podChanged(pod));
            }

            @Override
            public void onUpdate(Pod previous, Pod pod) {
                owner(pod).ifPresent(agent -> agent.podChanged(pod));
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                owner(pod).ifPresent(agent -> agent.podDeleted(pod));
            }
        });
        informers.add(podInformer);
        List<CompletableFuture<Void>> registrations = new ArrayList<>();
        for (NodeAgent agent : nodes.values()) {
            agent.start();
            registrations.add(agent.registered());
        }
        CompletableFuture<Void> allRegistered = CompletableFuture.allOf(registrations.toArray(CompletableFuture[]::new));
        // Pods are watched once the nodes exist, so workers start with the pod CIDR known when there is one.
        CompletableFuture<Void> servicesSynced = serviceInformer == null ? CompletableFuture.completedFuture(null)
                : serviceInformer.start().toCompletableFuture().thenApply(ignored -> null);
        allRegistered
                .thenCompose(ignored -> servicesSynced)
                .thenCompose(ignored -> nodeInformer.start().toCompletableFuture())
                .thenCompose(ignored -> podInformer.start().toCompletableFuture())
                .thenRun(() -> {
                    // Housekeeping after a restart: sandboxes of pods deleted while this host was away.
                    java.util.Set<String> known = new java.util.HashSet<>();
                    podInformer.getStore().list().forEach(pod -> known.add(pod.getMetadata().getUid()));
                    nodes.values().forEach(agent -> services.syncExecutor().execute(() -> agent.removeOrphans(known)));
                })
                .whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        ready.completeExceptionally(failure);
                    } else {
                        ready.complete(null);
                    }
                });
    }

    private Optional<NodeAgent> owner(Pod pod) {
        String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        return nodeName == null ? Optional.empty() : Optional.ofNullable(nodes.get(nodeName));
    }

    @Override
    public synchronized void close() {
        informers.forEach(SharedIndexInformer::close);
        nodes.values().forEach(NodeAgent::close);
        services.syncExecutor().shutdownNow();
        services.probeExecutor().shutdownNow();
        services.events().close();
        services.apiExecutor().shutdownNow();
        try {
            services.apiExecutor().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
