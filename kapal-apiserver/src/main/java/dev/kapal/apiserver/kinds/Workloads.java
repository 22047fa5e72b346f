package dev.kapal.apiserver.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Rules the controllers' workload kinds share: replicas, selectors and their pod template. */
final class Workloads {
    static final String NON_NEGATIVE = "must be greater than or equal to 0";

    private Workloads() {
    }

    static void validateReplicas(JsonNode spec, Errors errors) {
        nonNegative(spec, "replicas", "spec.replicas", errors);
    }

    static void nonNegative(JsonNode parent, String field, String path, Errors errors) {
        JsonNode value = parent.get(field);
        if (value != null && value.isNumber() && value.asLong() < 0) {
            errors.invalid(path, value.asLong(), NON_NEGATIVE);
        }
    }

    /**
     * A workload with a LabelSelector and a pod template whose pods always restart (deployments,
     * replica sets, stateful sets, daemon sets).
     */
    static void validateSelectedTemplate(ObjectNode object, String kindForEmpty, Errors errors) {
        ObjectNode spec = object.path("spec") instanceof ObjectNode s ? s : dev.kapal.api.Json.object();
        validateReplicas(spec, errors);
        Selectors.validateWorkloadSelector(spec, kindForEmpty, errors);
        PodSpecs.validate(spec.path("template").path("spec"), "spec.template.spec", List.of("Always"), errors);
    }

    /** {@code spec.selector} never changes after create in apps/v1. */
    static void selectorImmutable(ObjectNode object, ObjectNode old, Errors errors) {
        JsonNode selector = object.path("spec").path("selector");
        if (!Trees.same(selector, old.path("spec").path("selector"))) {
            errors.invalid("spec.selector", GoValues.labelSelector(selector), Errors.IMMUTABLE);
        }
    }
}
