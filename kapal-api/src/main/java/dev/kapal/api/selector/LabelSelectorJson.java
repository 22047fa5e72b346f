package dev.kapal.api.selector;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.StatusCause;
import dev.kapal.api.selector.LabelSelector.Operator;
import dev.kapal.api.selector.LabelSelector.Requirement;
import dev.kapal.api.validation.Names;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code metav1.LabelSelector} objects: conversion to a selector ({@code LabelSelectorAsSelector})
 * and validation inside an object ({@code ValidateLabelSelector}). The two differ upstream on
 * purpose: conversion fails on the first problem with a plain message, validation reports every
 * problem as a field cause.
 */
final class LabelSelectorJson {
    private static final List<String> OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist");

    private LabelSelectorJson() {
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull();
    }

    static LabelSelector toSelector(JsonNode selector) {
        if (absent(selector)) {
            return LabelSelector.NOTHING;
        }
        if (!selector.isObject()) {
            throw ApiException.badRequest("a label selector must be an object, not " + kind(selector));
        }
        JsonNode matchLabels = selector.path("matchLabels");
        JsonNode matchExpressions = selector.path("matchExpressions");
        List<Requirement> requirements = new ArrayList<>();
        if (matchLabels.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = matchLabels.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                requirements.add(Requirement.of(entry.getKey(), Operator.EQUALS, List.of(text(entry.getValue()))));
            }
        } else if (!absent(matchLabels)) {
            throw ApiException.badRequest("matchLabels must be an object, not " + kind(matchLabels));
        }
        if (matchExpressions.isArray()) {
            for (JsonNode expression : matchExpressions) {
                requirements.add(expression(expression));
            }
        } else if (!absent(matchExpressions)) {
            throw ApiException.badRequest("matchExpressions must be an array, not " + kind(matchExpressions));
        }
        return new LabelSelector.Requirements(requirements);
    }

    private static Requirement expression(JsonNode expression) {
        String key = text(expression.path("key"));
        String operatorName = text(expression.path("operator"));
        Operator operator = switch (operatorName) {
            case "In" -> Operator.IN;
            case "NotIn" -> Operator.NOT_IN;
            case "Exists" -> Operator.EXISTS;
            case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
            default -> throw ApiException.badRequest(GoText.quote(operatorName) + " is not a valid label selector operator");
        };
        JsonNode valuesNode = expression.path("values");
        List<String> values = new ArrayList<>();
        for (JsonNode value : valuesNode) {
            values.add(text(value));
        }
        // Upstream copies the values with append(nil, ...), so an empty list reads as nil.
        return LabelSelectorParser.newRequirement(key, operator, values, values.isEmpty());
    }

    private static String text(JsonNode node) {
        return node.isValueNode() && !node.isNull() ? node.asText() : "";
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase();
    }

    static List<StatusCause> validate(JsonNode selector, String fieldPath) {
        List<StatusCause> causes = new ArrayList<>();
        if (absent(selector) || !selector.isObject()) {
            return causes;
        }
        JsonNode matchLabels = selector.path("matchLabels");
        String labelsPath = fieldPath + ".matchLabels";
        for (Iterator<Map.Entry<String, JsonNode>> it = matchLabels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            for (String message : Names.qualifiedName(entry.getKey())) {
                causes.add(StatusCause.invalid(labelsPath, entry.getKey(), message));
            }
            String value = text(entry.getValue());
            for (String message : Names.labelValue(value)) {
                causes.add(StatusCause.invalid(labelsPath, value, message));
            }
        }
        JsonNode matchExpressions = selector.path("matchExpressions");
        for (int i = 0; i < matchExpressions.size(); i++) {
            causes.addAll(validateExpression(matchExpressions.get(i), fieldPath + ".matchExpressions[" + i + "]"));
        }
        return causes;
    }

    private static List<StatusCause> validateExpression(JsonNode expression, String path) {
        List<StatusCause> causes = new ArrayList<>();
        String operator = text(expression.path("operator"));
        int valueCount = expression.path("values").size();
        switch (operator) {
            case "In", "NotIn" -> {
                if (valueCount == 0) {
                    causes.add(new StatusCause("FieldValueRequired",
                            "Required value: must be specified when `operator` is 'In' or 'NotIn'", path + ".values"));
                }
            }
            case "Exists", "DoesNotExist" -> {
                if (valueCount > 0) {
                    causes.add(StatusCause.forbidden(path + ".values",
                            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                }
            }
            default -> causes.add(StatusCause.notSupported(path + ".operator", operator, OPERATORS));
        }
        String key = text(expression.path("key"));
        for (String message : Names.qualifiedName(key)) {
            causes.add(StatusCause.invalid(path + ".key", key, message));
        }
        JsonNode values = expression.path("values");
        for (int i = 0; i < values.size(); i++) {
            String value = text(values.get(i));
            for (String message : Names.labelValue(value)) {
                causes.add(StatusCause.invalid(path + ".values[" + i + "]", value, message));
            }
        }
        return causes;
    }
}
