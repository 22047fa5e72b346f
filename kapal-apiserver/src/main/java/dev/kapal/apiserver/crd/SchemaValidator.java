package dev.kapal.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapal.api.Json;
import dev.kapal.api.StatusCause;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Validates a custom resource against its structural schema, producing the causes upstream's
 * OpenAPI validator produces, with the same field paths ({@code spec.items[0].name}) and
 * messages ({@code spec.replicas in body must be of type integer: "string"}).
 *
 * <p>Checked: type, nullable, enum, required, minimum/maximum (exclusive too), multipleOf,
 * minLength/maxLength, pattern, minItems/maxItems, minProperties/maxProperties, the integer
 * formats int32/int64, the string formats date-time/date/uuid/byte,
 * {@code x-kubernetes-int-or-string}, {@code x-kubernetes-list-type: set} uniqueness and
 * {@code x-kubernetes-embedded-resource} type meta. Not checked: {@code x-kubernetes-validations}
 * (CEL), allOf/anyOf/oneOf/not value validations, map-list key uniqueness.
 */
final class SchemaValidator {
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    private final List<StatusCause> causes = new ArrayList<>();

    private SchemaValidator() {
    }

    /** Validates an object at the root (apiVersion, kind and metadata are not the schema's business). */
    static List<StatusCause> validateRoot(JsonNode schema, JsonNode object) {
        SchemaValidator validator = new SchemaValidator();
        validator.validateObject(schema, object, "", true);
        return List.copyOf(validator.causes);
    }

    /** Validates any value at {@code path}. */
    static List<StatusCause> validate(JsonNode schema, JsonNode value, String path) {
        SchemaValidator validator = new SchemaValidator();
        validator.validateNode(schema, value, path);
        return List.copyOf(validator.causes);
    }

