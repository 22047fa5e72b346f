package dev.kapal.controllers.disruption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapal.controllers.runtime.Controller;
import dev.kapal.controllers.runtime.ControllerContext;
import dev.kapal.controllers.runtime.EventRecorder;
import dev.kapal.controllers.runtime.ObjectKey;
import dev.kapal.controllers.runtime.Reconciler;
import dev.kapal.controllers.runtime.Result;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Keeps the status of PodDisruptionBudgets, as kube-controller-manager's disruption controller:
 * for each budget, the pods its selector matches in its namespace (a missing selector matches
 * none, an empty one all), then
 * <ul>
 *   <li>{@code expectedPods}: with {@code maxUnavailable} or a percentage {@code minAvailable},
 *       the sum of the scales of the pods' controllers (Deployment through its ReplicaSets,
 *       ReplicaSet, ReplicationController, StatefulSet, else any controller's {@code scale}
 *       subresource); with an integer {@code minAvailable}, the number of pods;</li>
 *   <li>{@code desiredHealthy}: {@code minAvailable}, or expected minus {@code maxUnavailable},
 *       percentages rounded up;</li>
 *   <li>{@code currentHealthy}: pods Ready, not being deleted and not in {@code disruptedPods};</li>
 *   <li>{@code disruptionsAllowed}: current minus desired, never below 0 (0 without expected pods);</li>
 *   <li>{@code disruptedPods}: entries the eviction subresource wrote, dropped once the pod is
 *       deleted or {@link #DELETION_TIMEOUT} (2 min) passed without its deletion;</li>
 *   <li>the {@code DisruptionAllowed} condition: True/{@code SufficientPods} or
 *       False/{@code InsufficientPods}; when the numbers cannot be computed (a controller not
 *       found) disruptions drop to 0 with False/{@code SyncFailed}.</li>
 * </ul>
 * Pod events enqueue the budgets that select the pod. Events: {@code NoPods},
 * {@code CalculateExpectedPodCountFailed}, {@code UnmanagedPods}, as upstream.
 *
 * <p>Like upstream it also resets stale {@code DisruptionTarget} conditions: a pod whose condition
 * has been True for {@link #STALE_POD_DISRUPTION_TIMEOUT} (2 min) without the pod being deleted
 * (nor reaching a terminal phase; kubelet's {@code TerminationByKubelet} excepted) gets it set to False.
 */
public final class DisruptionController implements Reconciler<DisruptionKey> {
    /** The {@code --controllers} name (upstream's alias; 1.28+ also {@code disruption-controller}). */
    public static final String NAME = "disruption";
    /** How long an evicted pod may stay in disruptedPods before it counts as healthy again. */
    static final Duration DELETION_TIMEOUT = Duration.ofMinutes(2);
    static final String CONDITION = "DisruptionAllowed";
    /** How long a DisruptionTarget condition may wait for the pod's deletion. */
    static final Duration STALE_POD_DISRUPTION_TIMEOUT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final SharedIndexInformer<PodDisruptionBudget> budgets;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<ReplicaSet> replicaSets;
    private final SharedIndexInformer<Deployment> deployments;
    private final SharedIndexInformer<StatefulSet> statefulSets;
    private final SharedIndexInformer<ReplicationController> replicationControllers;
    private final EventRecorder recorder;
    private final Clock clock;

    private DisruptionController(ControllerContext context, EventRecorder recorder, Clock clock) {
        this.client = context.client();
        this.budgets = context.informers().of(PodDisruptionBudget.class);
        this.pods = context.informers().of(Pod.class);
        this.replicaSets = context.informers().of(ReplicaSet.class);
        this.deployments = context.informers().of(Deployment.class);
        this.statefulSets = context.informers().of(StatefulSet.class);
        this.replicationControllers = context.informers().of(ReplicationController.class);
        this.recorder = recorder;
        this.clock = clock;
    }

    public static Controller<DisruptionKey> create(ControllerContext context) {
        EventRecorder recorder = new EventRecorder(context.client(), "controllermanager", hostName(), 1000);
        DisruptionController reconciler = new DisruptionController(context, recorder, Clock.systemUTC());
        return Controller.builder(NAME, reconciler)
                .context(context)
                .workers(2)
                .closes(recorder)
                .watch(reconciler.budgets, budget -> Stream.of(new DisruptionKey.Budget(ObjectKey.of(budget))))
                .watch(reconciler.pods, pod -> Stream.concat(reconciler.budgetsOf(pod).map(DisruptionKey.Budget::new),
                        disruptionTarget(pod).isPresent() ? Stream.of(new DisruptionKey.StalePod(ObjectKey.of(pod)))
                                : Stream.empty()))
                .watch(reconciler.replicaSets, ignored -> Stream.empty())
                .watch(reconciler.deployments, ignored -> Stream.empty())
                .watch(reconciler.statefulSets, ignored -> Stream.empty())
                .watch(reconciler.replicationControllers, ignored -> Stream.empty())
                .build();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException unknown) {
            return "localhost";
        }
    }

    /** The budgets in the pod's namespace whose selector matches it. */
    private Stream<ObjectKey> budgetsOf(Pod pod) {
        String namespace = pod.getMetadata().getNamespace();
        return budgets.getIndexer().list().stream()
                .filter(budget -> Objects.equals(budget.getMetadata().getNamespace(), namespace))
                .filter(budget -> budget.getSpec() != null
                        && LabelSelectors.matches(budget.getSpec().getSelector(), pod.getMetadata().getLabels()))
                .map(ObjectKey::of);
    }

    @Override
    public Result reconcile(DisruptionKey key) {
        return switch (key) {
            case DisruptionKey.Budget budget -> syncBudget(budget.object());
            case DisruptionKey.StalePod pod -> syncStalePod(pod.object());
        };
    }

    private static Optional<PodCondition> disruptionTarget(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream().filter(c -> "DisruptionTarget".equals(c.getType())).findFirst();
    }

    /** Upstream's syncStalePodDisruption. */
    private Result syncStalePod(ObjectKey key) {
        Pod pod = pods.getIndexer().getByKey(key.indexerKey());
        if (pod == null || pod.getMetadata().getDeletionTimestamp() != null) {
            return Result.done();
        }
        Optional<PodCondition> condition = disruptionTarget(pod);
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (condition.isEmpty() || !"True".equals(condition.get().getStatus())
                || "TerminationByKubelet".equals(condition.get().getReason())
                || "Succeeded".equals(phase) || "Failed".equals(phase)) {
            return Result.done();
        }
        Instant since = condition.get().getLastTransitionTime() == null ? Instant.EPOCH
                : Instant.parse(condition.get().getLastTransitionTime());
        Duration waitFor = STALE_POD_DISRUPTION_TIMEOUT.minus(Duration.between(since, clock.instant()));
        if (waitFor.isPositive()) {
            return Result.requeueAfter(waitFor);
        }
        Pod next = new io.fabric8.kubernetes.api.model.PodBuilder(pod).build();
        for (PodCondition existing : next.getStatus().getConditions()) {
            if ("DisruptionTarget".equals(existing.getType())) {
                existing.setStatus("False");
                existing.setLastTransitionTime(clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
            }
        }
        try {
            client.pods().inNamespace(key.namespace()).resource(next).updateStatus();
        } catch (KubernetesClientException failure) {
            if (failure.getCode() != 404) {
                throw failure;
            }
        }
        return Result.done();
    }

    private Result syncBudget(ObjectKey key) {
        PodDisruptionBudget budget = budgets.getIndexer().getByKey(key.indexerKey());
        if (budget == null) {
            return Result.done();
        }
        List<Pod> matched = pods.getIndexer().list().stream()
                .filter(pod -> Objects.equals(pod.getMetadata().getNamespace(), budget.getMetadata().getNamespace()))
                .filter(pod -> budget.getSpec() != null
                        && LabelSelectors.matches(budget.getSpec().getSelector(), pod.getMetadata().getLabels()))
                .toList();
        if (matched.isEmpty()) {
            recorder.normal(budget, "NoPods", "No matching pods found");
        }
        Expected expected;
        try {
            expected = expectedPods(budget, matched);
        } catch (IllegalStateException failure) {
            recorder.warning(budget, "CalculateExpectedPodCountFailed",
                    "Failed to calculate the number of expected pods: " + failure.getMessage());
            failSafe(budget, failure.getMessage());
            return Result.error(failure);
        }
        if (!expected.unmanaged().isEmpty()) {
            recorder.warning(budget, "UnmanagedPods", "Pods selected by this PodDisruptionBudget (selector: "
                    + selectorText(budget) + ") were found to be unmanaged. As a result, the status of the PDB cannot be "
                    + "calculated correctly, which may result in undefined behavior. To account for these pods please set "
                    + "\".spec.minAvailable\" field of the PDB to an integer value.");
        }
        Instant now = clock.instant();
        Map<String, String> disrupted = new LinkedHashMap<>();
        Optional<Instant> recheck = Optional.empty();
        Map<String, String> recorded = budget.getStatus() == null || budget.getStatus().getDisruptedPods() == null
                ? Map.of() : budget.getStatus().getDisruptedPods();
        for (Pod pod : matched) {
            String since = recorded.get(pod.getMetadata().getName());
            if (since == null || pod.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            Instant expectedDeletion = Instant.parse(since).plus(DELETION_TIMEOUT);
            if (expectedDeletion.isBefore(now)) {
                recorder.warning(pod, "NotDeleted", "Pod was expected by PDB " + budget.getMetadata().getNamespace()
                        + "/" + budget.getMetadata().getName() + " to be deleted but it wasn't");
                continue;
            }
            disrupted.put(pod.getMetadata().getName(), since);
            if (recheck.isEmpty() || expectedDeletion.isBefore(recheck.get())) {
                recheck = Optional.of(expectedDeletion);
            }
        }
        int currentHealthy = 0;
        for (Pod pod : matched) {
            if (pod.getMetadata().getDeletionTimestamp() == null && !disrupted.containsKey(pod.getMetadata().getName())
                    && ready(pod)) {
                currentHealthy++;
            }
        }
        updateStatus(budget, currentHealthy, expected.desiredHealthy(), expected.expectedCount(), disrupted);
        if (recheck.isPresent()) {
            Duration delay = Duration.between(now, recheck.get());
            return Result.requeueAfter(delay.isNegative() ? Duration.ZERO : delay);
        }
        return Result.done();
    }

    private static String selectorText(PodDisruptionBudget budget) {
        try {
            return JSON.writeValueAsString(budget.getSpec().getSelector());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return String.valueOf(budget.getSpec().getSelector());
        }
    }

    static boolean ready(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition condition : pod.getStatus().getConditions()) {
            if ("Ready".equals(condition.getType())) {
                return "True".equals(condition.getStatus());
            }
        }
        return false;
    }

    /** What a budget's numbers come from. */
    record Expected(int expectedCount, int desiredHealthy, List<String> unmanaged) {
    }

    private Expected expectedPods(PodDisruptionBudget budget, List<Pod> matched) {
        IntOrString maxUnavailable = budget.getSpec().getMaxUnavailable();
        IntOrString minAvailable = budget.getSpec().getMinAvailable();
        if (maxUnavailable != null) {
            Scale scale = expectedScale(matched);
            int unavailable = scaled(maxUnavailable, scale.count());
            return new Expected(scale.count(), Math.max(0, scale.count() - unavailable), scale.unmanaged());
        }
        if (minAvailable != null) {
            if (minAvailable.getStrVal() == null) {
                return new Expected(matched.size(), minAvailable.getIntVal(), List.of());
            }
            Scale scale = expectedScale(matched);
            return new Expected(scale.count(), scaled(minAvailable, scale.count()), scale.unmanaged());
        }
        return new Expected(0, 0, List.of());
    }

    /** intstr.GetScaledValueFromIntOrPercent rounding up. */
    static int scaled(IntOrString value, int total) {
        if (value.getStrVal() == null) {
            return value.getIntVal();
        }
        String text = value.getStrVal();
        if (!text.endsWith("%")) {
            throw new IllegalStateException("invalid value for IntOrString: invalid type: string is not a percentage");
        }
        int percent;
        try {
            percent = Integer.parseInt(text.substring(0, text.length() - 1));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("invalid value \"" + text + "\": " + e.getMessage());
        }
        return (int) Math.ceil(percent * (double) total / 100.0);
    }

    private record Scale(int count, List<String> unmanaged) {
    }

    private record ControllerScale(String uid, int scale) {
    }

    /** Upstream's getExpectedScale: the sum of the scales of the pods' controllers, each counted once. */
    private Scale expectedScale(List<Pod> matched) {
        Map<String, Integer> scales = new LinkedHashMap<>();
        List<String> unmanaged = new ArrayList<>();
        for (Pod pod : matched) {
            Optional<OwnerReference> controllerRef = controllerOf(pod.getMetadata().getOwnerReferences());
            if (controllerRef.isEmpty()) {
                unmanaged.add(pod.getMetadata().getName());
                continue;
            }
            if (scales.containsKey(controllerRef.get().getUid())) {
                continue;
            }
            String namespace = pod.getMetadata().getNamespace();
            Optional<ControllerScale> found = Stream.<java.util.function.Supplier<Optional<ControllerScale>>>of(
                            () -> replicaSetScale(controllerRef.get(), namespace),
                            () -> deploymentScale(controllerRef.get(), namespace),
                            () -> replicationControllerScale(controllerRef.get(), namespace),
                            () -> statefulSetScale(controllerRef.get(), namespace),
                            () -> scaleSubresource(controllerRef.get(), namespace))
                    .map(java.util.function.Supplier::get)
                    .flatMap(Optional::stream)
                    .findFirst();
            if (found.isEmpty()) {
                throw new IllegalStateException("found no controllers for pod \"" + pod.getMetadata().getName() + "\"");
            }
            scales.put(found.get().uid(), found.get().scale());
        }
        return new Scale(scales.values().stream().mapToInt(Integer::intValue).sum(), unmanaged);
    }

    private static Optional<OwnerReference> controllerOf(List<OwnerReference> owners) {
        return owners == null ? Optional.empty()
                : owners.stream().filter(owner -> Boolean.TRUE.equals(owner.getController())).findFirst();
    }

    private static boolean is(OwnerReference reference, String group, String kind) {
        String apiVersion = reference.getApiVersion() == null ? "" : reference.getApiVersion();
        int slash = apiVersion.indexOf('/');
        return kind.equals(reference.getKind()) && group.equals(slash < 0 ? "" : apiVersion.substring(0, slash));
    }

    private static int replicas(Integer replicas) {
        return replicas == null ? 1 : replicas;
    }

    /** A ReplicaSet not controlled by a Deployment. */
    private Optional<ControllerScale> replicaSetScale(OwnerReference reference, String namespace) {
        if (!is(reference, "apps", "ReplicaSet")) {
            return Optional.empty();
        }
        ReplicaSet replicaSet = replicaSets.getIndexer().getByKey(namespace + "/" + reference.getName());
        if (replicaSet == null || !reference.getUid().equals(replicaSet.getMetadata().getUid())) {
            return Optional.empty();
        }
        Optional<OwnerReference> owner = controllerOf(replicaSet.getMetadata().getOwnerReferences());
        if (owner.isPresent() && is(owner.get(), "apps", "Deployment")) {
            return Optional.empty();
        }
        return Optional.of(new ControllerScale(replicaSet.getMetadata().getUid(), replicas(replicaSet.getSpec().getReplicas())));
    }

    /** The Deployment controlling the pod's ReplicaSet. */
    private Optional<ControllerScale> deploymentScale(OwnerReference reference, String namespace) {
        if (!is(reference, "apps", "ReplicaSet")) {
            return Optional.empty();
        }
        ReplicaSet replicaSet = replicaSets.getIndexer().getByKey(namespace + "/" + reference.getName());
        if (replicaSet == null || !reference.getUid().equals(replicaSet.getMetadata().getUid())) {
            return Optional.empty();
        }
        Optional<OwnerReference> owner = controllerOf(replicaSet.getMetadata().getOwnerReferences());
        if (owner.isEmpty() || !is(owner.get(), "apps", "Deployment")) {
            return Optional.empty();
        }
        Deployment deployment = deployments.getIndexer().getByKey(namespace + "/" + owner.get().getName());
        if (deployment == null || !owner.get().getUid().equals(deployment.getMetadata().getUid())) {
            return Optional.empty();
        }
        return Optional.of(new ControllerScale(deployment.getMetadata().getUid(), replicas(deployment.getSpec().getReplicas())));
    }

    private Optional<ControllerScale> replicationControllerScale(OwnerReference reference, String namespace) {
        if (!is(reference, "", "ReplicationController")) {
            return Optional.empty();
        }
        ReplicationController controller = replicationControllers.getIndexer().getByKey(namespace + "/" + reference.getName());
        if (controller == null || !reference.getUid().equals(controller.getMetadata().getUid())) {
            return Optional.empty();
        }
        return Optional.of(new ControllerScale(controller.getMetadata().getUid(), replicas(controller.getSpec().getReplicas())));
    }

    private Optional<ControllerScale> statefulSetScale(OwnerReference reference, String namespace) {
        if (!is(reference, "apps", "StatefulSet")) {
            return Optional.empty();
        }
        StatefulSet statefulSet = statefulSets.getIndexer().getByKey(namespace + "/" + reference.getName());
        if (statefulSet == null || !reference.getUid().equals(statefulSet.getMetadata().getUid())) {
            return Optional.empty();
        }
        return Optional.of(new ControllerScale(statefulSet.getMetadata().getUid(), replicas(statefulSet.getSpec().getReplicas())));
    }

    /** Any other controller: its {@code scale} subresource, found through discovery. */
    private Optional<ControllerScale> scaleSubresource(OwnerReference reference, String namespace) {
        if (is(reference, "apps", "ReplicaSet") || is(reference, "apps", "StatefulSet") || is(reference, "", "ReplicationController")) {
            return Optional.empty();
        }
        String apiVersion = reference.getApiVersion();
        APIResourceList resources;
        try {
            resources = client.getApiResources(apiVersion);
        } catch (KubernetesClientException failure) {
            throw new IllegalStateException("unable to find the resource of " + apiVersion + "/" + reference.getKind()
                    + ": " + failure.getMessage());
        }
        if (resources == null) {
            return Optional.empty();
        }
        String plural = null;
        boolean hasScale = false;
        for (APIResource resource : resources.getResources()) {
            if (!resource.getName().contains("/") && reference.getKind().equals(resource.getKind())) {
                plural = resource.getName();
            }
        }
        if (plural == null) {
            return Optional.empty();
        }
        for (APIResource resource : resources.getResources()) {
            hasScale |= resource.getName().equals(plural + "/scale");
        }
        if (!hasScale) {
            return Optional.empty();
        }
        String prefix = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
        String url = client.getMasterUrl().toString().replaceAll("/$", "") + prefix + "/namespaces/" + namespace + "/"
                + plural + "/" + reference.getName() + "/scale";
        HttpRequest request = client.getHttpClient().newHttpRequestBuilder().uri(url).build();
        try {
            HttpResponse<String> response = client.getHttpClient().sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
            if (response.code() == 404) {
                return Optional.empty();
            }
            if (response.code() != 200) {
                throw new IllegalStateException("getting the scale of " + reference.getKind() + " " + reference.getName()
                        + ": HTTP " + response.code());
            }
            JsonNode scale = JSON.readTree(response.body());
            if (!reference.getUid().equals(scale.path("metadata").path("uid").asText())) {
                return Optional.empty();
            }
            return Optional.of(new ControllerScale(reference.getUid(), scale.path("spec").path("replicas").asInt(0)));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", interrupted);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | com.fasterxml.jackson.core.JsonProcessingException failure) {
            throw new IllegalStateException("getting the scale of " + reference.getKind() + " " + reference.getName()
                    + ": " + failure.getMessage());
        }
    }

    // ---------------------------------------------------------------- status

    private void updateStatus(PodDisruptionBudget budget, int currentHealthy, int desiredHealthy, int expectedCount,
                              Map<String, String> disrupted) {
        int allowed = expectedCount <= 0 ? 0 : Math.max(0, currentHealthy - desiredHealthy);
        PodDisruptionBudgetStatus old = budget.getStatus() == null ? new PodDisruptionBudgetStatus() : budget.getStatus();
        long generation = budget.getMetadata().getGeneration() == null ? 0 : budget.getMetadata().getGeneration();
        boolean sameNumbers = Objects.equals(old.getCurrentHealthy(), currentHealthy)
                && Objects.equals(old.getDesiredHealthy(), desiredHealthy)
                && Objects.equals(old.getExpectedPods(), expectedCount)
                && Objects.equals(old.getDisruptionsAllowed(), allowed)
                && Objects.equals(old.getObservedGeneration(), generation)
                && Objects.equals(old.getDisruptedPods() == null ? Map.of() : old.getDisruptedPods(), disrupted);
        List<Condition> conditions = withCondition(old.getConditions(), allowed > 0
                ? condition("True", "SufficientPods", "", generation)
                : condition("False", "InsufficientPods", "", generation));
        if (sameNumbers && Objects.equals(conditions, old.getConditions())) {
            return;
        }
        PodDisruptionBudget next = budget.toBuilder().build();
        PodDisruptionBudgetStatus status = new PodDisruptionBudgetStatus();
        status.setCurrentHealthy(currentHealthy);
        status.setDesiredHealthy(desiredHealthy);
        status.setExpectedPods(expectedCount);
        status.setDisruptionsAllowed(allowed);
        status.setObservedGeneration(generation);
        status.setDisruptedPods(disrupted.isEmpty() ? null : new LinkedHashMap<>(disrupted));
        status.setConditions(conditions);
        next.setStatus(status);
        client.policy().v1().podDisruptionBudget().inNamespace(budget.getMetadata().getNamespace()).resource(next).updateStatus();
    }

    /** Upstream's failSafe: no disruptions, and why. */
    private void failSafe(PodDisruptionBudget budget, String message) {
        PodDisruptionBudgetStatus old = budget.getStatus() == null ? new PodDisruptionBudgetStatus() : budget.getStatus();
        long observed = old.getObservedGeneration() == null ? 0 : old.getObservedGeneration();
        PodDisruptionBudget next = budget.toBuilder().build();
        PodDisruptionBudgetStatus status = next.getStatus() == null ? new PodDisruptionBudgetStatus() : next.getStatus();
        status.setDisruptionsAllowed(0);
        status.setConditions(withCondition(old.getConditions(), condition("False", "SyncFailed", message, observed)));
        if (status.getCurrentHealthy() == null) {
            status.setCurrentHealthy(0);
            status.setDesiredHealthy(0);
            status.setExpectedPods(0);
        }
        next.setStatus(status);
        try {
            client.policy().v1().podDisruptionBudget().inNamespace(budget.getMetadata().getNamespace()).resource(next).updateStatus();
        } catch (KubernetesClientException failure) {
            // The sync is retried anyway.
        }
    }

    private Condition condition(String status, String reason, String message, long observedGeneration) {
        return new ConditionBuilder()
                .withType(CONDITION)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(observedGeneration)
                .withLastTransitionTime(clock.instant().truncatedTo(ChronoUnit.SECONDS).toString())
                .build();
    }

    /** meta.SetStatusCondition: replace the condition of that type, keeping its transition time unless the status changed. */
    private static List<Condition> withCondition(List<Condition> existing, Condition wanted) {
        List<Condition> result = new ArrayList<>();
        boolean found = false;
        for (Condition condition : existing == null ? List.<Condition>of() : existing) {
            if (!CONDITION.equals(condition.getType())) {
                result.add(condition);
                continue;
            }
            found = true;
            Condition merged = new ConditionBuilder(wanted).build();
            if (Objects.equals(condition.getStatus(), wanted.getStatus())) {
                merged.setLastTransitionTime(condition.getLastTransitionTime());
            }
            result.add(merged);
        }
        if (!found) {
            result.add(wanted);
        }
        return result;
    }
}
