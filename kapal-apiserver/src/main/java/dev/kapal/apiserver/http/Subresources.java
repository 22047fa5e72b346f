package dev.kapal.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.GroupVersionResource;
import dev.kapal.api.Json;
import dev.kapal.api.ResourceInfo;
import dev.kapal.api.StatusCause;
import dev.kapal.apiserver.cache.CachedObject;
import dev.kapal.apiserver.registry.Options;
import dev.kapal.apiserver.registry.ResourceStore;
import dev.kapal.apiserver.registry.ScaleSpec;
import java.io.IOException;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Subresources with behaviour of their own: {@code scale} (autoscaling/v1 Scale over any
 * resource with a {@link ScaleSpec}), {@code pods/binding}, {@code pods/eviction} and
 * {@code serviceaccounts/token} ({@link TokenRequests}); the pod
 * subresources a kubelet answers ({@code log}, {@code exec}, {@code attach}, {@code portforward})
 * go to {@link KubeletProxy}.
 */
final class Subresources {
    private final Function<GroupVersionResource, Optional<ResourceStore>> stores;
    private final Patching patching;
    private final Clock clock;

    private final KubeletProxy kubelets;
    private final Optional<TokenRequests> tokenRequests;

    Subresources(Function<GroupVersionResource, Optional<ResourceStore>> stores, Patching patching, Clock clock) {
        this(stores, patching, clock, Optional.empty(), Optional.empty());
    }

    Subresources(Function<GroupVersionResource, Optional<ResourceStore>> stores, Patching patching, Clock clock,
                 Optional<dev.kapal.apiserver.ApiServerConfig.KubeletClientMaterial> kubeletClient,
                 Optional<dev.kapal.apiserver.auth.ServiceAccountTokens> tokens) {
        this.stores = stores;
        this.patching = patching;
        this.clock = clock;
        this.kubelets = new KubeletProxy(stores, kubeletClient);
        this.tokenRequests = tokens.map(issuer -> new TokenRequests(stores, issuer));
    }

    void handle(RequestInfo.Resource request, ResourceStore store, Exchange exchange) throws IOException {
        if (KubeletProxy.handles(request.resource(), request.subresource())) {
            kubelets.handle(request, exchange);
            return;
        }
        switch (request.subresource()) {
            case "scale" -> scale(request, store, exchange);
            case "binding" -> {
                requireVerb(request, "create");
                ObjectNode binding = Encoding.decodeObject(exchange.header("Content-Type"), exchange.body());
                bind(store, request.namespace(), request.name(), binding, ResourceHandler.writeOptions(exchange));
                exchange.respondJson(201, StatusObjects.success(201));
            }
            case "token" -> {
                requireVerb(request, "create");
                TokenRequests tokens = tokenRequests.orElseThrow(() -> new ApiException(dev.kapal.api.StatusReason.NOT_FOUND,
                        "the server could not find the requested resource"));
                ObjectNode tokenRequest = Encoding.decodeObject(exchange.header("Content-Type"), exchange.body());
                tokens.create(request.namespace(), request.name(), tokenRequest, exchange);
            }
            case "eviction" -> {
                requireVerb(request, "create");
                ObjectNode eviction = Encoding.decodeObject(exchange.header("Content-Type"), exchange.body());
                evict(store, request.namespace(), request.name(), eviction, exchange);
            }
            default -> throw new ApiException(dev.kapal.api.StatusReason.NOT_FOUND, "the server could not find the requested resource");
        }
    }