    private void validateNode(JsonNode schema, JsonNode value, String path) {
        String type = schema.path("type").asText("");
        boolean intOrString = schema.path(StructuralSchema.INT_OR_STRING).asBoolean(false);
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false) && (!type.isEmpty() || intOrString)) {
                typeInvalid(path, intOrString ? "integer,string" : type, "null");
            }
            return;
        }
        String actual = typeOf(value);
        if (intOrString) {
            if (!actual.equals("integer") && !actual.equals("string")) {
                typeInvalid(path, "integer,string", actual);
                return;
            }
        } else if (!type.isEmpty() && !matches(type, actual)) {
            typeInvalid(path, type, actual);
            return;
        }
        checkEnum(schema, value, path);
        switch (actual) {
            case "string" -> validateString(schema, value.asText(), path);
            case "integer", "number" -> validateNumber(schema, value, path);
            case "array" -> validateArray(schema, value, path);
            case "object" -> validateObject(schema, value, path, false);
            default -> {
            }
        }
    }

    private void validateObject(JsonNode schema, JsonNode object, String path, boolean root) {
        boolean embedded = schema.path(StructuralSchema.EMBEDDED_RESOURCE).asBoolean(false);
        if (embedded) {
            for (String field : List.of("apiVersion", "kind")) {
                if (object.path(field).asText("").isEmpty()) {
                    causes.add(new StatusCause("FieldValueRequired", "Required value: must not be empty", child(path, field)));
                }
            }
        }
        int size = object.size();
        if (schema.has("maxProperties") && size > schema.get("maxProperties").asLong()) {
            causes.add(new StatusCause("FieldValueTooMany", "Too many: " + size + ": must have at most "
                    + schema.get("maxProperties").asLong() + " items", path));
        }
        if (schema.has("minProperties") && size < schema.get("minProperties").asLong()) {
            invalid(path, size, label(path) + " in body should have at least " + schema.get("minProperties").asLong()
                    + " properties");
        }
        JsonNode properties = schema.path("properties");
        Set<String> required = new java.util.LinkedHashSet<>(StructuralSchema.requiredNames(schema));
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            String name = property.getKey();
            if (root && (name.equals("metadata") || name.equals("apiVersion") || name.equals("kind"))) {
                required.remove(name);
                continue;
            }
            JsonNode value = object.get(name);
            if (value == null) {
                if (required.remove(name)) {
                    causes.add(StatusCause.required(child(path, name)));
                }
                continue;
            }
            required.remove(name);
            validateNode(property.getValue(), value, child(path, name));
        }
        for (String name : required) {
            if (!object.has(name) && !(root && (name.equals("metadata") || name.equals("apiVersion") || name.equals("kind")))) {
                causes.add(StatusCause.required(child(path, name)));
            }
        }
        JsonNode additional = schema.path("additionalProperties");
        if (additional.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!properties.has(field.getKey()) && !(root && isTypeMetaOrMetadata(field.getKey()))) {
                    validateNode(additional, field.getValue(), child(path, field.getKey()));
                }
            }
        }
    }

    private static boolean isTypeMetaOrMetadata(String name) {
        return name.equals("metadata") || name.equals("apiVersion") || name.equals("kind");
    }

    private void validateArray(JsonNode schema, JsonNode array, String path) {
        int size = array.size();
        if (schema.has("maxItems") && size > schema.get("maxItems").asLong()) {
            causes.add(new StatusCause("FieldValueTooMany", "Too many: " + size + ": must have at most "
                    + schema.get("maxItems").asLong() + " items", path));
        }
        if (schema.has("minItems") && size < schema.get("minItems").asLong()) {
            invalid(path, size, label(path) + " in body should have at least " + schema.get("minItems").asLong() + " items");
        }
        if ("set".equals(schema.path(ListType.KEY).asText(""))) {
            Set<JsonNode> seen = new HashSet<>();
            for (int i = 0; i < size; i++) {
                if (!seen.add(array.get(i))) {
                    causes.add(new StatusCause("FieldValueDuplicate", "Duplicate value: " + render(array.get(i)),
                            path + "[" + i + "]"));
                }
            }
        }
        JsonNode items = schema.path("items");
        if (items.isObject()) {
            for (int i = 0; i < size; i++) {
                validateNode(items, array.get(i), path + "[" + i + "]");
            }
        }
    }

    private void validateString(JsonNode schema, String value, String path) {
        int length = value.codePointCount(0, value.length());
        if (schema.has("maxLength") && length > schema.get("maxLength").asLong()) {
            causes.add(new StatusCause("FieldValueTooLong", "Too long: may not be more than "
                    + schema.get("maxLength").asLong() + " bytes", path));
        }
        if (schema.has("minLength") && length < schema.get("minLength").asLong()) {
            invalid(path, value, label(path) + " in body should be at least " + schema.get("minLength").asLong()
                    + " chars long");
        }
        if (schema.has("pattern")) {
            String pattern = schema.get("pattern").asText();
            if (!compile(pattern).matcher(value).find()) {
                invalid(path, value, label(path) + " in body should match '" + pattern + "'");
            }
        }
        String format = schema.path("format").asText("");
        if (!format.isEmpty() && !validFormat(format, value)) {
            typeInvalidWithData(path, format, value);
        }
    }

    private void validateNumber(JsonNode schema, JsonNode value, String path) {
        BigDecimal number = value.decimalValue();
        Object shown = numberShown(value);
        if (schema.has("minimum")) {
            BigDecimal minimum = schema.get("minimum").decimalValue();
            boolean exclusive = schema.path("exclusiveMinimum").asBoolean(false);
            int comparison = number.compareTo(minimum);
            if (exclusive ? comparison <= 0 : comparison < 0) {
                invalid(path, shown, label(path) + " in body should be greater than " + (exclusive ? "" : "or equal to ")
                        + render(schema.get("minimum")));
            }
        }
        if (schema.has("maximum")) {
            BigDecimal maximum = schema.get("maximum").decimalValue();
            boolean exclusive = schema.path("exclusiveMaximum").asBoolean(false);
            int comparison = number.compareTo(maximum);
            if (exclusive ? comparison >= 0 : comparison > 0) {
                invalid(path, shown, label(path) + " in body should be less than " + (exclusive ? "" : "or equal to ")
                        + render(schema.get("maximum")));
            }
        }
        if (schema.has("multipleOf")) {
            BigDecimal factor = schema.get("multipleOf").decimalValue();
            if (factor.signum() > 0 && number.remainder(factor).signum() != 0) {
                invalid(path, shown, label(path) + " in body should be a multiple of " + render(schema.get("multipleOf")));
            }
        }
        String format = schema.path("format").asText("");
        if (value.isIntegralNumber()) {
            boolean fits = switch (format) {
                case "int32" -> value.canConvertToInt();
                case "int64" -> value.canConvertToLong();
                default -> true;
            };
            if (!fits) {
                causes.add(new StatusCause("FieldValueTypeInvalid", "Invalid value: " + shown + ": " + label(path)
                        + " in body must be of type " + format, path));
            }
        }
    }

    private void checkEnum(JsonNode schema, JsonNode value, String path) {
        JsonNode allowed = schema.path("enum");
        if (!allowed.isArray() || allowed.isEmpty()) {
            return;
        }
        for (JsonNode candidate : allowed) {
            if (sameValue(candidate, value)) {
                return;
            }
        }
        List<String> supported = new ArrayList<>();
        allowed.forEach(candidate -> supported.add(candidate.isTextual() ? candidate.asText() : Json.writeString(candidate)));
        Object shown = value.isTextual() ? value.asText() : (value.isNumber() ? numberShown(value) : Json.writeString(value));
        causes.add(StatusCause.notSupported(path, shown, supported));
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    // ---------------------------------------------------------------- messages

    /** Upstream reports a type mismatch with the JSON type it found: {@code must be of type integer: "string"}. */
    private void typeInvalid(String path, String expected, String actual) {
        typeInvalidWithData(path, expected, actual);
    }

    private void typeInvalidWithData(String path, String expected, String data) {
        causes.add(new StatusCause("FieldValueTypeInvalid", "Invalid value: \"" + data + "\": " + label(path)
                + " in body must be of type " + expected + ": \"" + data + "\"", path));
    }

    private void invalid(String path, Object value, String detail) {
        causes.add(StatusCause.invalid(path, value, detail));
    }

    /** The path as the OpenAPI validator names it in messages; the root is {@code body}'s "." */
    private static String label(String path) {
        return path.isEmpty() ? "." : path;
    }

    static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    static String typeOf(JsonNode value) {
        if (value.isTextual()) {
            return "string";
        }
        if (value.isIntegralNumber()) {
            return "integer";
        }
        if (value.isNumber()) {
            return "number";
        }
        if (value.isBoolean()) {
            return "boolean";
        }
        if (value.isArray()) {
            return "array";
        }
        if (value.isObject()) {
            return "object";
        }
        return value.isNull() ? "null" : "unknown";
    }

    private static boolean matches(String expected, String actual) {
        return expected.equals(actual) || (expected.equals("number") && actual.equals("integer"));
    }

    private static Object numberShown(JsonNode value) {
        return value.isIntegralNumber() ? value.bigIntegerValue() : new RenderedNumber(value);
    }

    /** A floating-point value rendered as Go's %v would (no trailing ".0" for whole numbers). */
    private record RenderedNumber(JsonNode value) {
        @Override
        public String toString() {
            return render(value);
        }
    }

    private static String render(JsonNode number) {
        if (number.isNumber()) {
            BigDecimal decimal = number.decimalValue().stripTrailingZeros();
            return decimal.scale() <= 0 ? decimal.toBigInteger().toString() : decimal.toPlainString();
        }
        return number.isTextual() ? "\"" + number.asText() + "\"" : Json.writeString(number);
    }

    private static boolean validFormat(String format, String value) {
        try {
            switch (format) {
                case "date-time" -> OffsetDateTime.parse(value);
                case "date" -> java.time.LocalDate.parse(value);
                case "uuid" -> {
                    if (value.length() != 36) {
                        return false;
                    }
                    UUID.fromString(value);
                }
                case "byte" -> Base64.getDecoder().decode(value);
                default -> {
                    // Other formats are not checked (upstream knows a few more, e.g. hostname, ipv4, cidr).
                }
            }
            return true;
        } catch (DateTimeParseException | IllegalArgumentException e) {
            return false;
        }
    }

    private static Pattern compile(String pattern) {
        return PATTERNS.computeIfAbsent(pattern, p -> {
            try {
                return Pattern.compile(p);
            } catch (PatternSyntaxException e) {
                // The CRD's validation refuses bad patterns; one slipping through matches nothing.
                return Pattern.compile("(?!)");
            }
        });
    }

    /** The {@code x-kubernetes-list-type} extension. */
    static final class ListType {
        static final String KEY = "x-kubernetes-list-type";

        private ListType() {
        }
    }
}
