package dev.kapal.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.Json;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of {@code metadata.managedFields}: a manager's field set for one operation.
 *
 * @param manager     the field manager's name
 * @param operation   {@code Apply} or {@code Update}
 * @param apiVersion  the version the fields are expressed in
 * @param time        when the manager last changed the object (RFC 3339), if known
 * @param subresource the subresource written through ({@code status}), empty for the main resource
 * @param fields      the managed fields
 */
public record ManagedFieldsEntry(String manager, String operation, String apiVersion, Optional<String> time,
                                 String subresource, FieldSet fields) {
    public static final String APPLY = "Apply";
    public static final String UPDATE = "Update";

    public ManagedFieldsEntry {
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(apiVersion, "apiVersion");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(subresource, "subresource");
        Objects.requireNonNull(fields, "fields");
    }

    /**
     * What identifies a manager, as upstream builds its identifier: name, operation and
     * subresource, and for updates the API version too (an applier owns its fields in whatever
     * version it applies next).
     */
    public Identity identity() {
        return new Identity(manager, operation, operation.equals(APPLY) ? "" : apiVersion, subresource);
    }

    /** A manager's identity; ordered like upstream's sorted identifiers. */
    public record Identity(String manager, String operation, String apiVersion, String subresource) {
        /** As upstream prints a manager in conflicts: {@code "kubectl" with subresource "status" using v1}. */
        public String describe() {
            StringBuilder out = new StringBuilder(quote(manager));
            if (!subresource.isEmpty()) {
                out.append(" with subresource ").append(quote(subresource));
            }
            if (operation.equals(UPDATE)) {
                out.append(" using ").append(apiVersion);
            }
            return out.toString();
        }

        private static String quote(String text) {
            return Json.writeString(com.fasterxml.jackson.databind.node.TextNode.valueOf(text));
        }
    }

    public ManagedFieldsEntry withFields(FieldSet value) {
        return new ManagedFieldsEntry(manager, operation, apiVersion, time, subresource, value);
    }

    public ManagedFieldsEntry withTime(String value) {
        return new ManagedFieldsEntry(manager, operation, apiVersion, Optional.of(value), subresource, fields);
    }

    /** The JSON form, fields in upstream's order. */
    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("manager", manager);
        json.put("operation", operation);
        json.put("apiVersion", apiVersion);
        time.ifPresent(value -> json.put("time", value));
        json.put("fieldsType", "FieldsV1");
        json.set("fieldsV1", fields.toFieldsV1());
        if (!subresource.isEmpty()) {
            json.put("subresource", subresource);
        }
        return json;
    }

    /**
     * Reads one entry.
     *
     * @throws IllegalArgumentException when it is not a managed fields entry upstream would accept
     */
    public static ManagedFieldsEntry fromJson(JsonNode json) {
        if (!json.isObject()) {
            throw new IllegalArgumentException("a managed fields entry is an object");
        }
        String operation = json.path("operation").asText("");
        if (!operation.equals(APPLY) && !operation.equals(UPDATE)) {
            throw new IllegalArgumentException("operation must be Apply or Update");
        }
        String fieldsType = json.path("fieldsType").asText("FieldsV1");
        if (!fieldsType.equals("FieldsV1")) {
            throw new IllegalArgumentException("fieldsType must be FieldsV1");
        }
        JsonNode fields = json.path("fieldsV1");
        JsonNode time = json.get("time");
        return new ManagedFieldsEntry(json.path("manager").asText(""), operation, json.path("apiVersion").asText(""),
                time == null || time.isNull() ? Optional.empty() : Optional.of(time.asText()),
                json.path("subresource").asText(""),
                fields.isMissingNode() || fields.isNull() ? FieldSet.empty() : FieldSet.fromFieldsV1(fields));
    }
}
