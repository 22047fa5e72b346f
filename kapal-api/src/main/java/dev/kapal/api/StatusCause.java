package dev.kapal.api;

import java.util.Objects;

/**
 * One cause in {@code Status.details.causes}: a field-level reason such as
 * {@code FieldValueRequired} at {@code metadata.name}.
 *
 * @param reason  upstream cause type: {@code FieldValueRequired}, {@code FieldValueInvalid},
 *                {@code FieldValueNotSupported}, {@code FieldValueDuplicate},
 *                {@code FieldValueForbidden}, {@code FieldValueTooLong}, ...
 * @param message the human message for this field, without the field path
 * @param field   the field path ({@code spec.containers[0].image}); may be empty
 */
public record StatusCause(String reason, String message, String field) {
    public StatusCause {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(field, "field");
    }

    public static StatusCause required(String field) {
        return new StatusCause("FieldValueRequired", "Required value", field);
    }

    /** {@code Invalid value: <value>: <detail>} as upstream's field.Invalid renders it. */
    public static StatusCause invalid(String field, Object value, String detail) {
        return new StatusCause("FieldValueInvalid", "Invalid value: " + render(value) + ": " + detail, field);
    }

    public static StatusCause forbidden(String field, String detail) {
        return new StatusCause("FieldValueForbidden", "Forbidden: " + detail, field);
    }

    public static StatusCause duplicate(String field, Object value) {
        return new StatusCause("FieldValueDuplicate", "Duplicate value: " + render(value), field);
    }

    public static StatusCause notSupported(String field, Object value, java.util.List<String> supported) {
        StringBuilder message = new StringBuilder("Unsupported value: ").append(render(value));
        if (!supported.isEmpty()) {
            message.append(": supported values: ");
            for (int i = 0; i < supported.size(); i++) {
                if (i > 0) {
                    message.append(", ");
                }
                message.append('"').append(supported.get(i)).append('"');
            }
        }
        return new StatusCause("FieldValueNotSupported", message.toString(), field);
    }

    public static StatusCause tooLong(String field, int maxLength) {
        return new StatusCause("FieldValueTooLong", "Too long: may not be more than " + maxLength + " bytes", field);
    }

    /** The cause as upstream prints it in the Status message: {@code field: message}. */
    public String describe() {
        return field.isEmpty() ? message : field + ": " + message;
    }

    private static String render(Object value) {
        if (value instanceof String s) {
            return '"' + s + '"';
        }
        return String.valueOf(value);
    }
}
