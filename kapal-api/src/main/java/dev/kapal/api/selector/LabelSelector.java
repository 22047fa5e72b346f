package dev.kapal.api.selector;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.StatusCause;
import dev.kapal.api.validation.Names;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A label selector: the {@code labelSelector} query parameter and {@code metav1.LabelSelector}.
 *
 * <p>Two shapes, as upstream has: a conjunction of {@link Requirement}s (no requirement at all
 * is {@link #EVERYTHING}) and {@link Nothing}, which matches no object and is what an absent
 * {@code metav1.LabelSelector} means (a Deployment without a selector must not adopt every pod).
 *
 * <p>Parsing follows upstream's {@code labels.Parse} token for token, including its error
 * messages, which kubectl shows to users verbatim.
 */
public sealed interface LabelSelector permits LabelSelector.Requirements, LabelSelector.Nothing {

    /** Matches every label set: the empty selector. */
    LabelSelector EVERYTHING = new Requirements(List.of());

    /** Matches no label set. */
    LabelSelector NOTHING = new Nothing();

    /** Whether an object with these labels is selected. */
    boolean matches(Map<String, String> labels);

    /** True for the empty selector, which selects everything (so a list may skip matching). */
    boolean isEverything();

    /** The requirements, sorted by key; empty for both {@link #EVERYTHING} and {@link #NOTHING}. */
    List<Requirement> requirements();

    /**
     * The canonical string form ({@code a=b,c in (x,y),!d}), requirements sorted by key;
     * parsing it gives an equal selector. {@link #NOTHING} and {@link #EVERYTHING} both print
     * as the empty string, as upstream.
     */
    @Override
    String toString();

    /** The operators of the string syntax; {@code metav1.LabelSelector} uses four of them. */
    enum Operator {
        EQUALS("="),
        DOUBLE_EQUALS("=="),
        NOT_EQUALS("!="),
        IN(" in "),
        NOT_IN(" notin "),
        EXISTS(""),
        DOES_NOT_EXIST(""),
        GREATER_THAN(">"),
        LESS_THAN("<");

        private final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        /** How the operator is written between key and values in the canonical form. */
        String symbol() {
            return symbol;
        }
    }

    /**
     * One requirement: {@code key operator values}. The values are a set, kept sorted and
     * without duplicates so that equal requirements are equal records.
     */
    record Requirement(String key, Operator operator, List<String> values) {
        public Requirement {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(operator, "operator");
            values = List.copyOf(new TreeSet<>(values));
        }

        /**
         * A validated requirement, as upstream's {@code labels.NewRequirement}: the key must be
         * a qualified name, values valid label values, and the number of values must fit the
         * operator. Failures are 400s with upstream's message.
         */
        public static Requirement of(String key, Operator operator, List<String> values) {
            return LabelSelectorParser.newRequirement(key, operator, values, false);
        }

        public boolean matches(Map<String, String> labels) {
            String value = labels.get(key);
            return switch (operator) {
                case IN, EQUALS, DOUBLE_EQUALS -> value != null && values.contains(value);
                case NOT_IN, NOT_EQUALS -> value == null || !values.contains(value);
                case EXISTS -> value != null;
                case DOES_NOT_EXIST -> value == null;
                case GREATER_THAN, LESS_THAN -> value != null && compareAsIntegers(value);
            };
        }

        // Upstream compares as signed 64-bit integers and treats an unparsable label as no match.
        private boolean compareAsIntegers(String labelValue) {
            if (values.size() != 1 || !LabelSelectorParser.isInt64(labelValue)
                    || !LabelSelectorParser.isInt64(values.get(0))) {
                return false;
            }
            try {
                long actual = Long.parseLong(labelValue);
                long bound = Long.parseLong(values.get(0));
                return operator == Operator.GREATER_THAN ? actual > bound : actual < bound;
            } catch (NumberFormatException e) {
                return false;
            }
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            if (operator == Operator.DOES_NOT_EXIST) {
                out.append('!');
            }
            out.append(key);
            switch (operator) {
                case EXISTS, DOES_NOT_EXIST -> {
                    return out.toString();
                }
                case IN, NOT_IN -> out.append(operator.symbol()).append('(').append(String.join(",", values)).append(')');
                case EQUALS, DOUBLE_EQUALS, NOT_EQUALS, GREATER_THAN, LESS_THAN ->
                        out.append(operator.symbol()).append(String.join(",", values));
            }
            return out.toString();
        }
    }

    /** A conjunction of requirements, sorted by key (stably, so equal keys keep their order). */
    record Requirements(List<Requirement> requirements) implements LabelSelector {
        public Requirements {
            List<Requirement> sorted = new ArrayList<>(requirements);
            sorted.sort(Comparator.comparing(Requirement::key));
            requirements = List.copyOf(sorted);
        }

        @Override
        public boolean matches(Map<String, String> labels) {
            for (Requirement requirement : requirements) {
                if (!requirement.matches(labels)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean isEverything() {
            return requirements.isEmpty();
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            for (Requirement requirement : requirements) {
                if (!out.isEmpty()) {
                    out.append(',');
                }
                out.append(requirement);
            }
            return out.toString();
        }
    }

    /** Selects nothing. */
    record Nothing() implements LabelSelector {
        @Override
        public boolean matches(Map<String, String> labels) {
            return false;
        }

        @Override
        public boolean isEverything() {
            return false;
        }

        @Override
        public List<Requirement> requirements() {
            return List.of();
        }

        @Override
        public String toString() {
            return "";
        }
    }

    /**
     * Parses the string syntax of upstream's {@code labels.Parse}: {@code a=b}, {@code a==b},
     * {@code a!=b}, {@code a in (x,y)}, {@code a notin (x,y)}, {@code a}, {@code !a},
     * {@code a>1}, {@code a<1}, joined by commas. The empty string is {@link #EVERYTHING}.
     *
     * @throws ApiException 400 {@code BadRequest} with upstream's message when the string is
     *                      not a valid selector
     */
    static LabelSelector parse(String selector) {
        return LabelSelectorParser.parse(selector);
    }

    /** The selector that matches exactly this label set ({@code a=b,c=d}), validated. */
    static LabelSelector fromLabels(Map<String, String> labels) {
        List<Requirement> requirements = new ArrayList<>();
        labels.forEach((key, value) -> requirements.add(Requirement.of(key, Operator.EQUALS, List.of(value))));
        return new Requirements(requirements);
    }

    /**
     * Converts a {@code metav1.LabelSelector} as upstream's {@code LabelSelectorAsSelector}:
     * a missing or JSON {@code null} selector selects {@link #NOTHING}, one with neither
     * {@code matchLabels} nor {@code matchExpressions} selects {@link #EVERYTHING}.
     *
     * @throws ApiException 400 when the selector cannot be converted (unknown operator, values
     *                      that do not fit the operator, invalid keys or values)
     */
    static LabelSelector fromJson(JsonNode labelSelector) {
        return LabelSelectorJson.toSelector(labelSelector);
    }

    /**
     * A {@code metav1.LabelSelector} rendered as a selector string: what the {@code scale}
     * subresource reports in {@code status.selector}.
     */
    static String toSelectorString(JsonNode labelSelector) {
        return fromJson(labelSelector).toString();
    }

    /**
     * Upstream's {@code FormatLabelSelector} for human output (describe, tables): the selector
     * string, {@code <none>} when it is empty and {@code <error>} when it cannot be converted.
     */
    static String format(JsonNode labelSelector) {
        try {
            String rendered = toSelectorString(labelSelector);
            return rendered.isEmpty() ? "<none>" : rendered;
        } catch (ApiException e) {
            return "<error>";
        }
    }

    /**
     * Validates a {@code metav1.LabelSelector} in an object, as upstream's
     * {@code ValidateLabelSelector}: the causes to report, empty when valid.
     *
     * @param labelSelector the selector object; missing or {@code null} is valid
     * @param fieldPath     where it sits, e.g. {@code spec.selector}
     */
    static List<StatusCause> validate(JsonNode labelSelector, String fieldPath) {
        return LabelSelectorJson.validate(labelSelector, fieldPath);
    }
}
