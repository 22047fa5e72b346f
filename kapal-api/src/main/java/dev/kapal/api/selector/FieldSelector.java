package dev.kapal.api.selector;

import dev.kapal.api.ApiException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A field selector: the {@code fieldSelector} query parameter, a conjunction of
 * {@code field=value}, {@code field==value} and {@code field!=value} terms, parsed as upstream's
 * {@code fields.ParseSelector}.
 *
 * <p>The selector itself knows nothing about which fields a kind supports; the API server checks
 * {@link #requirements()} against the kind's list with {@link #requireSupported} and reports
 * unknown ones with upstream's {@code field label not supported} message. A field the object
 * lacks reads as the empty string, as upstream's {@code fields.Set}.
 *
 * @param requirements the terms, in the order upstream sorts them (by their raw text)
 */
public record FieldSelector(List<Requirement> requirements) {
    /** Selects every object. */
    public static final FieldSelector EVERYTHING = new FieldSelector(List.of());

    public FieldSelector {
        requirements = List.copyOf(requirements);
    }

    /** Field selectors only compare for equality; {@code ==} is read as {@code =}. */
    public enum Operator {
        EQUALS("="),
        NOT_EQUALS("!=");

        private final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    /**
     * One term.
     *
     * @param field    the field label as written, e.g. {@code spec.nodeName}; not unescaped
     *                 (upstream does not unescape field names either)
     * @param operator equality or inequality
     * @param value    the unescaped value
     */
    public record Requirement(String field, Operator operator, String value) {
        public Requirement {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(operator, "operator");
            Objects.requireNonNull(value, "value");
        }

        public boolean matches(Function<String, Optional<String>> fieldValue) {
            String actual = fieldValue.apply(field).orElse("");
            return switch (operator) {
                case EQUALS -> actual.equals(value);
                case NOT_EQUALS -> !actual.equals(value);
            };
        }

        @Override
        public String toString() {
            return field + operator.symbol() + escapeValue(value);
        }
    }

    /**
     * Parses a field selector. The empty string selects everything.
     *
     * @throws ApiException 400 with upstream's message: {@code invalid selector: '<s>'; can't
     *                      understand '<term>'} for a term without an operator,
     *                      {@code invalid field selector: ...} for bad escaping in a value
     */
    public static FieldSelector parse(String selector) {
        List<String> terms = splitTerms(selector);
        terms.sort(null);
        List<Requirement> requirements = new ArrayList<>();
        for (String term : terms) {
            if (term.isEmpty()) {
                continue;
            }
            requirements.add(parseTerm(selector, term));
        }
        return new FieldSelector(requirements);
    }

    /** Whether an object with these field values is selected. */
    public boolean matches(Function<String, Optional<String>> fieldValue) {
        for (Requirement requirement : requirements) {
            if (!requirement.matches(fieldValue)) {
                return false;
            }
        }
        return true;
    }

    /** Whether an object with these field values is selected; absent fields read as empty. */
    public boolean matches(Map<String, String> fields) {
        return matches(field -> Optional.ofNullable(fields.get(field)));
    }

    public boolean isEverything() {
        return requirements.isEmpty();
    }

    /**
     * The value a field must equal for an object to match, when the selector pins it
     * ({@code metadata.name=x}, {@code spec.nodeName=n}): lets the server narrow a list to
     * one key or one index bucket. Upstream's {@code RequiresExactMatch}.
     */
    public Optional<String> requiresExactMatch(String field) {
        for (Requirement requirement : requirements) {
            if (requirement.field().equals(field) && requirement.operator() == Operator.EQUALS) {
                return Optional.of(requirement.value());
            }
        }
        return Optional.empty();
    }

    /**
     * Checks that every field is among those the kind supports.
     *
     * @throws ApiException 400 {@code field label not supported: <field>} for the first one that
     *                      is not
     */
    public FieldSelector requireSupported(Collection<String> supportedFields) {
        for (Requirement requirement : requirements) {
            if (!supportedFields.contains(requirement.field())) {
                throw notSupported(requirement.field());
            }
        }
        return this;
    }

    /**
     * Renames fields (upstream's {@code Transform}), e.g. to map a legacy label onto the field
     * path the server indexes. Requirements stay in their original order.
     */
    public FieldSelector transform(UnaryOperator<Requirement> transformation) {
        List<Requirement> transformed = new ArrayList<>(requirements.size());
        for (Requirement requirement : requirements) {
            transformed.add(Objects.requireNonNull(transformation.apply(requirement), "transformed requirement"));
        }
        return new FieldSelector(transformed);
    }

    /** The 400 upstream answers for a field the kind does not support in field selectors. */
    public static ApiException notSupported(String field) {
        return ApiException.badRequest("field label not supported: " + field);
    }

    /** Escapes {@code \}, {@code ,} and {@code =} in a value, as upstream's {@code EscapeValue}. */
    public static String escapeValue(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '\\' || ch == ',' || ch == '=') {
                out.append('\\');
            }
            out.append(ch);
        }
        return out.toString();
    }

    /**
     * Reverses {@link #escapeValue}.
     *
     * @throws ApiException 400 for an unknown escape, a trailing backslash, or an unescaped
     *                      {@code ,} or {@code =}
     */
    public static String unescapeValue(String value) {
        StringBuilder out = new StringBuilder(value.length());
        boolean escaped = false;
        for (int i = 0; i < value.length(); ) {
            int codePoint = value.codePointAt(i);
            i += Character.charCount(codePoint);
            if (escaped) {
                if (codePoint != '\\' && codePoint != ',' && codePoint != '=') {
                    throw ApiException.badRequest("invalid field selector: invalid escape sequence: \\"
                            + new String(Character.toChars(codePoint)));
                }
                out.appendCodePoint(codePoint);
                escaped = false;
            } else if (codePoint == '\\') {
                escaped = true;
            } else if (codePoint == ',' || codePoint == '=') {
                throw ApiException.badRequest("invalid field selector: unescaped character in value: "
                        + (char) codePoint);
            } else {
                out.appendCodePoint(codePoint);
            }
        }
        if (escaped) {
            throw ApiException.badRequest("invalid field selector: invalid escape sequence: \\");
        }
        return out.toString();
    }

    /** Canonical form: the terms joined by commas, values escaped. */
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

    /** Splits on commas that are not escaped; a backslash protects the next character. */
    private static List<String> splitTerms(String selector) {
        List<String> terms = new ArrayList<>();
        if (selector.isEmpty()) {
            return terms;
        }
        int start = 0;
        boolean escaped = false;
        for (int i = 0; i < selector.length(); i++) {
            char ch = selector.charAt(i);
            if (escaped) {
                escaped = false;
            } else if (ch == '\\') {
                escaped = true;
            } else if (ch == ',') {
                terms.add(selector.substring(start, i));
                start = i + 1;
            }
        }
        terms.add(selector.substring(start));
        return terms;
    }

    /** The first operator from the left wins; at one position "!=" and "==" win over "=". */
    private static Requirement parseTerm(String selector, String term) {
        for (int i = 0; i < term.length(); i++) {
            String rest = term.substring(i);
            if (rest.startsWith("!=")) {
                return new Requirement(term.substring(0, i), Operator.NOT_EQUALS, unescapeValue(term.substring(i + 2)));
            }
            if (rest.startsWith("==")) {
                return new Requirement(term.substring(0, i), Operator.EQUALS, unescapeValue(term.substring(i + 2)));
            }
            if (rest.startsWith("=")) {
                return new Requirement(term.substring(0, i), Operator.EQUALS, unescapeValue(term.substring(i + 1)));
            }
        }
        throw ApiException.badRequest("invalid selector: '" + selector + "'; can't understand '" + term + "'");
    }
}
