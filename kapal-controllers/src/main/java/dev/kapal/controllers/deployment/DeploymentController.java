package dev.kapal.controllers.deployment;

import static dev.kapal.controllers.deployment.Rollouts.active;
import static dev.kapal.controllers.deployment.Rollouts.annotations;
import static dev.kapal.controllers.deployment.Rollouts.availableReplicas;
import static dev.kapal.controllers.deployment.Rollouts.condition;
import static dev.kapal.controllers.deployment.Rollouts.desired;
import static dev.kapal.controllers.deployment.Rollouts.hasProgressDeadline;
import static dev.kapal.controllers.deployment.Rollouts.replicas;

import dev.kapal.api.selector.LabelSelector;
import dev.kapal.controllers.runtime.Controller;
import dev.kapal.controllers.runtime.ControllerContext;
import dev.kapal.controllers.runtime.ControllerRefs;
import dev.kapal.controllers.runtime.EventRecorder;
import dev.kapal.controllers.runtime.ObjectKey;
import dev.kapal.controllers.runtime.Reconciler;
import dev.kapal.controllers.runtime.Result;
import dev.kapal.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Deployment controller ({@code deployment}), after upstream's {@code DeploymentController}.
 *
 * <p>Each reconcile claims the namespace's replica sets the deployment's selector matches, then:
 * a deployment being deleted only gets its status; the Progressing condition follows pause and
 * resume; a paused deployment, or one whose replicas changed (a replica set's
 * desired-replicas annotation differs), is scaled proportionally without rollout progress;
 * otherwise the strategy rolls out — RollingUpdate within maxSurge/maxUnavailable, Recreate by
 * scaling the old replica sets to zero and waiting for their pods to go before scaling up the new
 * one. The new replica set is the one whose template equals the deployment's ignoring the
 * pod-template-hash label; it is created named {@code <deployment>-<hash>} with the hash in its
 * labels, selector and template. Revisions live in the replica sets' and the deployment's
 * {@code deployment.kubernetes.io/revision} annotations (a reused replica set — a rollback —
 * gets the next revision and keeps the old ones in revision-history), so kubectl's rollout
 * history and undo work. Old replica sets beyond revisionHistoryLimit with no replicas are
 * deleted once a rollout completes. Status carries replicas, updated, ready, available and
 * unavailable counts, observedGeneration, collisionCount and the Available, Progressing and
 * ReplicaFailure conditions; a rollout without progress for progressDeadlineSeconds gets
 * Progressing=False with reason ProgressDeadlineExceeded.
 */
public final class DeploymentController implements Reconciler<ObjectKey> {
    public static final String NAME = "deployment";
    static final String COMPONENT = "deployment-controller";

    private final KubernetesClient client;
    private final SharedIndexInformer<Deployment> deployments;
    private final SharedIndexInformer<ReplicaSet> replicaSets;
    private final SharedIndexInformer<Pod> pods;
    private final EventRecorder events;

    private DeploymentController(KubernetesClient client, SharedIndexInformer<Deployment> deployments,
                                 SharedIndexInformer<ReplicaSet> replicaSets, SharedIndexInformer<Pod> pods, EventRecorder events) {
        this.client = client;
        this.deployments = deployments;
        this.replicaSets = replicaSets;
        this.pods = pods;
        this.events = events;
    }

    /** The controller: deployments, replica sets and pods shared informers, five workers (upstream's default). */
    public static Controller<ObjectKey> create(ControllerContext context) {
        KubernetesClient client = context.client();
        SharedIndexInformer<Deployment> deployments = context.informers().of(Deployment.class);
        SharedIndexInformer<ReplicaSet> replicaSets = context.informers().of(ReplicaSet.class);
        SharedIndexInformer<Pod> pods = context.informers().of(Pod.class);
        EventRecorder events = new EventRecorder(client, COMPONENT, EventRecorder.hostName(), 1000);
        DeploymentController reconciler = new DeploymentController(client, deployments, replicaSets, pods, events);
        WorkQueue<ObjectKey> queue = new WorkQueue<>();
        return Controller.builder(NAME, reconciler)
                .context(context)
                .queue(queue)
                .workers(5)
                .watch(deployments, deployment -> Stream.of(ObjectKey.of(deployment)))
                .handle(replicaSets, reconciler.replicaSetHandler(queue))
                .handle(pods, reconciler.podHandler(queue))
                .closes(events)
                .build();
    }

    // ---- informer handlers: enqueue the owning deployment ----

    private ResourceEventHandler<ReplicaSet> replicaSetHandler(WorkQueue<ObjectKey> queue) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(ReplicaSet rs) {
                enqueueFor(rs, queue, true);
            }

            @Override
            public void onUpdate(ReplicaSet old, ReplicaSet rs) {
                if (Objects.equals(old.getMetadata().getResourceVersion(), rs.getMetadata().getResourceVersion())) {
                    return;
                }
                Optional<OwnerReference> oldReference = ControllerRefs.controllerOf(old);
                Optional<OwnerReference> reference = ControllerRefs.controllerOf(rs);
                if (oldReference.isPresent() && !Objects.equals(oldReference.map(OwnerReference::getUid), reference.map(OwnerReference::getUid))) {
                    owner(old.getMetadata().getNamespace(), oldReference.get()).ifPresent(d -> queue.add(ObjectKey.of(d)));
                }
                boolean labelsChanged = !Objects.equals(old.getMetadata().getLabels(), rs.getMetadata().getLabels());
                enqueueFor(rs, queue, labelsChanged || reference.isEmpty() && oldReference.isPresent());
            }

