package dev.kapal.controllers.replicaset;

import dev.kapal.api.selector.LabelSelector;
import dev.kapal.controllers.runtime.Controller;
import dev.kapal.controllers.runtime.ControllerContext;
import dev.kapal.controllers.runtime.ControllerRefs;
import dev.kapal.controllers.runtime.EventRecorder;
import dev.kapal.controllers.runtime.Expectations;
import dev.kapal.controllers.runtime.ObjectKey;
import dev.kapal.controllers.runtime.Reconciler;
import dev.kapal.controllers.runtime.Result;
import dev.kapal.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The ReplicaSet / ReplicationController engine, after upstream's {@code ReplicaSetController}.
 *
 * <p>Each reconcile of a controller object: claims the active pods of its namespace (adopting
 * matching orphans, releasing owned pods its selector no longer matches); if its
 * {@link Expectations} are satisfied and it is not being deleted, creates or deletes pods so the
 * active ones number {@code spec.replicas} — creates in slow-start batches of 1, 2, 4, … (at most
 * {@link #BURST_REPLICAS} per reconcile), deletes in {@link Pods#victimOrder} — and records
 * SuccessfulCreate / FailedCreate / SuccessfulDelete / FailedDelete events; then writes its status
 * (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas honouring minReadySeconds,
 * observedGeneration, and a ReplicaFailure condition while creates or deletes fail). Pods being
 * deleted and terminal pods (Succeeded, Failed) do not count. With minReadySeconds, a reconcile
 * whose ready pods are not all available yet looks again after minReadySeconds.
 *
 * <p>Informer handlers: pod adds and deletes lower the owner's expectations; pod events enqueue
 * the owning controller object (resolved by name and uid), or, for orphans, every controller
 * object of the namespace whose selector matches.
 */
public final class ReplicaSetController<T extends HasMetadata> implements Reconciler<ObjectKey> {
    /** Upstream's BurstReplicas: at most this many creates or deletes per reconcile. */
    public static final int BURST_REPLICAS = 500;
    /** The first slow-start batch (upstream's SlowStartInitialBatchSize). */
    static final int INITIAL_BATCH = 1;

    private final ReplicaKind<T> kind;
    private final KubernetesClient client;
    private final SharedIndexInformer<T> owners;
    private final SharedIndexInformer<Pod> pods;
    private final Expectations<ObjectKey> expectations;
    private final EventRecorder events;

    private ReplicaSetController(ReplicaKind<T> kind, KubernetesClient client, SharedIndexInformer<T> owners,
                                 SharedIndexInformer<Pod> pods, Expectations<ObjectKey> expectations, EventRecorder events) {
        this.kind = kind;
        this.client = client;
        this.owners = owners;
        this.pods = pods;
        this.expectations = expectations;
        this.events = events;
    }

    /** The {@code replicaset} controller. */
    public static Controller<ObjectKey> replicaSets(ControllerContext context) {
        return create(context, new ReplicaKind.ReplicaSets(), 5);
    }

    /** The {@code replicationcontroller} controller. */
    public static Controller<ObjectKey> replicationControllers(ControllerContext context) {
        return create(context, new ReplicaKind.ReplicationControllers(), 5);
    }

    /** The controller for {@code kind} with {@code workers} workers (upstream's concurrent syncs default is 5). */
    public static <T extends HasMetadata> Controller<ObjectKey> create(ControllerContext context, ReplicaKind<T> kind, int workers) {
        return create(context, kind, workers, new Expectations<>());
    }

    /** As {@link #create(ControllerContext, ReplicaKind, int)}, with the expectations given (tests inspect them). */
    public static <T extends HasMetadata> Controller<ObjectKey> create(ControllerContext context, ReplicaKind<T> kind, int workers,
                                                                  Expectations<ObjectKey> expectations) {
        KubernetesClient client = context.client();
        SharedIndexInformer<T> owners = context.informers().of(kind.type());
        SharedIndexInformer<Pod> pods = context.informers().of(Pod.class);
        EventRecorder events = new EventRecorder(client, kind.component(), EventRecorder.hostName(), 1000);
        ReplicaSetController<T> reconciler = new ReplicaSetController<>(kind, client, owners, pods, expectations, events);
        WorkQueue<ObjectKey> queue = new WorkQueue<>();
        return Controller.builder(kind.controllerName(), reconciler)
                .context(context)
                .queue(queue)
                .workers(workers)
                .watch(owners, owner -> Stream.of(ObjectKey.of(owner)))
                .handle(pods, reconciler.podHandler(queue))
                .closes(events)
                .build();
    }

    private ResourceEventHandler<Pod> podHandler(WorkQueue<ObjectKey> queue) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                if (pod.getMetadata().getDeletionTimestamp() != null) {
                    onDelete(pod, false);
                    return;
                }
                Optional<OwnerReference> reference = ControllerRefs.controllerOf(pod);
                if (reference.isPresent()) {
                    resolve(pod.getMetadata().getNamespace(), reference.get()).ifPresent(owner -> {
                        ObjectKey key = ObjectKey.of(owner);
                        expectations.creationObserved(key);
                        queue.add(key);
                    });
                    return;
                }
                matchingOwners(pod).forEach(owner -> queue.add(ObjectKey.of(owner)));
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                if (Objects.equals(old.getMetadata().getResourceVersion(), pod.getMetadata().getResourceVersion())) {
                    return;
                }
                boolean labelsChanged = !Objects.equals(old.getMetadata().getLabels(), pod.getMetadata().getLabels());
                if (pod.getMetadata().getDeletionTimestamp() != null) {
                    onDelete(pod, false);
                    if (labelsChanged) {
                        onDelete(old, false);
                    }
                    return;
                }
                Optional<OwnerReference> reference = ControllerRefs.controllerOf(pod);
                Optional<OwnerReference> oldReference = ControllerRefs.controllerOf(old);
                boolean referenceChanged = !Objects.equals(reference.map(OwnerReference::getUid), oldReference.map(OwnerReference::getUid));
                if (referenceChanged && oldReference.isPresent()) {
                    resolve(old.getMetadata().getNamespace(), oldReference.get()).ifPresent(owner -> queue.add(ObjectKey.of(owner)));
                }
                if (reference.isPresent()) {
                    resolve(pod.getMetadata().getNamespace(), reference.get()).ifPresent(owner -> {
                        queue.add(ObjectKey.of(owner));
                        int minReady = kind.minReadySeconds(owner);
                        if (minReady > 0 && !Pods.ready(old) && Pods.ready(pod)) {
                            queue.addAfter(ObjectKey.of(owner), Duration.ofSeconds(minReady + 1L));
                        }
                    });
                    return;
                }
                if (labelsChanged || referenceChanged) {
                    matchingOwners(pod).forEach(owner -> queue.add(ObjectKey.of(owner)));
                }
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                Optional<OwnerReference> reference = ControllerRefs.controllerOf(pod);
                if (reference.isEmpty()) {
                    return;
                }
                resolve(pod.getMetadata().getNamespace(), reference.get()).ifPresent(owner -> {
                    ObjectKey key = ObjectKey.of(owner);
                    expectations.deletionObserved(key, podKey(pod));
                    queue.add(key);
                });
            }
        };
    }

    /** The controller object {@code reference} names, if it is of our kind and its uid matches. */
    private Optional<T> resolve(String namespace, OwnerReference reference) {
        if (!kind.kind().equals(reference.getKind())) {
            return Optional.empty();
        }
        T owner = owners.getIndexer().getByKey(namespace + "/" + reference.getName());
        if (owner == null || !Objects.equals(owner.getMetadata().getUid(), reference.getUid())) {
            return Optional.empty();
        }
        return Optional.of(owner);
    }

    private List<T> matchingOwners(Pod pod) {
        List<T> matching = new ArrayList<>();
        Map<String, String> labels = labels(pod);
        for (T owner : owners.getIndexer().byIndex(Cache.NAMESPACE_INDEX, pod.getMetadata().getNamespace())) {
            Optional<LabelSelector> selector = kind.selector(owner);
            if (selector.isPresent() && !selector.get().isEverything() && selector.get().matches(labels)) {
                matching.add(owner);
            }
        }
        return matching;
    }

    private static Map<String, String> labels(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }

    static String podKey(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    @Override
    public Result reconcile(ObjectKey key) {
        T owner = owners.getIndexer().getByKey(key.indexerKey());
        if (owner == null) {
            expectations.forget(key);
            return Result.done();
        }
        Optional<LabelSelector> selector = kind.selector(owner);
        if (selector.isEmpty()) {
            return Result.done();
        }
        boolean needsSync = expectations.satisfied(key);
        List<Pod> active = new ArrayList<>();
        for (Pod pod : pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, key.namespace())) {
            if (Pods.active(pod)) {
                active.add(pod);
            }
        }
        LabelSelector matcher = selector.get();
        ControllerRefs.Owner claimer = new ControllerRefs.Owner(owner, kind.apiVersion(), kind.kind(),
                object -> matcher.matches(labels(object)), () -> stillValid(owner));
        List<Pod> owned = ControllerRefs.claim(client, Pod.class, claimer, active);

        RuntimeException manageFailure = null;
        if (needsSync && owner.getMetadata().getDeletionTimestamp() == null) {
            try {
                manage(key, owner, owned);
            } catch (KubernetesClientException failure) {
                manageFailure = failure;
            }
        }
        Instant now = Instant.now();
        ReplicaStatus status = computeStatus(owner, owned, manageFailure, now);
        if (!status.equals(kind.status(owner))) {
            client.resources(kind.type()).inNamespace(key.namespace()).withName(key.name()).subresource("status")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), status.mergePatch());
        }
        if (manageFailure != null) {
            return Result.error(manageFailure);
        }
        int minReady = kind.minReadySeconds(owner);
        if (minReady > 0 && status.readyReplicas() == kind.replicas(owner) && status.availableReplicas() != kind.replicas(owner)) {
            return Result.requeueAfter(Duration.ofSeconds(minReady));
        }
        return Result.done();
    }

    /** An uncached read: the owner still exists with the same uid and is not being deleted. */
    private boolean stillValid(T owner) {
        T fresh = client.resources(kind.type()).inNamespace(owner.getMetadata().getNamespace())
                .withName(owner.getMetadata().getName()).get();
        return fresh != null && Objects.equals(fresh.getMetadata().getUid(), owner.getMetadata().getUid())
                && fresh.getMetadata().getDeletionTimestamp() == null;
    }

    private void manage(ObjectKey key, T owner, List<Pod> owned) {
        int diff = owned.size() - kind.replicas(owner);
        if (diff < 0) {
            int wanted = Math.min(-diff, BURST_REPLICAS);
            expectations.expectCreations(key, wanted);
            Pod template = podFromTemplate(owner);
            BatchOutcome outcome = slowStartBatch(wanted, INITIAL_BATCH, () -> createPod(owner, template));
            for (int i = 0; i < wanted - outcome.successes(); i++) {
                // Creates that failed or were skipped will never be observed.
                expectations.creationObserved(key);
            }
            outcome.failure().ifPresent(failure -> {
                throw failure;
            });
        } else if (diff > 0) {
            int surplus = Math.min(diff, BURST_REPLICAS);
            List<Pod> victims = Pods.victims(owned, surplus, relatedRanks(owned), Instant.now());
            Set<String> victimKeys = new LinkedHashSet<>();
            victims.forEach(pod -> victimKeys.add(podKey(pod)));
            expectations.expectDeletions(key, victimKeys);
            KubernetesClientException failure = runAll(victims, pod -> deletePod(key, owner, pod));
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** For each owned pod uid, how many owned pods share its node (upstream ranks by related pods). */
    private static Map<String, Integer> relatedRanks(List<Pod> owned) {
        Map<String, Integer> perNode = new HashMap<>();
        for (Pod pod : owned) {
            String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            if (node != null && !node.isEmpty()) {
                perNode.merge(node, 1, Integer::sum);
            }
        }
        Map<String, Integer> ranks = new HashMap<>();
        for (Pod pod : owned) {
            String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            ranks.put(pod.getMetadata().getUid(), node == null || node.isEmpty() ? 0 : perNode.get(node));
        }
        return ranks;
    }

    /** How many calls succeeded, and the first failure (after which no further batch ran). */
    record BatchOutcome(int successes, Optional<KubernetesClientException> failure) {
    }

    /** One API call of a batch; throws on failure. */
    @FunctionalInterface
    interface Call {
        void run();
    }

    /**
     * Upstream's slowStartBatch: runs {@code count} calls in batches of {@code initial}, then twice
     * the previous batch, each batch concurrently; stops after the first batch with a failure.
     */
    static BatchOutcome slowStartBatch(int count, int initial, Call call) {
        int remaining = count;
        int successes = 0;
        int batch = Math.min(remaining, initial);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            while (batch > 0) {
                List<Future<?>> running = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    running.add(executor.submit(call::run));
                }
                KubernetesClientException failure = null;
                for (Future<?> future : running) {
                    try {
                        future.get();
                        successes++;
                    } catch (java.util.concurrent.ExecutionException error) {
                        if (failure == null) {
                            failure = error.getCause() instanceof KubernetesClientException k8s ? k8s
                                    : new KubernetesClientException(String.valueOf(error.getCause()), error.getCause());
                        }
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return new BatchOutcome(successes, Optional.of(new KubernetesClientException("interrupted")));
                    }
                }
                if (failure != null) {
                    return new BatchOutcome(successes, Optional.of(failure));
                }
                remaining -= batch;
                batch = Math.min(2 * batch, remaining);
            }
        }
        return new BatchOutcome(successes, Optional.empty());
    }

    private static <P> KubernetesClientException runAll(List<P> items, java.util.function.Consumer<P> action) {
        KubernetesClientException first = null;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (P item : items) {
                running.add(executor.submit(() -> action.accept(item)));
            }
            for (Future<?> future : running) {
                try {
                    future.get();
                } catch (java.util.concurrent.ExecutionException error) {
                    if (first == null) {
                        first = error.getCause() instanceof KubernetesClientException k8s ? k8s
                                : new KubernetesClientException(String.valueOf(error.getCause()), error.getCause());
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return new KubernetesClientException("interrupted");
                }
            }
        }
        return first;
    }

    /** Upstream's GetPodFromTemplate: labels, annotations, finalizers and spec of the template, owned by {@code owner}. */
    private Pod podFromTemplate(T owner) {
        PodTemplateSpec template = kind.template(owner);
        String prefix = owner.getMetadata().getName() + "-";
        if (prefix.length() > 253 - 5) {
            prefix = owner.getMetadata().getName();
        }
        PodBuilder pod = new PodBuilder()
                .withNewMetadata()
                .withNamespace(owner.getMetadata().getNamespace())
                .withGenerateName(prefix)
                .withOwnerReferences(ControllerRefs.referenceTo(owner, kind.apiVersion(), kind.kind()))
                .endMetadata();
        if (template != null && template.getMetadata() != null) {
            pod.editMetadata()
                    .withLabels(template.getMetadata().getLabels())
                    .withAnnotations(template.getMetadata().getAnnotations())
                    .withFinalizers(template.getMetadata().getFinalizers())
                    .endMetadata();
        }
        if (template != null) {
            pod.withSpec(template.getSpec());
        }
        return pod.build();
    }

    private void createPod(T owner, Pod template) {
        try {
            Pod created = client.pods().inNamespace(owner.getMetadata().getNamespace()).resource(template).create();
            events.record(reference(owner), "Normal", "SuccessfulCreate", "Created pod: " + created.getMetadata().getName());
        } catch (KubernetesClientException failure) {
            if (namespaceTerminating(failure)) {
                // Upstream: creates into a terminating namespace fail quietly; the namespace goes away.
                return;
            }
            events.record(reference(owner), "Warning", "FailedCreate", "Error creating: " + message(failure));
            throw failure;
        }
    }

    private void deletePod(ObjectKey key, T owner, Pod pod) {
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
            events.record(reference(owner), "Normal", "SuccessfulDelete", "Deleted pod: " + pod.getMetadata().getName());
        } catch (KubernetesClientException failure) {
            // No event will lower this expectation.
            expectations.deletionObserved(key, podKey(pod));
            if (failure.getCode() != 404) {
                events.record(reference(owner), "Warning", "FailedDelete", "Error deleting: " + message(failure));
                throw failure;
            }
        }
    }

    private static boolean namespaceTerminating(KubernetesClientException failure) {
        return failure.getStatus() != null && failure.getStatus().getDetails() != null
                && failure.getStatus().getDetails().getCauses() != null
                && failure.getStatus().getDetails().getCauses().stream()
                .anyMatch(cause -> "NamespaceTerminating".equals(cause.getReason()));
    }

    /** The API server's message (what upstream's error string says), not fabric8's wrapper text. */
    static String message(KubernetesClientException failure) {
        if (failure.getStatus() != null && failure.getStatus().getMessage() != null) {
            return failure.getStatus().getMessage();
        }
        return String.valueOf(failure.getMessage());
    }

    private ObjectReference reference(T owner) {
        return new ObjectReferenceBuilder()
                .withApiVersion(kind.apiVersion())
                .withKind(kind.kind())
                .withNamespace(owner.getMetadata().getNamespace())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withResourceVersion(owner.getMetadata().getResourceVersion())
                .build();
    }

    private ReplicaStatus computeStatus(T owner, List<Pod> owned, RuntimeException manageFailure, Instant now) {
        Map<String, String> templateLabels = kind.template(owner) == null || kind.template(owner).getMetadata() == null
                || kind.template(owner).getMetadata().getLabels() == null ? Map.of() : kind.template(owner).getMetadata().getLabels();
        int minReady = kind.minReadySeconds(owner);
        int fullyLabeled = 0;
        int ready = 0;
        int available = 0;
        for (Pod pod : owned) {
            if (labels(pod).entrySet().containsAll(templateLabels.entrySet())) {
                fullyLabeled++;
            }
            if (Pods.ready(pod)) {
                ready++;
                if (Pods.available(pod, minReady, now)) {
                    available++;
                }
            }
        }
        ReplicaStatus current = kind.status(owner);
        Long generation = owner.getMetadata().getGeneration();
        ReplicaStatus next = new ReplicaStatus(owned.size(), fullyLabeled, ready, available,
                generation == null ? 0 : generation, current.conditions());
        boolean failing = current.condition(ReplicaStatus.REPLICA_FAILURE).isPresent();
        if (manageFailure != null && !failing) {
            int diff = owned.size() - kind.replicas(owner);
            String reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
            String message = manageFailure instanceof KubernetesClientException k8s ? message(k8s) : String.valueOf(manageFailure.getMessage());
            next = next.withCondition(new ReplicaStatus.Condition(ReplicaStatus.REPLICA_FAILURE, "True", reason, message,
                    now.truncatedTo(ChronoUnit.SECONDS).toString()));
        } else if (manageFailure == null && failing) {
            next = next.withoutCondition(ReplicaStatus.REPLICA_FAILURE);
        }
        return next;
    }
}
