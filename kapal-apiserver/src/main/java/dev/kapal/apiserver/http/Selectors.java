package dev.kapal.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapal.api.selector.FieldSelector;
import dev.kapal.api.selector.LabelSelector;
import dev.kapal.apiserver.cache.CachedObject;
import dev.kapal.apiserver.registry.ResourceDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The {@link Filters} of the API server: label selectors over {@code metadata.labels}, field
 * selectors over {@code metadata.name}, {@code metadata.namespace} and the kind's selectable
 * fields; unsupported fields are refused as upstream does.
 */
final class Selectors implements Filters {
    @Override
    public Predicate<CachedObject> compile(ResourceDefinition definition, String labelSelector, String fieldSelector) {
        LabelSelector labels = LabelSelector.parse(labelSelector);
        FieldSelector fields = FieldSelector.parse(fieldSelector);
        if (labels.isEverything() && fields.isEverything()) {
            return dev.kapal.apiserver.registry.Options.List.ALL.filter();
        }
        List<String> supported = new ArrayList<>(List.of("metadata.name", "metadata.namespace"));
        supported.addAll(definition.strategy().selectableFieldNames());
        fields.requireSupported(supported);
        boolean kindFields = fields.requirements().stream()
                .anyMatch(requirement -> !requirement.field().startsWith("metadata."));
        return object -> {
            if (!labels.matches(object.labels())) {
                return false;
            }
            if (fields.isEverything()) {
                return true;
            }
            Map<String, String> selectable = kindFields
                    ? definition.strategy().selectableFields(object.object())
                    : Map.of();
            return fields.matches(field -> switch (field) {
                case "metadata.name" -> Optional.of(object.name());
                case "metadata.namespace" -> Optional.of(object.namespace());
                default -> Optional.of(selectable.getOrDefault(field, ""));
            });
        };
    }

    /** Whether labels match a {@code metav1.LabelSelector} object (an empty selector matches everything). */
    static boolean matchesLabelSelector(JsonNode selector, Map<String, String> labels) {
        return LabelSelector.fromJson(selector).matches(labels);
    }
}