            @Override
            public void onDelete(ReplicaSet rs, boolean finalStateUnknown) {
                ControllerRefs.controllerOf(rs).flatMap(reference -> owner(rs.getMetadata().getNamespace(), reference))
                        .ifPresent(d -> queue.add(ObjectKey.of(d)));
            }
        };
    }

    private void enqueueFor(ReplicaSet rs, WorkQueue<ObjectKey> queue, boolean orphanMatters) {
        Optional<OwnerReference> reference = ControllerRefs.controllerOf(rs);
        if (reference.isPresent()) {
            owner(rs.getMetadata().getNamespace(), reference.get()).ifPresent(d -> queue.add(ObjectKey.of(d)));
            return;
        }
        if (orphanMatters) {
            Map<String, String> labels = labels(rs);
            for (Deployment d : deployments.getIndexer().byIndex(Cache.NAMESPACE_INDEX, rs.getMetadata().getNamespace())) {
                Optional<LabelSelector> selector = selector(d);
                if (selector.isPresent() && !selector.get().isEverything() && selector.get().matches(labels)) {
                    queue.add(ObjectKey.of(d));
                }
            }
        }
    }

    /** Recreate waits for old pods to go: their deletion wakes the deployment up. */
    private ResourceEventHandler<Pod> podHandler(WorkQueue<ObjectKey> queue) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                Optional<OwnerReference> reference = ControllerRefs.controllerOf(pod);
                if (reference.isEmpty() || !"ReplicaSet".equals(reference.get().getKind())) {
                    return;
                }
                ReplicaSet rs = replicaSets.getIndexer().getByKey(pod.getMetadata().getNamespace() + "/" + reference.get().getName());
                if (rs == null || !Objects.equals(rs.getMetadata().getUid(), reference.get().getUid())) {
                    return;
                }
                ControllerRefs.controllerOf(rs).flatMap(owner -> owner(rs.getMetadata().getNamespace(), owner))
                        .filter(d -> !Rollouts.rollingUpdate(d))
                        .ifPresent(d -> queue.add(ObjectKey.of(d)));
            }
        };
    }

    private Optional<Deployment> owner(String namespace, OwnerReference reference) {
        if (!"Deployment".equals(reference.getKind())) {
            return Optional.empty();
        }
        Deployment d = deployments.getIndexer().getByKey(namespace + "/" + reference.getName());
        if (d == null || !Objects.equals(d.getMetadata().getUid(), reference.getUid())) {
            return Optional.empty();
        }
        return Optional.of(d);
    }

    private static Map<String, String> labels(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }

    private static Optional<LabelSelector> selector(Deployment d) {
        if (d.getSpec().getSelector() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(LabelSelector.fromJson(Serialization.jsonMapper().valueToTree(d.getSpec().getSelector())));
        } catch (RuntimeException invalid) {
            return Optional.empty();
        }
    }

    // ---- reconcile ----

    @Override
    public Result reconcile(ObjectKey key) {
        Deployment cached = deployments.getIndexer().getByKey(key.indexerKey());
        if (cached == null) {
            return Result.done();
        }
        Sync sync = new Sync(Rollouts.copy(cached, Deployment.class));
        return sync.run();
    }

    /** One reconcile of one deployment: the deployment as last written, and the steps upstream's syncDeployment takes. */
    private final class Sync {
        private Deployment d;
        private final String namespace;

        Sync(Deployment deployment) {
            this.d = deployment;
            this.namespace = deployment.getMetadata().getNamespace();
            if (d.getStatus() == null) {
                d.setStatus(new DeploymentStatus());
            }
            if (d.getStatus().getConditions() == null) {
                d.getStatus().setConditions(new ArrayList<>());
            }
        }

        Result run() {
            Optional<LabelSelector> selector = selector(d);
            if (selector.isEmpty() || selector.get().isEverything()) {
                events.warning(d, "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
                if (Rollouts.longValue(d.getStatus().getObservedGeneration()) < Rollouts.longValue(d.getMetadata().getGeneration())) {
                    d.getStatus().setObservedGeneration(d.getMetadata().getGeneration());
                    writeStatus();
                }
                return Result.done();
            }
            List<ReplicaSet> candidates = new ArrayList<>();
            for (ReplicaSet rs : replicaSets.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace)) {
                candidates.add(Rollouts.copy(rs, ReplicaSet.class));
            }
            LabelSelector matcher = selector.get();
            ControllerRefs.Owner owner = new ControllerRefs.Owner(d, "apps/v1", "Deployment",
                    object -> matcher.matches(labels(object)), this::stillValid);
            List<ReplicaSet> claimed = ControllerRefs.claim(client, ReplicaSet.class, owner, candidates);
            List<ReplicaSet> rsList = new ArrayList<>(claimed);

            if (d.getMetadata().getDeletionTimestamp() != null) {
                NewAndOld sets = allReplicaSets(rsList, false);
                syncDeploymentStatus(sets.all(), sets.newRs());
                return Result.done();
            }
            checkPausedConditions();
            if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
                return scaleOnly(rsList);
            }
            if (scalingEvent(rsList)) {
                return scaleOnly(rsList);
            }
            return Rollouts.rollingUpdate(d) ? rolloutRolling(rsList) : rolloutRecreate(rsList);
        }

        private boolean stillValid() {
            Deployment fresh = client.apps().deployments().inNamespace(namespace).withName(d.getMetadata().getName()).get();
            return fresh != null && Objects.equals(fresh.getMetadata().getUid(), d.getMetadata().getUid())
                    && fresh.getMetadata().getDeletionTimestamp() == null;
        }

        // ---- writes ----

        private void writeStatus() {
            Deployment written = client.apps().deployments().inNamespace(namespace).resource(d).subresource("status").update();
            d = Rollouts.copy(written, Deployment.class);
            if (d.getStatus().getConditions() == null) {
                d.getStatus().setConditions(new ArrayList<>());
            }
        }

        /**
         * Sets the deployment's revision annotation (upstream's SetDeploymentRevision); true if it
         * changed. Written with the status: the status endpoint writes a deployment's annotations
         * without bumping its generation, as upstream's does.
         */
        private boolean setRevision(String revision) {
            if (revision == null || revision.equals(annotations(d).get(Rollouts.REVISION))) {
                return false;
            }
            annotations(d).put(Rollouts.REVISION, revision);
            return true;
        }

        private ReplicaSet updateReplicaSet(ReplicaSet rs) {
            return client.apps().replicaSets().inNamespace(namespace).resource(rs).update();
        }

        // ---- pause ----

        private void checkPausedConditions() {
            if (!hasProgressDeadline(d)) {
                return;
            }
            Optional<DeploymentCondition> current = condition(d.getStatus(), Rollouts.PROGRESSING);
            if (current.isPresent() && Rollouts.TIMED_OUT.equals(current.get().getReason())) {
                return;
            }
            boolean paused = Boolean.TRUE.equals(d.getSpec().getPaused());
            boolean pausedCondition = current.isPresent() && Rollouts.PAUSED.equals(current.get().getReason());
            boolean changed = false;
            if (paused && !pausedCondition) {
                Rollouts.setCondition(d.getStatus(), Rollouts.condition(Rollouts.PROGRESSING, "Unknown", Rollouts.PAUSED,
                        "Deployment is paused"));
                changed = true;
            } else if (!paused && pausedCondition) {
                Rollouts.setCondition(d.getStatus(), Rollouts.condition(Rollouts.PROGRESSING, "Unknown", Rollouts.RESUMED,
                        "Deployment is resumed"));
                changed = true;
            }
            if (changed) {
                writeStatus();
            }
        }

        // ---- replica sets: new and old ----

        private record NewAndOld(ReplicaSet newRs, List<ReplicaSet> old) {
            List<ReplicaSet> all() {
                List<ReplicaSet> all = new ArrayList<>(old);
                if (newRs != null) {
                    all.add(newRs);
                }
                return all;
            }
        }

        private Optional<ReplicaSet> findNew(List<ReplicaSet> rsList) {
            return rsList.stream().sorted(Rollouts.BY_CREATION)
                    .filter(rs -> Rollouts.equalIgnoreHash(rs.getSpec().getTemplate(), d.getSpec().getTemplate()))
                    .findFirst();
        }

        /** Upstream's getAllReplicaSetsAndSyncRevision: the new replica set (made if asked) with its revision synced, and the old ones. */
        private NewAndOld allReplicaSets(List<ReplicaSet> rsList, boolean create) {
            Optional<ReplicaSet> existing = findNew(rsList);
            List<ReplicaSet> old = new ArrayList<>(rsList);
            existing.ifPresent(found -> old.removeIf(rs -> rs.getMetadata().getUid().equals(found.getMetadata().getUid())));
            ReplicaSet newRs = newReplicaSet(existing, old, create);
            return new NewAndOld(newRs, old);
        }

        private ReplicaSet newReplicaSet(Optional<ReplicaSet> existing, List<ReplicaSet> old, boolean create) {
            String newRevision = String.valueOf(Rollouts.maxRevision(old) + 1);
            if (existing.isPresent()) {
                ReplicaSet rs = existing.get();
                boolean annotationsChanged = Rollouts.setNewReplicaSetAnnotations(d, rs, newRevision, true);
                int minReady = Rollouts.intValue(d.getSpec().getMinReadySeconds());
                boolean minReadyChanged = Rollouts.intValue(rs.getSpec().getMinReadySeconds()) != minReady;
                if (annotationsChanged || minReadyChanged) {
                    rs.getSpec().setMinReadySeconds(minReady);
                    rs = updateReplicaSet(rs);
                }
                String revision = annotations(rs).get(Rollouts.REVISION);
                boolean needsUpdate = setRevision(revision);
                if (hasProgressDeadline(d) && condition(d.getStatus(), Rollouts.PROGRESSING).isEmpty()) {
                    Rollouts.setCondition(d.getStatus(), Rollouts.condition(Rollouts.PROGRESSING, "True", Rollouts.FOUND_NEW_RS,
                            "Found new replica set \"" + rs.getMetadata().getName() + "\""));
                    needsUpdate = true;
                }
                if (needsUpdate) {
                    writeStatus();
                }
                return rs;
            }
            if (!create) {
                return null;
            }
            Integer collisionCount = d.getStatus().getCollisionCount();
            PodTemplateSpec template = Rollouts.copy(d.getSpec().getTemplate(), PodTemplateSpec.class);
            String hash = Rollouts.templateHash(d.getSpec().getTemplate(), collisionCount);
            if (template.getMetadata() == null) {
                template.setMetadata(new ObjectMeta());
            }
            ObjectMeta templateMetadata = d.getSpec().getTemplate().getMetadata();
            Map<String, String> templateLabels = new LinkedHashMap<>(templateMetadata == null || templateMetadata.getLabels() == null
                    ? Map.of() : templateMetadata.getLabels());
            templateLabels.put(Rollouts.TEMPLATE_HASH_LABEL, hash);
            template.getMetadata().setLabels(templateLabels);
            var selector = Rollouts.copy(d.getSpec().getSelector(), io.fabric8.kubernetes.api.model.LabelSelector.class);
            Map<String, String> matchLabels = new LinkedHashMap<>(selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels());
            matchLabels.put(Rollouts.TEMPLATE_HASH_LABEL, hash);
            selector.setMatchLabels(matchLabels);
            String name = d.getMetadata().getName() + "-" + hash;
            ReplicaSet rs = new ReplicaSetBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .withOwnerReferences(ControllerRefs.referenceTo(d, "apps/v1", "Deployment"))
                    .withLabels(templateLabels)
                    .endMetadata()
                    .withNewSpec()
                    .withReplicas(0)
                    .withMinReadySeconds(Rollouts.intValue(d.getSpec().getMinReadySeconds()))
                    .withSelector(selector)
                    .withTemplate(template)
                    .endSpec()
                    .build();
            List<ReplicaSet> all = new ArrayList<>(old);
            all.add(rs);
            int newReplicas = Rollouts.newReplicaSetReplicas(d, all, rs);
            rs.getSpec().setReplicas(newReplicas);
            Rollouts.setNewReplicaSetAnnotations(d, rs, newRevision, false);
            ReplicaSet created;
            boolean alreadyExists = false;
            try {
                created = client.apps().replicaSets().inNamespace(namespace).resource(rs).create();
            } catch (KubernetesClientException failure) {
                if (failure.getCode() == 409) {
                    ReplicaSet found = client.apps().replicaSets().inNamespace(namespace).withName(name).get();
                    boolean ours = found != null && ControllerRefs.controllerOf(found)
                            .map(reference -> reference.getUid().equals(d.getMetadata().getUid())).orElse(false);
                    if (ours && Rollouts.equalIgnoreHash(found.getSpec().getTemplate(), d.getSpec().getTemplate())) {
                        created = found;
                        alreadyExists = true;
                    } else {
                        // A hash collision: the next hash includes a higher collision count.
                        d.getStatus().setCollisionCount(collisionCount == null ? 1 : collisionCount + 1);
                        writeStatus();
                        throw new KubernetesClientException("hash collision for replica set " + name
                                + "; collision count now " + d.getStatus().getCollisionCount());
                    }
                } else {
                    String message = "Failed to create new replica set \"" + name + "\": " + message(failure);
                    if (hasProgressDeadline(d)) {
                        Rollouts.setCondition(d.getStatus(), Rollouts.condition(Rollouts.PROGRESSING, "False",
                                Rollouts.RS_CREATE_ERROR, message));
                        try {
                            writeStatus();
                        } catch (KubernetesClientException ignored) {
                            // The create failure is what gets retried.
                        }
                    }
                    events.warning(d, Rollouts.RS_CREATE_ERROR, message);
                    throw failure;
                }
            }
            if (!alreadyExists && newReplicas > 0) {
                events.normal(d, "ScalingReplicaSet", "Scaled up replica set " + created.getMetadata().getName() + " from 0 to " + newReplicas);
            }
            boolean needsUpdate = setRevision(newRevision);
            if (!alreadyExists && hasProgressDeadline(d)) {
                Rollouts.setCondition(d.getStatus(), Rollouts.condition(Rollouts.PROGRESSING, "True", Rollouts.NEW_RS_CREATED,
                        "Created new replica set \"" + created.getMetadata().getName() + "\""));
                needsUpdate = true;
            }
            if (needsUpdate) {
                writeStatus();
            }
            return created;
        }

        // ---- scaling ----

        private boolean scalingEvent(List<ReplicaSet> rsList) {
            NewAndOld sets = allReplicaSets(rsList, false);
            for (ReplicaSet rs : active(sets.all())) {
                Optional<Integer> desiredAnnotation = Rollouts.intAnnotation(rs, Rollouts.DESIRED_REPLICAS);
                if (desiredAnnotation.isPresent() && desiredAnnotation.get() != desired(d)) {
                    return true;
                }
            }
            return false;
        }

        /** Upstream's sync: proportional scaling, history cleanup while paused, status. */
        private Result scaleOnly(List<ReplicaSet> rsList) {
            NewAndOld sets = allReplicaSets(rsList, false);
            List<ReplicaSet> old = scale(sets.newRs(), sets.old());
            ReplicaSet newRs = sets.newRs() == null ? null : current(sets.newRs());
            if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
                cleanup(old);
            }
            List<ReplicaSet> all = new ArrayList<>(old);
            if (newRs != null) {
                all.add(newRs);
            }
            syncDeploymentStatus(all, newRs);
            return Result.done();
        }

        /** The replica sets written during this reconcile, by uid, so later steps see their own writes. */
        private final Map<String, ReplicaSet> written = new HashMap<>();

        private ReplicaSet current(ReplicaSet rs) {
            return rs == null ? null : written.getOrDefault(rs.getMetadata().getUid(), rs);
        }

        private List<ReplicaSet> current(List<ReplicaSet> sets) {
            return sets.stream().map(this::current).toList();
        }

        /** Upstream's scale: returns the old replica sets as they are afterwards. */
        private List<ReplicaSet> scale(ReplicaSet newRs, List<ReplicaSet> oldSets) {
            List<ReplicaSet> old = new ArrayList<>(oldSets);
            Optional<ReplicaSet> activeOrLatest = activeOrLatest(newRs, old);
            if (activeOrLatest.isPresent()) {
                ReplicaSet only = activeOrLatest.get();
                if (replicas(only) != desired(d)) {
                    scaleAndRecord(only, desired(d));
                }
                return current(old);
            }
            if (saturated(newRs)) {
                for (ReplicaSet rs : active(old)) {
                    scaleAndRecord(rs, 0);
                }
                return current(old);
            }
            if (Rollouts.rollingUpdate(d)) {
                List<ReplicaSet> all = new ArrayList<>(active(old));
                if (newRs != null && replicas(newRs) > 0) {
                    all.add(newRs);
                }
                int allReplicas = Rollouts.sumReplicas(all);
                int allowed = desired(d) > 0 ? desired(d) + Rollouts.maxSurge(d) : 0;
                int toAdd = allowed - allReplicas;
                String operation;
                if (toAdd > 0) {
                    all.sort(Rollouts.BY_SIZE_NEWER);
                    operation = "up";
                } else if (toAdd < 0) {
                    all.sort(Rollouts.BY_SIZE_OLDER);
                    operation = "down";
                } else {
                    operation = "";
                }
                int added = 0;
                Map<String, Integer> sizes = new LinkedHashMap<>();
                for (ReplicaSet rs : all) {
                    if (toAdd != 0) {
                        int proportion = proportion(rs, toAdd, added);
                        sizes.put(rs.getMetadata().getName(), replicas(rs) + proportion);
                        added += proportion;
                    } else {
                        sizes.put(rs.getMetadata().getName(), replicas(rs));
                    }
                }
                if (toAdd != 0 && !all.isEmpty()) {
                    String first = all.get(0).getMetadata().getName();
                    sizes.put(first, Math.max(0, sizes.get(first) + toAdd - added));
                }
                for (ReplicaSet rs : all) {
                    scaleReplicaSet(rs, sizes.get(rs.getMetadata().getName()), operation);
                }
            }
            return current(old);
        }

        /** Upstream's FindActiveOrLatest: the only active replica set, or the latest when none is active. */
        private Optional<ReplicaSet> activeOrLatest(ReplicaSet newRs, List<ReplicaSet> old) {
            List<ReplicaSet> newestFirst = new ArrayList<>(old);
            newestFirst.sort(Rollouts.BY_CREATION.reversed());
            List<ReplicaSet> all = new ArrayList<>(newestFirst);
            if (newRs != null) {
                all.add(newRs);
            }
            List<ReplicaSet> activeSets = active(all);
            return switch (activeSets.size()) {
                case 0 -> newRs != null ? Optional.of(newRs) : newestFirst.stream().findFirst();
                case 1 -> Optional.of(activeSets.get(0));
                default -> Optional.empty();
            };
        }

        private boolean saturated(ReplicaSet rs) {
            if (rs == null) {
                return false;
            }
            Optional<Integer> desiredAnnotation = Rollouts.intAnnotation(rs, Rollouts.DESIRED_REPLICAS);
            return replicas(rs) == desired(d) && desiredAnnotation.isPresent() && desiredAnnotation.get() == desired(d)
                    && availableReplicas(rs) == desired(d);
        }

        /** Upstream's GetProportion: this replica set's share of the replicas to add (or remove). */
        private int proportion(ReplicaSet rs, int toAdd, int added) {
            if (replicas(rs) == 0 || toAdd == 0 || toAdd == added) {
                return 0;
            }
            int fraction = fraction(rs);
            int allowed = toAdd - added;
            return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
        }

        private int fraction(ReplicaSet rs) {
            if (desired(d) == 0) {
                return -replicas(rs);
            }
            int deploymentReplicas = desired(d) + Rollouts.maxSurge(d);
            int annotated = Rollouts.intAnnotation(rs, Rollouts.MAX_REPLICAS)
                    .orElse(Rollouts.intValue(d.getStatus().getReplicas()));
            if (annotated == 0) {
                return 0;
            }
            double size = (double) replicas(rs) * deploymentReplicas / annotated;
            return (int) Math.round(size) - replicas(rs);
        }

        private boolean scaleAndRecord(ReplicaSet rs, int size) {
            if (replicas(rs) == size) {
                return false;
            }
            return scaleReplicaSet(rs, size, size > replicas(rs) ? "up" : "down");
        }

        /** Sets the replicas and the replica annotations; records ScalingReplicaSet when the size changed. */
        private boolean scaleReplicaSet(ReplicaSet rs, int size, String operation) {
            rs = current(rs);
            boolean sizeChanged = replicas(rs) != size;
            int max = desired(d) + Rollouts.maxSurge(d);
            boolean annotationsChanged = Rollouts.replicasAnnotationsNeedUpdate(rs, desired(d), max);
            if (!sizeChanged && !annotationsChanged) {
                return false;
            }
            int oldSize = replicas(rs);
            ReplicaSet copy = Rollouts.copy(rs, ReplicaSet.class);
            copy.getSpec().setReplicas(size);
            Rollouts.setReplicasAnnotations(copy, desired(d), max);
            ReplicaSet updated = updateReplicaSet(copy);
            written.put(updated.getMetadata().getUid(), updated);
            if (sizeChanged) {
                events.normal(d, "ScalingReplicaSet", "Scaled " + operation + " replica set " + rs.getMetadata().getName()
                        + " from " + oldSize + " to " + size);
            }
            return sizeChanged;
        }

        // ---- rolling update ----

        private Result rolloutRolling(List<ReplicaSet> rsList) {
            NewAndOld sets = allReplicaSets(rsList, true);
            ReplicaSet newRs = sets.newRs();
            List<ReplicaSet> old = sets.old();
            if (reconcileNewReplicaSet(sets.all(), newRs)) {
                return syncRolloutStatus(current(sets.all()), current(newRs));
            }
            if (reconcileOldReplicaSets(current(sets.all()), current(active(old)), current(newRs))) {
                return syncRolloutStatus(current(sets.all()), current(newRs));
            }
            if (Rollouts.complete(d, d.getStatus())) {
                cleanup(current(old));
            }
            return syncRolloutStatus(current(sets.all()), current(newRs));
        }

        private boolean reconcileNewReplicaSet(List<ReplicaSet> all, ReplicaSet newRs) {
            if (replicas(newRs) == desired(d)) {
                return false;
            }
            if (replicas(newRs) > desired(d)) {
                return scaleAndRecord(newRs, desired(d));
            }
            return scaleAndRecord(newRs, Rollouts.newReplicaSetReplicas(d, all, newRs));
        }

        private boolean reconcileOldReplicaSets(List<ReplicaSet> all, List<ReplicaSet> old, ReplicaSet newRs) {
            int oldPods = Rollouts.sumReplicas(old);
            if (oldPods == 0) {
                return false;
            }
            int allPods = Rollouts.sumReplicas(all);
            int minAvailable = desired(d) - Rollouts.maxUnavailable(d);
            int newUnavailable = replicas(newRs) - availableReplicas(newRs);
            int maxScaledDown = allPods - minAvailable - newUnavailable;
            if (maxScaledDown <= 0) {
                return false;
            }
            int cleaned = cleanupUnhealthy(old, maxScaledDown);
            List<ReplicaSet> afterCleanup = current(old);
            List<ReplicaSet> allAfter = new ArrayList<>(afterCleanup);
            allAfter.add(current(newRs));
            int scaledDown = scaleDownOldForRollingUpdate(allAfter, afterCleanup);
            return cleaned + scaledDown > 0;
        }

        /** Scales down old replica sets' unavailable replicas first, oldest set first. */
        private int cleanupUnhealthy(List<ReplicaSet> old, int maxCleanup) {
            List<ReplicaSet> sorted = new ArrayList<>(old);
            sorted.sort(Rollouts.BY_CREATION);
            int total = 0;
            for (ReplicaSet rs : sorted) {
                if (total >= maxCleanup) {
                    break;
                }
                if (replicas(rs) == 0 || replicas(rs) == availableReplicas(rs)) {
                    continue;
                }
                int count = Math.min(maxCleanup - total, replicas(rs) - availableReplicas(rs));
                scaleAndRecord(rs, replicas(rs) - count);
                total += count;
            }
            return total;
        }

        private int scaleDownOldForRollingUpdate(List<ReplicaSet> all, List<ReplicaSet> old) {
            int minAvailable = desired(d) - Rollouts.maxUnavailable(d);
            int available = Rollouts.sumAvailable(all);
            if (available <= minAvailable) {
                return 0;
            }
            List<ReplicaSet> sorted = new ArrayList<>(old);
            sorted.sort(Rollouts.BY_CREATION);
            int totalToScaleDown = available - minAvailable;
            int total = 0;
            for (ReplicaSet rs : sorted) {
                if (total >= totalToScaleDown) {
                    break;
                }
                if (replicas(rs) == 0) {
                    continue;
                }
                int count = Math.min(replicas(rs), totalToScaleDown - total);
                scaleAndRecord(rs, replicas(rs) - count);
                total += count;
            }
            return total;
        }

        // ---- recreate ----

        private Result rolloutRecreate(List<ReplicaSet> rsList) {
            NewAndOld sets = allReplicaSets(rsList, false);
            boolean scaledDown = false;
            for (ReplicaSet rs : active(sets.old())) {
                scaledDown |= scaleAndRecord(rs, 0);
            }
            if (scaledDown) {
                return syncRolloutStatus(current(sets.all()), current(sets.newRs()));
            }
            if (oldPodsRunning(sets.newRs(), current(sets.old()))) {
                return syncRolloutStatus(current(sets.all()), current(sets.newRs()));
            }
            if (sets.newRs() == null) {
                sets = allReplicaSets(rsList, true);
            }
            scaleAndRecord(sets.newRs(), desired(d));
            if (Rollouts.complete(d, d.getStatus())) {
                cleanup(current(sets.old()));
            }
            return syncRolloutStatus(current(sets.all()), current(sets.newRs()));
        }

        private boolean oldPodsRunning(ReplicaSet newRs, List<ReplicaSet> old) {
            if (Rollouts.sumStatusReplicas(old) > 0) {
                return true;
            }
            Map<String, ReplicaSet> oldByUid = new HashMap<>();
            old.forEach(rs -> oldByUid.put(rs.getMetadata().getUid(), rs));
            for (Pod pod : pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace)) {
                Optional<OwnerReference> reference = ControllerRefs.controllerOf(pod);
                if (reference.isEmpty() || !oldByUid.containsKey(reference.get().getUid())) {
                    continue;
                }
                if (newRs != null && reference.get().getUid().equals(newRs.getMetadata().getUid())) {
                    continue;
                }
                String phase = pod.getStatus() == null || pod.getStatus().getPhase() == null ? "" : pod.getStatus().getPhase();
                if (!phase.equals("Failed") && !phase.equals("Succeeded")) {
                    return true;
                }
            }
            return false;
        }

        // ---- history ----

        /** Deletes the oldest old replica sets beyond revisionHistoryLimit that have no replicas left. */
        private void cleanup(List<ReplicaSet> old) {
            Integer limit = d.getSpec().getRevisionHistoryLimit();
            if (limit == null) {
                return;
            }
            List<ReplicaSet> cleanable = new ArrayList<>(old.stream()
                    .filter(rs -> rs.getMetadata().getDeletionTimestamp() == null).toList());
            int excess = cleanable.size() - limit;
            if (excess <= 0) {
                return;
            }
            cleanable.sort(Rollouts.BY_REVISION);
            for (int i = 0; i < excess; i++) {
                ReplicaSet rs = cleanable.get(i);
                long observed = rs.getStatus() == null ? 0 : Rollouts.longValue(rs.getStatus().getObservedGeneration());
                if (Rollouts.statusReplicas(rs) != 0 || replicas(rs) != 0
                        || Rollouts.longValue(rs.getMetadata().getGeneration()) > observed) {
                    continue;
                }
                try {
                    client.apps().replicaSets().inNamespace(namespace).withName(rs.getMetadata().getName()).delete();
                } catch (KubernetesClientException failure) {
                    if (failure.getCode() != 404) {
                        throw failure;
                    }
                }
            }
        }

        // ---- status ----

        private DeploymentStatus calculateStatus(List<ReplicaSet> all, ReplicaSet newRs) {
            int available = Rollouts.sumAvailable(all);
            int total = Rollouts.sumReplicas(all);
            DeploymentStatus status = new DeploymentStatus();
            status.setObservedGeneration(d.getMetadata().getGeneration());
            status.setReplicas(Rollouts.sumStatusReplicas(all));
            status.setUpdatedReplicas(newRs == null ? 0 : Rollouts.statusReplicas(newRs));
            status.setReadyReplicas(Rollouts.sumReady(all));
            status.setAvailableReplicas(available);
            status.setUnavailableReplicas(Math.max(0, total - available));
            status.setCollisionCount(d.getStatus().getCollisionCount());
            List<DeploymentCondition> conditions = new ArrayList<>();
            d.getStatus().getConditions().forEach(condition -> conditions.add(Rollouts.copy(condition, DeploymentCondition.class)));
            status.setConditions(conditions);
            if (available >= desired(d) - Rollouts.maxUnavailable(d)) {
                Rollouts.setCondition(status, Rollouts.condition(Rollouts.AVAILABLE, "True", Rollouts.MINIMUM_REPLICAS_AVAILABLE,
                        "Deployment has minimum availability."));
            } else {
                Rollouts.setCondition(status, Rollouts.condition(Rollouts.AVAILABLE, "False", Rollouts.MINIMUM_REPLICAS_UNAVAILABLE,
                        "Deployment does not have minimum availability."));
            }
            return status;
        }

        private void syncDeploymentStatus(List<ReplicaSet> all, ReplicaSet newRs) {
            DeploymentStatus next = calculateStatus(all, newRs);
            if (sameStatus(d.getStatus(), next)) {
                return;
            }
            d.setStatus(next);
            writeStatus();
        }

        private Result syncRolloutStatus(List<ReplicaSet> all, ReplicaSet newRs) {
            DeploymentStatus next = calculateStatus(all, newRs);
            if (!hasProgressDeadline(d)) {
                Rollouts.removeCondition(next, Rollouts.PROGRESSING);
            }
            Optional<DeploymentCondition> current = condition(d.getStatus(), Rollouts.PROGRESSING);
            boolean completeAlready = Objects.equals(next.getReplicas(), next.getUpdatedReplicas()) && current.isPresent()
                    && Rollouts.NEW_RS_AVAILABLE.equals(current.get().getReason());
            Instant now = Instant.now();
            if (hasProgressDeadline(d) && !completeAlready) {
                if (Rollouts.complete(d, next)) {
                    String message = newRs != null ? "ReplicaSet \"" + newRs.getMetadata().getName() + "\" has successfully progressed."
                            : "Deployment \"" + d.getMetadata().getName() + "\" has successfully progressed.";
                    Rollouts.setCondition(next, Rollouts.condition(Rollouts.PROGRESSING, "True", Rollouts.NEW_RS_AVAILABLE, message));
                } else if (Rollouts.progressing(d, next)) {
                    String message = newRs != null ? "ReplicaSet \"" + newRs.getMetadata().getName() + "\" is progressing."
                            : "Deployment \"" + d.getMetadata().getName() + "\" is progressing.";
                    DeploymentCondition condition = Rollouts.condition(Rollouts.PROGRESSING, "True", Rollouts.RS_UPDATED, message);
                    if (current.isPresent() && "True".equals(current.get().getStatus())) {
                        condition.setLastTransitionTime(current.get().getLastTransitionTime());
                    }
                    // Always refreshed (lastUpdateTime moves): progress pushes the deadline out.
                    Rollouts.removeCondition(next, Rollouts.PROGRESSING);
                    next.getConditions().add(condition);
                } else if (Rollouts.timedOut(d, next, now)) {
                    String message = newRs != null ? "ReplicaSet \"" + newRs.getMetadata().getName() + "\" has timed out progressing."
                            : "Deployment \"" + d.getMetadata().getName() + "\" has timed out progressing.";
                    Rollouts.setCondition(next, Rollouts.condition(Rollouts.PROGRESSING, "False", Rollouts.TIMED_OUT, message));
                }
            }
            Optional<DeploymentCondition> failure = replicaFailure(all);
            if (failure.isPresent()) {
                Rollouts.setCondition(next, failure.get());
            } else {
                Rollouts.removeCondition(next, Rollouts.REPLICA_FAILURE);
            }
            if (sameStatus(d.getStatus(), next)) {
                return requeueIfStuck(next, now);
            }
            d.setStatus(next);
            writeStatus();
            return Result.done();
        }

        private Optional<DeploymentCondition> replicaFailure(List<ReplicaSet> all) {
            for (ReplicaSet rs : all) {
                if (rs == null || rs.getStatus() == null || rs.getStatus().getConditions() == null) {
                    continue;
                }
                for (var condition : rs.getStatus().getConditions()) {
                    if (Rollouts.REPLICA_FAILURE.equals(condition.getType())) {
                        DeploymentCondition copy = Rollouts.condition(Rollouts.REPLICA_FAILURE, condition.getStatus(),
                                condition.getReason(), condition.getMessage());
                        return Optional.of(copy);
                    }
                }
            }
            return Optional.empty();
        }

        /** Upstream's requeueStuckDeployment: look again when the progress deadline passes. */
        private Result requeueIfStuck(DeploymentStatus status, Instant now) {
            Optional<DeploymentCondition> current = condition(status, Rollouts.PROGRESSING);
            if (!hasProgressDeadline(d) || current.isEmpty() || current.get().getLastUpdateTime() == null) {
                return Result.done();
            }
            if (Rollouts.complete(d, status) || Rollouts.TIMED_OUT.equals(current.get().getReason())) {
                return Result.done();
            }
            Instant deadline = Instant.parse(current.get().getLastUpdateTime()).plusSeconds(Rollouts.progressDeadlineSeconds(d));
            Duration after = Duration.between(now, deadline);
            return Result.requeueAfter(after.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : after);
        }
    }

    /** Statuses equal for writing purposes. */
    private static boolean sameStatus(DeploymentStatus a, DeploymentStatus b) {
        return Serialization.jsonMapper().valueToTree(normalized(a)).equals(Serialization.jsonMapper().valueToTree(normalized(b)));
    }

    private static DeploymentStatus normalized(DeploymentStatus status) {
        DeploymentStatus copy = Rollouts.copy(status == null ? new DeploymentStatus() : status, DeploymentStatus.class);
        copy.setReplicas(Rollouts.intValue(copy.getReplicas()));
        copy.setUpdatedReplicas(Rollouts.intValue(copy.getUpdatedReplicas()));
        copy.setReadyReplicas(Rollouts.intValue(copy.getReadyReplicas()));
        copy.setAvailableReplicas(Rollouts.intValue(copy.getAvailableReplicas()));
        copy.setUnavailableReplicas(Rollouts.intValue(copy.getUnavailableReplicas()));
        copy.setObservedGeneration(Rollouts.longValue(copy.getObservedGeneration()));
        if (copy.getConditions() == null) {
            copy.setConditions(new ArrayList<>());
        }
        return copy;
    }

    private static String message(KubernetesClientException failure) {
        if (failure.getStatus() != null && failure.getStatus().getMessage() != null) {
            return failure.getStatus().getMessage();
        }
        return String.valueOf(failure.getMessage());
    }
}
