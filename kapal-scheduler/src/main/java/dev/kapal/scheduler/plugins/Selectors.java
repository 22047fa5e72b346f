package dev.kapal.scheduler.plugins;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/**
 * Label selector matching as upstream's {@code metav1.LabelSelectorAsSelector}: a null selector
 * selects nothing, an empty one everything; requirements are ANDed. An unknown operator selects
 * nothing (upstream refuses to build such a selector).
 */
final class Selectors {
    private Selectors() {
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        Map<String, String> actual = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null) {
            for (var entry : selector.getMatchLabels().entrySet()) {
                if (!entry.getValue().equals(actual.get(entry.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
                if (!matches(requirement, actual)) {
                    return false;
                }
            }
        }
        return true;
    }

    static boolean isEmpty(LabelSelector selector) {
        return selector != null
                && (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
                && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
    }

    private static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
        List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
        String value = labels.get(requirement.getKey());
        return switch (requirement.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> labels.containsKey(requirement.getKey());
            case "DoesNotExist" -> !labels.containsKey(requirement.getKey());
            default -> false;
        };
    }

    /** A selector that also requires {@code key In (value)} for each pair; used for matchLabelKeys. */
    static LabelSelector withRequirements(LabelSelector selector, Map<String, String> pairs) {
        if (pairs.isEmpty() || selector == null) {
            return selector;
        }
        var builder = new io.fabric8.kubernetes.api.model.LabelSelectorBuilder(selector);
        pairs.forEach((key, value) -> builder.addNewMatchExpression().withKey(key).withOperator("In").withValues(value).endMatchExpression());
        return builder.build();
    }
}
