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
 * resource with a {@link ScaleSpec}), {@code pods/binding} and {@code pods/eviction}.
 */
final class Subresources {
    private final Function<GroupVersionResource, Optional<ResourceStore>> stores;
    private final Patching patching;
    private final Clock clock;

    Subresources(Function<GroupVersionResource, Optional<ResourceStore>> stores, Patching patching, Clock clock) {
        this.stores = stores;
        this.patching = patching;
        this.clock = clock;
    }

    void handle(RequestInfo.Resource request, ResourceStore store, Exchange exchange) throws IOException {
        switch (request.subresource()) {
            case "scale" -> scale(request, store, exchange);
            case "binding" -> {
                requireVerb(request, "create");
                ObjectNode binding = Encoding.decodeObject(exchange.header("Content-Type"), exchange.body());
                bind(store, request.namespace(), request.name(), binding, ResourceHandler.writeOptions(exchange));
                exchange.respondJson(201, StatusObjects.success(201));
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

    /** Upstream's 429: a fixed message, the budget's numbers in a {@code DisruptionBudget} cause. */
    private static ApiException disruptionBudget(String detail) {
        return new ApiException(dev.kapal.api.StatusReason.TOO_MANY_REQUESTS, 429,
                "Cannot evict pod as it would violate the pod's disruption budget.",
                Optional.of(new ApiException.Details("", "", "", List.of(new StatusCause("DisruptionBudget", detail, "")))),
                Optional.of(10L));
    }

    /**
     * Evicts a pod, checking PodDisruptionBudgets as far as the API server can: no matching
     * budget → delete; a budget whose status allows disruptions → delete; otherwise 429, with
     * upstream's messages. Budgets' status is kept by the disruption controller.
     */
    private void evict(ResourceStore pods, String namespace, String name, ObjectNode eviction, Exchange exchange) {
        ObjectNode pod = pods.get(namespace, name, "");
        Map<String, String> labels = CachedObject.of("", pod.deepCopy(), 0).labels();
        Optional<ResourceStore> budgets = stores.apply(new GroupVersionResource("policy", "v1", "poddisruptionbudgets"));
        String phase = pod.path("status").path("phase").asText("");
        boolean terminal = phase.equals("Succeeded") || phase.equals("Failed") || phase.equals("Pending");
        if (budgets.isPresent() && !terminal) {
            ResourceStore.ListPage page = budgets.get().list(namespace, Options.List.ALL);
            int matching = 0;
            for (CachedObject budget : page.items()) {
                JsonNode selector = budget.object().path("spec").path("selector");
                if (!selector.isObject() || !Selectors.matchesLabelSelector(selector, labels)) {
                    continue;
                }
                matching++;
                if (matching > 1) {
                    throw new ApiException(dev.kapal.api.StatusReason.INTERNAL_ERROR, 500,
                            "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
                            Optional.empty(), Optional.empty());
                }
                JsonNode status = budget.object().path("status");
                long generation = budget.object().path("metadata").path("generation").asLong(0);
                if (status.path("observedGeneration").asLong(-1) < generation) {
                    throw disruptionBudget("The disruption budget " + budget.name() + " is still being processed by the server.");
                }
                if (status.path("disruptionsAllowed").asLong(0) <= 0) {
                    throw disruptionBudget("The disruption budget " + budget.name() + " needs "
                            + status.path("desiredHealthy").asLong(0) + " healthy pods and has "
                            + status.path("currentHealthy").asLong(0) + " currently");
                }
            }
        }
        JsonNode deleteOptions = eviction.path("deleteOptions");
        java.util.OptionalLong grace = deleteOptions.has("gracePeriodSeconds") && !deleteOptions.get("gracePeriodSeconds").isNull()
                ? java.util.OptionalLong.of(deleteOptions.get("gracePeriodSeconds").asLong())
                : java.util.OptionalLong.empty();
        pods.delete(namespace, name, new Options.Delete(grace,
                Optional.ofNullable(deleteOptions.path("preconditions").path("uid").textValue()),
                Optional.ofNullable(deleteOptions.path("preconditions").path("resourceVersion").textValue()),
                Optional.empty(), ResourceHandler.writeOptions(exchange).dryRun()));
        exchange.respondJson(201, StatusObjects.success(201));
    }
}