    private static void requireVerb(RequestInfo.Resource request, String verb) {
        if (!request.verb().equals(verb)) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    // ---------------------------------------------------------------- scale

    private void scale(RequestInfo.Resource request, ResourceStore store, Exchange exchange) {
        ScaleSpec spec = store.definition().scale().orElseThrow(
                () -> new ApiException(dev.kapal.api.StatusReason.NOT_FOUND, "the server could not find the requested resource"));
        ResourceInfo info = store.definition().info();
        String namespace = request.namespace();
        String name = request.name();
        switch (request.verb()) {
            case "get" -> exchange.respondJson(200, toScale(store.get(namespace, name, ""), spec));
            case "update" -> {
                ObjectNode scale = Encoding.decodeObject(exchange.header("Content-Type"), exchange.body());
                exchange.respondJson(200, toScale(applyScale(store, namespace, name, scale, spec, exchange), spec));
            }
            case "patch" -> {
                var patch = patching.patcher(exchange.header("Content-Type"), exchange.body(),
                        new ResourceInfo(new dev.kapal.api.GroupVersion("autoscaling", "v1"), "scale", "scale", "Scale",
                                "ScaleList", info.namespaced(), List.of(), List.of(), List.of(), java.util.Set.of(), "scale"));
                ObjectNode current = toScale(store.get(namespace, name, ""), spec);
                ObjectNode patched = patch.apply(current);
                exchange.respondJson(200, toScale(applyScale(store, namespace, name, patched, spec, exchange), spec));
            }
            default -> throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    private ObjectNode applyScale(ResourceStore store, String namespace, String name, ObjectNode scale, ScaleSpec spec,
                                  Exchange exchange) {
        JsonNode replicas = scale.path("spec").path("replicas");
        if (!replicas.isMissingNode() && (!replicas.canConvertToInt() || replicas.asInt() < 0)) {
            throw ApiException.invalid(new dev.kapal.api.GroupVersionKind("autoscaling", "v1", "Scale"), name,
                    List.of(StatusCause.invalid("spec.replicas", replicas.asText(), "must be greater than or equal to 0")));
        }
        String pinned = scale.path("metadata").path("resourceVersion").asText("");
        return store.patch(namespace, name, object -> {
            if (!pinned.isEmpty()) {
                Json.objectAt(object, "metadata").put("resourceVersion", pinned);
            }
            setPath(object, spec.specReplicasPath(), replicas.isMissingNode() ? Json.mapper().getNodeFactory().numberNode(0) : replicas);
            return object;
        }, "", ResourceHandler.writeOptions(exchange));
    }

    private static ObjectNode toScale(ObjectNode object, ScaleSpec spec) {
        ObjectNode scale = Json.object();
        scale.put("kind", "Scale");
        scale.put("apiVersion", "autoscaling/v1");
        ObjectNode metadata = scale.putObject("metadata");
        JsonNode source = object.path("metadata");
        for (String field : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
            if (source.has(field)) {
                metadata.set(field, source.get(field));
            }
        }
        scale.putObject("spec").put("replicas", getPath(object, spec.specReplicasPath()).asInt(0));
        ObjectNode status = scale.putObject("status");
        status.put("replicas", getPath(object, spec.statusReplicasPath()).asInt(0));
        if (!spec.labelSelectorPath().isEmpty()) {
            JsonNode selector = getPath(object, spec.labelSelectorPath());
            if (selector.isTextual()) {
                status.put("selector", selector.asText());
            } else if (selector.isObject()) {
                String rendered = renderSelector(selector);
                if (!rendered.isEmpty()) {
                    status.put("selector", rendered);
                }
            }
        }
        return scale;
    }

    /** A label selector object (or an RC's plain map) as the string Scale carries. */
    static String renderSelector(JsonNode selector) {
        StringBuilder out = new StringBuilder();
        JsonNode matchLabels = selector.has("matchLabels") || selector.has("matchExpressions")
                ? selector.path("matchLabels") : selector;
        for (Iterator<Map.Entry<String, JsonNode>> it = matchLabels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(entry.getKey()).append('=').append(entry.getValue().asText());
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            if (!out.isEmpty()) {
                out.append(',');
            }
            String key = expression.path("key").asText();
            List<String> values = new java.util.ArrayList<>();
            expression.path("values").forEach(value -> values.add(value.asText()));
            switch (expression.path("operator").asText()) {
                case "In" -> out.append(key).append(" in (").append(String.join(",", values)).append(')');
                case "NotIn" -> out.append(key).append(" notin (").append(String.join(",", values)).append(')');
                case "Exists" -> out.append(key);
                case "DoesNotExist" -> out.append('!').append(key);
                default -> {
                }
            }
        }
        return out.toString();
    }

    private static JsonNode getPath(JsonNode object, String dotted) {
        JsonNode node = object;
        for (String part : dotted.substring(1).split("\\.")) {
            node = node.path(part);
        }
        return node;
    }

    private static void setPath(ObjectNode object, String dotted, JsonNode value) {
        String[] parts = dotted.substring(1).split("\\.");
        ObjectNode node = object;
        for (int i = 0; i < parts.length - 1; i++) {
            node = Json.objectAt(node, parts[i]);
        }
        node.set(parts[parts.length - 1], value);
    }

    // ---------------------------------------------------------------- binding

    /** Assigns a pod to a node, as upstream's binding REST: only once, and only while not deleting. */
    void bind(ResourceStore pods, String namespace, String podName, ObjectNode binding, Options.Write options) {
        String target = binding.path("target").path("name").asText("");
        if (target.isEmpty()) {
            throw ApiException.invalid(new dev.kapal.api.GroupVersionKind("", "v1", "Binding"), podName,
                    List.of(StatusCause.required("target.name")));
        }
        String bindingName = binding.path("metadata").path("name").asText(podName);
        if (!bindingName.equals(podName)) {
            throw ApiException.badRequest("the name of the object (" + bindingName
                    + ") does not match the name on the URL (" + podName + ")");
        }
        String uid = binding.path("metadata").path("uid").asText("");
        pods.patch(namespace, podName, pod -> {
            ObjectNode metadata = Json.objectAt(pod, "metadata");
            if (metadata.has("deletionTimestamp")) {
                throw ApiException.conflict(new GroupVersionResource("", "v1", "pods"), podName,
                        "pod " + podName + " is being deleted, cannot be assigned to a host");
            }
            if (!uid.isEmpty() && !uid.equals(metadata.path("uid").asText())) {
                throw ApiException.conflict(new GroupVersionResource("", "v1", "pods"), podName,
                        "Precondition failed: UID in precondition: " + uid + ", UID in object meta: " + metadata.path("uid").asText());
            }
            ObjectNode spec = Json.objectAt(pod, "spec");
            String current = spec.path("nodeName").asText("");
            if (!current.isEmpty()) {
                throw ApiException.conflict(new GroupVersionResource("", "v1", "pods"), podName,
                        "pod " + podName + " is already assigned to node \"" + current + "\"");
            }
            spec.put("nodeName", target);
            JsonNode annotations = binding.path("metadata").path("annotations");
            if (annotations.isObject()) {
                Json.objectAt(metadata, "annotations").setAll((ObjectNode) annotations);
            }
            ObjectNode status = Json.objectAt(pod, "status");
            ArrayNode conditions = status.has("conditions") && status.get("conditions").isArray()
                    ? (ArrayNode) status.get("conditions") : status.putArray("conditions");
            for (int i = conditions.size() - 1; i >= 0; i--) {
                if ("PodScheduled".equals(conditions.get(i).path("type").asText())) {
                    conditions.remove(i);
                }
            }
            ObjectNode condition = conditions.addObject();
            condition.put("type", "PodScheduled");
            condition.put("status", "True");
            condition.putNull("lastProbeTime");
            condition.put("lastTransitionTime", ResourceStore.timestamp(clock.instant()));
            return pod;
        }, "binding", options);
    }

    // ---------------------------------------------------------------- eviction

    /** Upstream's MaxDisruptedPodSize: more unconfirmed evictions than this are refused. */
    static final int MAX_DISRUPTED_PODS = 2000;
    /** Upstream retries an eviction whose budget update conflicted (EvictionsRetry: 20 steps). */
    private static final int EVICTION_ATTEMPTS = 20;
    private static final GroupVersionResource PODS = new GroupVersionResource("", "v1", "pods");
    private static final GroupVersionResource BUDGETS = new GroupVersionResource("policy", "v1", "poddisruptionbudgets");

    /**
     * Upstream's 429: a fixed message and the budget's state in a {@code DisruptionBudget} cause,
     * without a retry-after (upstream passes 0, so no {@code Retry-After} header: client-go would
     * otherwise retry inside the request, ten times, and {@code kubectl drain --timeout} would wait
     * that out).
     */
    private static ApiException disruptionBudget(String detail) {
        return new ApiException(dev.kapal.api.StatusReason.TOO_MANY_REQUESTS, 429,
                "Cannot evict pod as it would violate the pod's disruption budget.",
                Optional.of(new ApiException.Details("", "", "", List.of(new StatusCause("DisruptionBudget", detail, "")))),
                Optional.empty());
    }

    /** upstream's errors.NewForbidden on the budget. */
    private static ApiException budgetForbidden(String budget, String why) {
        return new ApiException(dev.kapal.api.StatusReason.FORBIDDEN, 403,
                "poddisruptionbudgets.policy \"" + budget + "\" is forbidden: " + why,
                Optional.of(new ApiException.Details(budget, "policy", "poddisruptionbudgets", List.of())), Optional.empty());
    }

    /**
     * Evicts a pod (policy/v1 or policy/v1beta1 Eviction), as upstream's eviction REST does:
     * <ul>
     *   <li>a pod that is Succeeded, Failed, Pending or already being deleted is deleted at once;</li>
     *   <li>otherwise the PodDisruptionBudgets selecting it (empty selectors select nothing here)
     *       decide: none → delete; more than one → 500; an unready pod passes when the budget's
     *       {@code unhealthyPodEvictionPolicy} is {@code AlwaysAllow}, or (default
     *       {@code IfHealthyBudget}) when the budget is healthy — then deleted only if unchanged
     *       (resourceVersion precondition);</li>
     *   <li>else the budget must be observed at its generation (429 otherwise), allow a disruption
     *       (429 with the budget's numbers otherwise) and have fewer than 2,000 unconfirmed
     *       evictions; its {@code disruptionsAllowed} is decremented and the pod recorded in
     *       {@code disruptedPods} with a compare-and-swap on the budget's status before the pod is
     *       deleted, so two evictions never spend one disruption (a conflict decides again on
     *       fresh state, up to 20 times).</li>
     * </ul>
     * The deleted pod first gets the {@code DisruptionTarget} condition (reason
     * {@code EvictionByEvictionAPI}). {@code deleteOptions} and dry run apply to the deletion; a
     * dry run writes neither the budget nor the pod.
     */
    private void evict(ResourceStore pods, String namespace, String name, ObjectNode eviction, Exchange exchange) {
        String evictionName = eviction.path("metadata").path("name").asText("");
        if (!evictionName.isEmpty() && !evictionName.equals(name)) {
            throw ApiException.badRequest("name in URL does not match name in Eviction object");
        }
        JsonNode deleteOptions = eviction.path("deleteOptions");
        boolean dryRun = ResourceHandler.writeOptions(exchange).dryRun()
                || deleteOptions.path("dryRun").isArray() && !deleteOptions.path("dryRun").isEmpty();
        java.util.OptionalLong grace = deleteOptions.has("gracePeriodSeconds") && !deleteOptions.get("gracePeriodSeconds").isNull()
                ? java.util.OptionalLong.of(deleteOptions.get("gracePeriodSeconds").asLong())
                : java.util.OptionalLong.empty();
        Optional<String> propagation = Optional.ofNullable(deleteOptions.path("propagationPolicy").textValue());
        Options.Delete requested = new Options.Delete(grace,
                Optional.ofNullable(deleteOptions.path("preconditions").path("uid").textValue()),
                Optional.ofNullable(deleteOptions.path("preconditions").path("resourceVersion").textValue()),
                propagation, dryRun);
        Optional<ResourceStore> budgets = stores.apply(BUDGETS);
        ApiException lastConflict = null;
        for (int attempt = 0; attempt < EVICTION_ATTEMPTS; attempt++) {
            ObjectNode pod = pods.get(namespace, name, "");
            if (canIgnoreBudget(pod) || budgets.isEmpty()) {
                deleteEvicted(pods, namespace, name, requested);
                exchange.respondJson(201, StatusObjects.success(201));
                return;
            }
            Map<String, String> labels = CachedObject.of("", pod.deepCopy(), 0).labels();
            List<CachedObject> matching = new java.util.ArrayList<>();
            for (CachedObject budget : budgets.get().list(namespace, Options.List.ALL).items()) {
                JsonNode selector = budget.object().path("spec").path("selector");
                // A budget with a missing or empty selector matches nothing here (as upstream's eviction).
                if (!selector.isObject() || isEmptySelector(selector) || !Selectors.matchesLabelSelector(selector, labels)) {
                    continue;
                }
                matching.add(budget);
            }
            if (matching.size() > 1) {
                throw new ApiException(dev.kapal.api.StatusReason.INTERNAL_ERROR, 500,
                        "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
                        Optional.empty(), Optional.empty());
            }
            if (matching.isEmpty()) {
                deleteEvicted(pods, namespace, name, requested);
                exchange.respondJson(201, StatusObjects.success(201));
                return;
            }
            // The budget as stored now (the list may lag): its revision pins the status write.
            ObjectNode object = budgets.get().get(namespace, matching.getFirst().name(), "");
            JsonNode status = object.path("status");
            if (!ready(pod)) {
                String policy = object.path("spec").path("unhealthyPodEvictionPolicy").asText("IfHealthyBudget");
                long currentHealthy = status.path("currentHealthy").asLong(0);
                long desiredHealthy = status.path("desiredHealthy").asLong(0);
                if (policy.equals("AlwaysAllow") || (currentHealthy >= desiredHealthy && desiredHealthy > 0)) {
                    // Delete only the pod as seen: should it have turned ready meanwhile, decide again.
                    Options.Delete unchanged = requested.preconditionVersion().isPresent() ? requested
                            : new Options.Delete(requested.gracePeriodSeconds(), requested.preconditionUid(),
                            Optional.of(pod.path("metadata").path("resourceVersion").asText()),
                            requested.propagationPolicy(), requested.dryRun());
                    try {
                        deleteEvicted(pods, namespace, name, unchanged);
                    } catch (ApiException conflict) {
                        if (conflict.code() != 409 || requested.preconditionVersion().isPresent()) {
                            throw conflict;
                        }
                        lastConflict = conflict;
                        continue;
                    }
                    exchange.respondJson(201, StatusObjects.success(201));
                    return;
                }
            }
            try {
                checkAndDecrement(budgets.get(), namespace, name, object, dryRun);
            } catch (ApiException conflict) {
                if (conflict.code() != 409) {
                    throw conflict;
                }
                lastConflict = conflict;
                continue;
            }
            deleteEvicted(pods, namespace, name, requested);
            exchange.respondJson(201, StatusObjects.success(201));
            return;
        }
        throw lastConflict;
    }

    /** Upstream's canIgnorePDB: terminal, pending or already terminating pods disrupt nothing more. */
    private static boolean canIgnoreBudget(ObjectNode pod) {
        String phase = pod.path("status").path("phase").asText("");
        return phase.equals("Succeeded") || phase.equals("Failed") || phase.equals("Pending")
                || pod.path("metadata").has("deletionTimestamp");
    }

    private static boolean isEmptySelector(JsonNode selector) {
        return (!selector.path("matchLabels").isObject() || selector.path("matchLabels").isEmpty())
                && (!selector.path("matchExpressions").isArray() || selector.path("matchExpressions").isEmpty());
    }

    private static boolean ready(ObjectNode pod) {
        for (JsonNode condition : pod.path("status").path("conditions")) {
            if ("Ready".equals(condition.path("type").asText())) {
                return "True".equals(condition.path("status").asText());
            }
        }
        return false;
    }

    /**
     * Spends one disruption of {@code budget}: refuses when it cannot, else writes the decremented
     * status with the pod in {@code disruptedPods}, pinned to the revision read (409 when another
     * eviction or the disruption controller wrote in between).
     */
    private void checkAndDecrement(ResourceStore budgets, String namespace, String podName, ObjectNode object,
                                   boolean dryRun) {
        String budgetName = object.path("metadata").path("name").asText();
        ObjectNode status = Json.objectAt(object, "status");
        long generation = object.path("metadata").path("generation").asLong(0);
        if (status.path("observedGeneration").asLong(0) < generation) {
            throw disruptionBudget("The disruption budget " + budgetName + " is still being processed by the server.");
        }
        long allowed = status.path("disruptionsAllowed").asLong(0);
        if (allowed < 0) {
            throw budgetForbidden(budgetName, "pdb disruptions allowed is negative");
        }
        if (status.path("disruptedPods").size() > MAX_DISRUPTED_PODS) {
            throw budgetForbidden(budgetName, "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
        }
        if (allowed == 0) {
            throw disruptionBudget("The disruption budget " + budgetName + " needs " + status.path("desiredHealthy").asLong(0)
                    + " healthy pods and has " + status.path("currentHealthy").asLong(0) + " currently");
        }
        status.put("disruptionsAllowed", allowed - 1);
        if (allowed - 1 == 0) {
            setInsufficientPods(status);
        }
        if (dryRun) {
            return;
        }
        Json.objectAt(status, "disruptedPods").put(podName, ResourceStore.timestamp(clock.instant()));
        budgets.update(namespace, budgetName, object, "status", Options.Write.DEFAULT);
    }

    /** UpdateDisruptionAllowedCondition for no disruptions left: False / InsufficientPods. */
    private void setInsufficientPods(ObjectNode status) {
        ArrayNode conditions = status.has("conditions") && status.get("conditions").isArray()
                ? (ArrayNode) status.get("conditions") : status.putArray("conditions");
        for (JsonNode condition : conditions) {
            if ("DisruptionAllowed".equals(condition.path("type").asText())) {
                ObjectNode existing = (ObjectNode) condition;
                if (!"False".equals(existing.path("status").asText())) {
                    existing.put("lastTransitionTime", ResourceStore.timestamp(clock.instant()));
                }
                existing.put("status", "False");
                existing.put("reason", "InsufficientPods");
                existing.put("message", "");
                return;
            }
        }
        ObjectNode condition = conditions.addObject();
        condition.put("type", "DisruptionAllowed");
        condition.put("status", "False");
        condition.put("reason", "InsufficientPods");
        condition.put("message", "");
        condition.put("lastTransitionTime", ResourceStore.timestamp(clock.instant()));
    }

    /**
     * Upstream's addConditionAndDeletePod: unless a dry run, the pod gets the DisruptionTarget
     * condition (checking the delete preconditions against it, then moving the resourceVersion
     * precondition to the version that write made), then it is deleted with the client's options.
     */
    private void deleteEvicted(ResourceStore pods, String namespace, String name, Options.Delete options) {
        Options.Delete effective = options;
        if (!options.dryRun()) {
            ObjectNode updated = pods.patch(namespace, name, pod -> {
                JsonNode metadata = pod.path("metadata");
                options.preconditionUid().ifPresent(uid -> {
                    if (!uid.isEmpty() && !uid.equals(metadata.path("uid").asText())) {
                        throw ApiException.conflict(PODS, name, "the UID in the precondition (" + uid
                                + ") does not match the UID in record (" + metadata.path("uid").asText()
                                + "). The object might have been deleted and then recreated");
                    }
                });
                options.preconditionVersion().ifPresent(version -> {
                    if (!version.isEmpty() && !version.equals(metadata.path("resourceVersion").asText())) {
                        throw ApiException.conflict(PODS, name, "the ResourceVersion in the precondition (" + version
                                + ") does not match the ResourceVersion in record (" + metadata.path("resourceVersion").asText()
                                + "). The object might have been modified");
                    }
                });
                Json.objectAt(pod, "metadata").remove("resourceVersion");
                ObjectNode status = Json.objectAt(pod, "status");
                ArrayNode conditions = status.has("conditions") && status.get("conditions").isArray()
                        ? (ArrayNode) status.get("conditions") : status.putArray("conditions");
                ObjectNode target = null;
                for (JsonNode condition : conditions) {
                    if ("DisruptionTarget".equals(condition.path("type").asText())) {
                        target = (ObjectNode) condition;
                    }
                }
                if (target == null) {
                    target = conditions.addObject();
                    target.put("type", "DisruptionTarget");
                }
                if (!"True".equals(target.path("status").asText())) {
                    target.put("lastTransitionTime", ResourceStore.timestamp(clock.instant()));
                }
                target.put("status", "True");
                target.put("reason", "EvictionByEvictionAPI");
                target.put("message", "Eviction API: evicting");
                return pod;
            }, "status", Options.Write.DEFAULT);
            if (options.preconditionVersion().isPresent()) {
                effective = new Options.Delete(options.gracePeriodSeconds(), options.preconditionUid(),
                        Optional.of(updated.path("metadata").path("resourceVersion").asText()),
                        options.propagationPolicy(), options.dryRun());
            }
        }
        pods.delete(namespace, name, effective);
    }
}
