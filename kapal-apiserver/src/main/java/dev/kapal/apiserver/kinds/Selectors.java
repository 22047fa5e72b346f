package dev.kapal.apiserver.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.validation.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Label selectors of workloads: validity and whether they select their own pod template. */
final class Selectors {
    private Selectors() {
    }

    /** Whether {@code selector} (a LabelSelector object) selects {@code labels}. */
    static boolean matches(JsonNode selector, Map<String, String> labels) {
        for (Map.Entry<String, String> entry : Trees.stringMap(selector, "matchLabels").entrySet()) {
            if (!entry.getValue().equals(labels.get(entry.getKey()))) {
                return false;
            }
        }
        for (ObjectNode requirement : Trees.objects(selector, "matchExpressions")) {
            String key = Trees.text(requirement, "key");
            List<String> values = new ArrayList<>();
            requirement.path("values").forEach(value -> values.add(value.asText()));
            boolean present = labels.containsKey(key);
            boolean ok = switch (Trees.text(requirement, "operator")) {
                case "In" -> present && values.contains(labels.get(key));
                case "NotIn" -> !present || !values.contains(labels.get(key));
                case "Exists" -> present;
                case "DoesNotExist" -> !present;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean isEmpty(JsonNode selector) {
        return Trees.stringMap(selector, "matchLabels").isEmpty() && Trees.objects(selector, "matchExpressions").isEmpty();
    }

    /** Label keys and values of a plain map (service and RC selectors, matchLabels). */
    static void validateLabels(Map<String, String> labels, String path, Errors errors) {
        labels.forEach((key, value) -> {
            errors.invalidEach(path, key, Names.qualifiedName(key));
            errors.invalidEach(path, value, Names.labelValue(value));
        });
    }

    /**
     * The selector rules every workload shares (upstream's {@code ValidateDeploymentSpec} and
     * friends): required, non-empty, valid, and selecting the template's labels.
     */
    static void validateWorkloadSelector(ObjectNode spec, String kindForEmpty, Errors errors) {
        JsonNode selector = spec.get("selector");
        if (selector == null || !selector.isObject()) {
            errors.required("spec.selector");
            return;
        }
        if (isEmpty(selector)) {
            errors.invalid("spec.selector", GoValues.labelSelector(selector), "empty selector is invalid for " + kindForEmpty);
            return;
        }
        validateLabels(Trees.stringMap(selector, "matchLabels"), "spec.selector.matchLabels", errors);
        Map<String, String> labels = Trees.stringMap(spec.path("template").path("metadata"), "labels");
        if (!matches(selector, labels)) {
            errors.invalid("spec.template.metadata.labels", GoValues.stringMap(labels),
                    "`selector` does not match template `labels`");
        }
    }
}
