package dev.kapal.controllers.garbagecollector;

import dev.kapal.controllers.runtime.Controller;
import dev.kapal.controllers.runtime.ControllerContext;
import dev.kapal.controllers.runtime.EventRecorder;
import dev.kapal.controllers.runtime.Reconciler;
import dev.kapal.controllers.runtime.Result;
import dev.kapal.controllers.runtime.SharedInformers;
import dev.kapal.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The garbage collector, as kube-controller-manager's: it keeps a graph of ownerReferences
 * ({@link OwnerGraph}) over every resource discovery lists as deletable (list, watch, delete;
 * custom resources too), re-discovering every {@link #DEFAULT_RESYNC} so resources that appear
 * later (new CRDs) get monitors, and acts on three kinds of deletion:
 * <ul>
 *   <li><b>Background</b>: when an owner goes, its dependents are looked at; one whose owners are
 *       all verified absent (live GET: not found, or another uid) is deleted, with a uid
 *       precondition, propagating with its own finalizers' policy (background if none). Dangling
 *       references beside a live owner are removed from the dependent.</li>
 *   <li><b>Foreground</b> ({@code foregroundDeletion} finalizer): the owner's dependents are
 *       deleted (in the foreground themselves if they have dependents); once no remaining
 *       dependent has {@code blockOwnerDeletion: true}, the finalizer is removed and the API
 *       server deletes the owner.</li>
 *   <li><b>Orphan</b> ({@code orphan} finalizer): the owner's references are removed from its
 *       dependents, then the finalizer.</li>
 * </ul>
 * A namespaced owner must be in its dependent's namespace: a reference resolving elsewhere counts
 * as absent, and the uid being seen in another namespace is reported with a Warning event
 * {@code OwnerRefInvalidNamespace} on the dependent; a cluster-scoped dependent naming a namespaced
 * kind is reported the same way and never collected.
 *
 * <p>Typed resources other controllers also watch (pods, replica sets, ...) are monitored through
 * the shared informers, so they are cached once; every other resource through a generic informer.
 * Event handlers only queue graph changes; one graph-builder thread applies them and enqueues work
 * items; {@link #DEFAULT_WORKERS} workers act on them through the API. The API server must add the
 * finalizers on DELETE ({@code ApiServerConfig.garbageCollection}).
 */
public final class GarbageCollector implements Reconciler<WorkItem> {
    /** The {@code --controllers} name (upstream's alias; 1.28+ also calls it {@code garbage-collector-controller}). */
    public static final String NAME = "garbagecollector";
    /** The event source upstream's collector records with. */
    static final String COMPONENT = "garbage-collector-controller";
    /** Upstream re-discovers resources every 30 s. */
    public static final Duration DEFAULT_RESYNC = Duration.ofSeconds(30);
    /** {@code --concurrent-gc-syncs} default. */
    public static final int DEFAULT_WORKERS = 20;
    static final String ORPHAN = "orphan";
    static final String FOREGROUND = "foregroundDeletion";
    private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);
    /** Typed informers shared with other controllers, by {@code apiVersion|plural}. */
    private static final Map<String, Class<? extends HasMetadata>> TYPED = Map.ofEntries(
            Map.entry("v1|pods", Pod.class),
            Map.entry("v1|nodes", Node.class),
            Map.entry("v1|namespaces", Namespace.class),
            Map.entry("v1|configmaps", ConfigMap.class),
            Map.entry("v1|services", Service.class),
            Map.entry("v1|replicationcontrollers", ReplicationController.class),
            Map.entry("apps/v1|replicasets", ReplicaSet.class),
            Map.entry("apps/v1|deployments", Deployment.class),
            Map.entry("apps/v1|statefulsets", StatefulSet.class),
            Map.entry("apps/v1|daemonsets", DaemonSet.class),
            Map.entry("batch/v1|jobs", Job.class),
            Map.entry("policy/v1|poddisruptionbudgets", PodDisruptionBudget.class));

    private record GraphChange(ResourceType type, HasMetadata object, boolean deleted) {
    }

    private record Monitor(ResourceType type, SharedIndexInformer<? extends HasMetadata> informer, boolean owned) {
    }

    private final KubernetesClient client;
    private final SharedInformers informers;
    private final ResourceCatalog catalog;
    private final OwnerGraph graph = new OwnerGraph();
    private final WorkQueue<WorkItem> queue;
    private final BlockingQueue<GraphChange> changes = new LinkedBlockingQueue<>();
    private final Map<String, Monitor> monitors = new LinkedHashMap<>();
    private final EventRecorder recorder;
    private final Duration resync;
    private volatile long lastOnDemandRefresh;

    private GarbageCollector(ControllerContext context, WorkQueue<WorkItem> queue, Duration resync) {
        this.client = context.client();
        this.informers = context.informers();
        this.catalog = new ResourceCatalog(client);
        this.queue = queue;
        this.resync = resync;
        this.recorder = new EventRecorder(client, COMPONENT, hostName(), 1000);
    }

    /** The collector with upstream's timings. */
    public static Controller<WorkItem> create(ControllerContext context) {
        return create(context, DEFAULT_RESYNC);
    }

    /** The collector re-discovering resources every {@code resync} (tests use a short one). */
    public static Controller<WorkItem> create(ControllerContext context, Duration resync) {
        WorkQueue<WorkItem> queue = new WorkQueue<>();
        GarbageCollector collector = new GarbageCollector(context, queue, resync);
        Controller.Builder<WorkItem> builder = Controller.builder(NAME, collector)
                .context(context)
                .queue(queue)
                .workers(DEFAULT_WORKERS);
        try {
            collector.catalog.refresh();
            for (Monitor monitor : collector.syncMonitors()) {
                // The controller starts these and waits for their first sync before its workers run.
                builder.watch(monitor.informer(), ignored -> Stream.empty());
            }
        } catch (KubernetesClientException failure) {
            log.warn("garbage collector: discovery failed at start ({}); retrying every {}", failure.getMessage(), resync);
        }
        Thread.ofVirtual().name("gc-graph-builder").start(collector::buildGraph);
        Thread.ofVirtual().name("gc-discovery").start(collector::rediscover);
        return builder.build();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException unknown) {
            return "localhost";
        }
    }

    // ---------------------------------------------------------------- monitors and graph builder

    /** Creates monitors for newly discovered resources and drops those of vanished ones; returns the new ones (not started). */
    private synchronized List<Monitor> syncMonitors() {
        List<ResourceType> wanted = catalog.snapshot().monitored();
        Set<String> wantedKeys = new HashSet<>();
        List<Monitor> created = new ArrayList<>();
        for (ResourceType type : wanted) {
            String key = type.apiVersion() + "|" + type.plural();
            wantedKeys.add(key);
            if (monitors.containsKey(key)) {
                continue;
            }
            Monitor monitor = monitor(key, type);
            monitors.put(key, monitor);
            created.add(monitor);
        }
        for (var iterator = monitors.entrySet().iterator(); iterator.hasNext(); ) {
            var entry = iterator.next();
            if (!wantedKeys.contains(entry.getKey())) {
                iterator.remove();
                if (entry.getValue().owned()) {
                    entry.getValue().informer().close();
                }
                log.debug("garbage collector: stopped monitoring {}", entry.getValue().type().groupResource());
            }
        }
        return created;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Monitor monitor(String key, ResourceType type) {
        Class<? extends HasMetadata> typed = TYPED.get(key);
        SharedIndexInformer<? extends HasMetadata> informer;
        boolean owned;
        if (typed != null) {
            informer = informers.of((Class) typed);
            owned = false;
        } else {
            informer = client.genericKubernetesResources(type.context()).inAnyNamespace().runnableInformer(0);
            owned = true;
        }
        ((SharedIndexInformer<HasMetadata>) informer).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(HasMetadata object) {
                changes.add(new GraphChange(type, object, false));
            }

            @Override
            public void onUpdate(HasMetadata oldObject, HasMetadata newObject) {
                changes.add(new GraphChange(type, newObject, false));
            }

            @Override
            public void onDelete(HasMetadata object, boolean finalStateUnknown) {
                changes.add(new GraphChange(type, object, true));
            }
        });
        return new Monitor(type, informer, owned);
    }

    /** Re-discovers resources every {@link #resync} until the queue shuts down. */
    private void rediscover() {
        try {
            while (!queue.isShutDown()) {
                if (sleepUnlessShutDown(resync)) {
                    break;
                }
                try {
                    catalog.refresh();
                    for (Monitor monitor : syncMonitors()) {
                        informers.start(monitor.informer());
                        log.debug("garbage collector: monitoring {}", monitor.type().groupResource());
                    }
                } catch (KubernetesClientException | IllegalStateException failure) {
                    log.debug("garbage collector: re-discovery failed: {}", failure.getMessage());
                }
            }
        } finally {
            recorder.close();
        }
    }

    /** Sleeps in short steps; true when the queue shut down meanwhile. */
    private boolean sleepUnlessShutDown(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline) {
            if (queue.isShutDown()) {
                return true;
            }
            try {
                Thread.sleep(Math.min(200, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException interrupted) {
                return true;
            }
        }
        return queue.isShutDown();
    }

    /** The single writer of the graph: applies informer changes in order and enqueues the work they cause. */
    private void buildGraph() {
        while (!queue.isShutDown()) {
            GraphChange change;
            try {
                change = changes.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException interrupted) {
                return;
            }
            if (change == null) {
                continue;
            }
            try {
                apply(process(change));
            } catch (RuntimeException failure) {
                log.warn("garbage collector: graph change for {} failed: {}", change.type().groupResource(), failure.toString());
            }
        }
    }

    private OwnerGraph.Effects process(GraphChange change) {
        HasMetadata object = change.object();
        var metadata = object.getMetadata();
        String namespace = change.type().namespaced() && metadata.getNamespace() != null ? metadata.getNamespace() : "";
        Identity identity = new Identity(change.type().apiVersion(), change.type().kind(), namespace, metadata.getName(),
                metadata.getUid() == null ? "" : metadata.getUid());
        if (change.deleted()) {
            return graph.deleted(identity);
        }
        List<String> finalizers = metadata.getFinalizers() == null ? List.of() : metadata.getFinalizers();
        List<OwnerReference> owners = metadata.getOwnerReferences() == null ? List.of() : metadata.getOwnerReferences();
        return graph.observed(identity, owners, metadata.getDeletionTimestamp() != null,
                finalizers.contains(ORPHAN), finalizers.contains(FOREGROUND));
    }

    private void apply(OwnerGraph.Effects effects) {
        effects.attemptToDelete().forEach(identity -> queue.add(new WorkItem.AttemptToDelete(identity)));
        effects.attemptToOrphan().forEach(identity -> queue.add(new WorkItem.AttemptToOrphan(identity)));
        for (OwnerGraph.InvalidReference invalid : effects.invalidNamespaceDependents()) {
            reportInvalidNamespace(invalid.dependent(), invalid.ownerAsReferenced());
        }
    }

    private void reportInvalidNamespace(Identity dependent, Identity owner) {
        recorder.record(new ObjectReferenceBuilder().withApiVersion(dependent.apiVersion()).withKind(dependent.kind())
                        .withNamespace(dependent.namespace().isEmpty() ? null : dependent.namespace())
                        .withName(dependent.name()).withUid(dependent.uid()).build(),
                "Warning", "OwnerRefInvalidNamespace",
                "ownerRef " + owner + " does not exist in namespace \"" + dependent.namespace() + "\"");
    }

    /** The graph's node identities (for tests). */
    List<Identity> graphIdentities() {
        return graph.identities();
    }

    // ---------------------------------------------------------------- workers

    @Override
    public Result reconcile(WorkItem item) {
        return switch (item) {
            case WorkItem.AttemptToDelete delete -> attemptToDelete(delete.identity());
            case WorkItem.AttemptToOrphan orphan -> attemptToOrphan(orphan.identity());
        };
    }

    private Result attemptToDelete(Identity identity) {
        Optional<OwnerGraph.View> found = graph.view(identity.uid());
        if (found.isEmpty()) {
            return Result.done();
        }
        OwnerGraph.View node = found.get();
        ResourceType type = mapping(node.identity().apiVersion(), node.identity().kind());
        if (!node.observed()) {
            GenericKubernetesResource live = get(type, node.identity());
            if (live == null || !node.identity().uid().equals(live.getMetadata().getUid())) {
                apply(graph.verifiedAbsent(node.identity()));
                return Result.done();
            }
            // It exists; its informer has not delivered it yet: retry with backoff (a resource
            // that is not monitored would otherwise be polled forever at a fixed rate).
            return Result.error(new IllegalStateException("owner " + node.identity() + " exists but is not observed yet"));
        }
        if (node.beingDeleted() && !node.deletingDependents()) {
            return Result.done();
        }
        GenericKubernetesResource latest = get(type, node.identity());
        if (latest == null || !node.identity().uid().equals(latest.getMetadata().getUid())) {
            apply(graph.verifiedAbsent(node.identity()));
            return Result.done();
        }
        if (latest.getMetadata().getDeletionTimestamp() != null && hasFinalizer(latest, FOREGROUND)) {
            return processDeletingDependents(node, type);
        }
        List<OwnerReference> owners = latest.getMetadata().getOwnerReferences() == null ? List.of()
                : latest.getMetadata().getOwnerReferences();
        if (owners.isEmpty()) {
            return Result.done();
        }
        List<OwnerReference> solid = new ArrayList<>();
        Set<String> dangling = new HashSet<>();
        Set<String> waiting = new HashSet<>();
        for (OwnerReference owner : owners) {
            switch (classify(node.identity(), owner)) {
                case SOLID -> solid.add(owner);
                case DANGLING -> dangling.add(owner.getUid());
                case WAITING_FOR_DEPENDENTS_DELETION -> waiting.add(owner.getUid());
                case INVALID_NAMESPACED_OWNER_OF_CLUSTER_SCOPED -> {
                    // Will not resolve on retry (upstream's namespacedOwnerOfClusterScopedObjectErr).
                    reportInvalidNamespace(node.identity(), new Identity(owner.getApiVersion(), owner.getKind(), "",
                            owner.getName(), owner.getUid()));
                    return Result.done();
                }
            }
        }
        if (!solid.isEmpty()) {
            if (dangling.isEmpty() && waiting.isEmpty()) {
                return Result.done();
            }
            // Keep the object; drop the references to absent owners and stop blocking owners
            // that wait for their dependents.
            update(type, node.identity(), object -> {
                List<OwnerReference> kept = new ArrayList<>();
                for (OwnerReference reference : object.getMetadata().getOwnerReferences()) {
                    if (dangling.contains(reference.getUid())) {
                        continue;
                    }
                    if (waiting.contains(reference.getUid()) && Boolean.TRUE.equals(reference.getBlockOwnerDeletion())) {
                        reference.setBlockOwnerDeletion(false);
                    }
                    kept.add(reference);
                }
                object.getMetadata().setOwnerReferences(kept);
                return true;
            });
            return Result.done();
        }
        if (!waiting.isEmpty() && !node.dependents().isEmpty()) {
            if (node.dependents().stream().anyMatch(OwnerGraph.Dependent::deletingDependents)) {
                // A dependent of ours waits for its own dependents; unblock our waiting owners so
                // the chain cannot deadlock (as upstream).
                update(type, node.identity(), object -> {
                    boolean changed = false;
                    for (OwnerReference reference : object.getMetadata().getOwnerReferences()) {
                        if (waiting.contains(reference.getUid()) && Boolean.TRUE.equals(reference.getBlockOwnerDeletion())) {
                            reference.setBlockOwnerDeletion(false);
                            changed = true;
                        }
                    }
                    return changed;
                });
            }
            delete(type, node.identity(), "Foreground");
            return Result.done();
        }
        String policy = hasFinalizer(latest, ORPHAN) ? "Orphan" : hasFinalizer(latest, FOREGROUND) ? "Foreground" : "Background";
        delete(type, node.identity(), policy);
        return Result.done();
    }

    /** An owner in foreground deletion: delete what blocks it, or let it go when nothing does. */
    private Result processDeletingDependents(OwnerGraph.View node, ResourceType type) {
        List<OwnerGraph.Dependent> blocking = node.dependents().stream().filter(OwnerGraph.Dependent::blocksOwner).toList();
        if (blocking.isEmpty()) {
            update(type, node.identity(), object -> removeFinalizer(object, FOREGROUND));
            return Result.done();
        }
        for (OwnerGraph.Dependent dependent : blocking) {
            if (!dependent.deletingDependents()) {
                queue.add(new WorkItem.AttemptToDelete(dependent.identity()));
            }
        }
        return Result.done();
    }

    private Result attemptToOrphan(Identity identity) {
        Optional<OwnerGraph.View> found = graph.view(identity.uid());
        if (found.isEmpty()) {
            return Result.done();
        }
        OwnerGraph.View owner = found.get();
        for (OwnerGraph.Dependent dependent : owner.dependents()) {
            ResourceType dependentType = mapping(dependent.identity().apiVersion(), dependent.identity().kind());
            update(dependentType, dependent.identity(), object -> object.getMetadata().getOwnerReferences()
                    .removeIf(reference -> identity.uid().equals(reference.getUid())));
        }
        ResourceType type = mapping(identity.apiVersion(), identity.kind());
        update(type, identity, object -> removeFinalizer(object, ORPHAN));
        return Result.done();
    }

    private enum Classification { SOLID, DANGLING, WAITING_FOR_DEPENDENTS_DELETION, INVALID_NAMESPACED_OWNER_OF_CLUSTER_SCOPED }

    /** Upstream's isDangling plus the waiting check: a live GET settles whether an owner is there. */
    private Classification classify(Identity dependent, OwnerReference reference) {
        if (graph.knownAbsent(reference.getUid(), "") || graph.knownAbsent(reference.getUid(), dependent.namespace())) {
            return Classification.DANGLING;
        }
        ResourceType ownerType = mapping(reference.getApiVersion(), reference.getKind());
        if (dependent.namespace().isEmpty() && ownerType.namespaced()) {
            return Classification.INVALID_NAMESPACED_OWNER_OF_CLUSTER_SCOPED;
        }
        String namespace = ownerType.namespaced() ? dependent.namespace() : "";
        Identity owner = new Identity(reference.getApiVersion(), reference.getKind(), namespace, reference.getName(), reference.getUid());
        GenericKubernetesResource live = get(ownerType, owner);
        if (live == null || !reference.getUid().equals(live.getMetadata().getUid())) {
            graph.markAbsent(reference.getUid(), namespace);
            return Classification.DANGLING;
        }
        if (live.getMetadata().getDeletionTimestamp() != null && hasFinalizer(live, FOREGROUND)) {
            return Classification.WAITING_FOR_DEPENDENTS_DELETION;
        }
        return Classification.SOLID;
    }

    /** The resource of an apiVersion and kind; re-reads discovery (at most once a second) when unknown. */
    private ResourceType mapping(String apiVersion, String kind) {
        Optional<ResourceType> type = catalog.find(apiVersion, kind);
        if (type.isEmpty() && System.nanoTime() - lastOnDemandRefresh > 1_000_000_000L) {
            lastOnDemandRefresh = System.nanoTime();
            catalog.refresh();
            type = catalog.find(apiVersion, kind);
        }
        return type.orElseThrow(() -> new IllegalStateException("unable to get REST mapping for " + apiVersion + "/" + kind));
    }

    // ---------------------------------------------------------------- API calls

    private GenericKubernetesResource get(ResourceType type, Identity identity) {
        var resources = client.genericKubernetesResources(type.context());
        return type.namespaced()
                ? resources.inNamespace(identity.namespace()).withName(identity.name()).get()
                : resources.withName(identity.name()).get();
    }

    private static boolean hasFinalizer(HasMetadata object, String finalizer) {
        return object.getMetadata().getFinalizers() != null && object.getMetadata().getFinalizers().contains(finalizer);
    }

    private static boolean removeFinalizer(HasMetadata object, String finalizer) {
        return object.getMetadata().getFinalizers() != null && object.getMetadata().getFinalizers().remove(finalizer);
    }

    /** Read-modify-write of the object with {@code identity}'s uid, retried on conflict; nothing if it is gone. */
    private void update(ResourceType type, Identity identity, Predicate<GenericKubernetesResource> mutate) {
        for (int attempt = 0; ; attempt++) {
            GenericKubernetesResource object = get(type, identity);
            if (object == null || !identity.uid().equals(object.getMetadata().getUid())) {
                return;
            }
            if (object.getMetadata().getOwnerReferences() == null) {
                object.getMetadata().setOwnerReferences(new ArrayList<>());
            } else {
                object.getMetadata().setOwnerReferences(new ArrayList<>(object.getMetadata().getOwnerReferences()));
            }
            if (object.getMetadata().getFinalizers() != null) {
                object.getMetadata().setFinalizers(new ArrayList<>(object.getMetadata().getFinalizers()));
            }
            if (!mutate.test(object)) {
                return;
            }
            try {
                var resources = client.genericKubernetesResources(type.context());
                if (type.namespaced()) {
                    resources.inNamespace(identity.namespace()).resource(object).update();
                } else {
                    resources.resource(object).update();
                }
                return;
            } catch (KubernetesClientException failure) {
                if (failure.getCode() == 404) {
                    return;
                }
                if (failure.getCode() != 409 || attempt >= 4) {
                    throw failure;
                }
            }
        }
    }

    /** DELETE with a uid precondition and a propagation policy; gone or replaced objects are fine. */
    private void delete(ResourceType type, Identity identity, String policy) {
        String body = "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"" + policy
                + "\",\"preconditions\":{\"uid\":\"" + identity.uid() + "\"}}";
        String url = client.getMasterUrl().toString().replaceAll("/$", "") + type.objectPath(identity.namespace(), identity.name());
        HttpRequest request = client.getHttpClient().newHttpRequestBuilder().uri(url).delete("application/json", body).build();
        HttpResponse<String> response;
        try {
            response = client.getHttpClient().sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted deleting " + identity, interrupted);
        } catch (ExecutionException | java.util.concurrent.TimeoutException failure) {
            throw new IllegalStateException("deleting " + identity + ": " + failure.getMessage(), failure);
        }
        int code = response.code();
        if (code == 404 || code == 409 || (code >= 200 && code < 300)) {
            log.debug("garbage collector: deleted {} ({}) → {}", identity, policy, code);
            return;
        }
        throw new IllegalStateException("deleting " + identity + " failed: HTTP " + code + " " + response.body());
    }

    /** For tests: the number of resources monitored. */
    synchronized int monitorCount() {
        return monitors.size();
    }

    static boolean sameNamespace(Identity a, Identity b) {
        return Objects.equals(a.namespace(), b.namespace());
    }
}
