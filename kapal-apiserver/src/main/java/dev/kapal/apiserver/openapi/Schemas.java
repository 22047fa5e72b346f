package dev.kapal.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.GroupVersionKind;
import dev.kapal.api.Json;
import java.util.List;

/**
 * Small builders for OpenAPI schema trees. References are written in the OpenAPI v3 form
 * ({@code #/components/schemas/<name>}); the Swagger 2.0 renderer rewrites them.
 */
public final class Schemas {
    /** Where v3 documents keep named schemas; every {@code $ref} a {@link SchemaSource} writes starts with it. */
    public static final String V3_REF_PREFIX = "#/components/schemas/";

    private Schemas() {
    }

    public static ObjectNode string() {
        return typed("string");
    }

    public static ObjectNode bool() {
        return typed("boolean");
    }

    /** An integer with its Go width ({@code int32} or {@code int64}). */
    public static ObjectNode integer(String format) {
        return typed("integer").put("format", format);
    }

    public static ObjectNode dateTime() {
        return string().put("format", "date-time");
    }

    public static ObjectNode ref(String schemaName) {
        return Json.object().put("$ref", V3_REF_PREFIX + schemaName);
    }

    public static ObjectNode array(ObjectNode items) {
        ObjectNode array = typed("array");
        array.set("items", items);
        return array;
    }

    /** A JSON object with arbitrary keys, every value of schema {@code values} (Go's map[string]T). */
    public static ObjectNode map(ObjectNode values) {
        ObjectNode map = typed("object");
        map.set("additionalProperties", values);
        return map;
    }

    /** An object with the given properties, in order; {@code properties} alternates name and schema. */
    public static ObjectNode object(Object... properties) {
        if (properties.length % 2 != 0) {
            throw new IllegalArgumentException("properties come in name/schema pairs");
        }
        ObjectNode object = typed("object");
        ObjectNode props = object.putObject("properties");
        for (int i = 0; i < properties.length; i += 2) {
            props.set((String) properties[i], (ObjectNode) properties[i + 1]);
        }
        return object;
    }

    /** The {@code x-kubernetes-group-version-kind} extension value: always a list on schemas. */
    public static ArrayNode groupVersionKinds(List<GroupVersionKind> kinds) {
        ArrayNode array = Json.array();
        kinds.forEach(kind -> array.add(groupVersionKind(kind)));
        return array;
    }

    /** One GVK as Kubernetes writes it (keys sorted: group, kind, version). */
    public static ObjectNode groupVersionKind(GroupVersionKind kind) {
        ObjectNode node = Json.object();
        node.put("group", kind.group());
        node.put("kind", kind.kind());
        node.put("version", kind.version());
        return node;
    }

    private static ObjectNode typed(String type) {
        return Json.object().put("type", type);
    }
}
