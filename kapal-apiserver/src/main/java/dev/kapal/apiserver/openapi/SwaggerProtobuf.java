package dev.kapal.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapal.api.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Encodes the Swagger 2.0 document of {@link SwaggerV2} as gnostic's {@code openapi.v2.Document}
 * protobuf, the form client-go's {@code OpenAPISchema()} asks {@code /openapi/v2} for (and the only
 * one kubectl 1.27 validates with).
 *
 * <p>Only the parts {@link SwaggerV2} writes are mapped, with the field numbers of gnostic's
 * {@code OpenAPIv2.proto}; anything else fails loudly, so a new construct in the documents cannot
 * silently vanish from the protobuf form. Vendor extensions are {@code NamedAny} values whose
 * {@code yaml} holds the value's JSON text (JSON is YAML, and clients decode these with a YAML
 * parser).
 */
final class SwaggerProtobuf {
    private SwaggerProtobuf() {
    }

    static byte[] encode(JsonNode swagger) {
        Message document = new Message();
        for (Map.Entry<String, JsonNode> entry : swagger.properties()) {
            JsonNode value = entry.getValue();
            switch (entry.getKey()) {
                case "swagger" -> document.string(1, value.asText());
                case "info" -> document.message(2, info(value));
                case "paths" -> document.message(8, paths(value));
                case "definitions" -> document.message(9, named(value, 1, SwaggerProtobuf::schema));
                case "security" -> value.forEach(requirement -> document.message(12, named(requirement, 1, scopes -> {
                    Message array = new Message();
                    scopes.forEach(scope -> array.string(1, scope.asText()));
                    return array;
                })));
                case "securityDefinitions" -> document.message(13, named(value, 1, SwaggerProtobuf::securityDefinition));
                default -> throw unmapped("Document", entry.getKey());
            }
        }
        return document.bytes();
    }

    private static Message info(JsonNode info) {
        Message message = new Message();
        for (Map.Entry<String, JsonNode> entry : info.properties()) {
            switch (entry.getKey()) {
                case "title" -> message.string(1, entry.getValue().asText());
                case "version" -> message.string(2, entry.getValue().asText());
                default -> throw unmapped("Info", entry.getKey());
            }
        }
        return message;
    }

    private static Message paths(JsonNode paths) {
        Message message = new Message();
        for (Map.Entry<String, JsonNode> path : paths.properties()) {
            Message named = new Message();
            named.string(1, path.getKey());
            named.message(2, pathItem(path.getValue()));
            message.message(2, named);
        }
        return message;
    }

    private static Message pathItem(JsonNode item) {
        Message message = new Message();
        for (Map.Entry<String, JsonNode> entry : item.properties()) {
            JsonNode value = entry.getValue();
            switch (entry.getKey()) {
                case "get" -> message.message(2, operation(value));
                case "put" -> message.message(3, operation(value));
                case "post" -> message.message(4, operation(value));
                case "delete" -> message.message(5, operation(value));
                case "options" -> message.message(6, operation(value));
                case "head" -> message.message(7, operation(value));
                case "patch" -> message.message(8, operation(value));
                case "parameters" -> value.forEach(parameter -> message.message(9, parametersItem(parameter)));
                default -> throw unmapped("PathItem", entry.getKey());
            }
        }
        return message;
    }

    private static Message operation(JsonNode operation) {
        Message message = new Message();
        for (Map.Entry<String, JsonNode> entry : operation.properties()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            if (key.startsWith("x-")) {
                message.message(13, namedAny(key, value));
                continue;
            }
            switch (key) {
                case "tags" -> value.forEach(tag -> message.string(1, tag.asText()));
                case "description" -> message.string(3, value.asText());
                case "operationId" -> message.string(5, value.asText());
                case "produces" -> value.forEach(type -> message.string(6, type.asText()));
                case "consumes" -> value.forEach(type -> message.string(7, type.asText()));
                case "parameters" -> value.forEach(parameter -> message.message(8, parametersItem(parameter)));
                case "responses" -> message.message(9, responses(value));
                case "schemes" -> value.forEach(scheme -> message.string(10, scheme.asText()));
                default -> throw unmapped("Operation", key);
            }
        }
        return message;
    }

    /** ParametersItem { Parameter parameter = 1 { BodyParameter = 1 | NonBodyParameter = 2 } }. */
    private static Message parametersItem(JsonNode parameter) {
        String in = parameter.path("in").asText();
        Message parameterMessage = new Message();
        if (in.equals("body")) {
            Message body = new Message();
            for (Map.Entry<String, JsonNode> entry : parameter.properties()) {
                switch (entry.getKey()) {
                    case "description" -> body.string(1, entry.getValue().asText());
                    case "name" -> body.string(2, entry.getValue().asText());
                    case "in" -> body.string(3, entry.getValue().asText());
                    case "required" -> body.bool(4, entry.getValue().asBoolean());
                    case "schema" -> body.message(5, schema(entry.getValue()));
                    default -> throw unmapped("BodyParameter", entry.getKey());
                }
            }
            parameterMessage.message(1, body);
        } else {
            // Query and path sub-schemas number their fields alike up to "name"; type and
            // uniqueItems sit one field later in the query form (after allowEmptyValue).
            boolean query = switch (in) {
                case "query" -> true;
                case "path" -> false;
                default -> throw unmapped("NonBodyParameter", "in=" + in);
            };
            Message sub = new Message();
            for (Map.Entry<String, JsonNode> entry : parameter.properties()) {
                JsonNode value = entry.getValue();
                switch (entry.getKey()) {
                    case "required" -> sub.bool(1, value.asBoolean());
                    case "in" -> sub.string(2, value.asText());
                    case "description" -> sub.string(3, value.asText());
                    case "name" -> sub.string(4, value.asText());
                    case "type" -> sub.string(query ? 6 : 5, value.asText());
                    case "uniqueItems" -> sub.bool(query ? 20 : 19, value.asBoolean());
                    default -> throw unmapped("NonBodyParameter", entry.getKey());
                }
            }
            Message nonBody = new Message();
            nonBody.message(query ? 3 : 4, sub);
            parameterMessage.message(2, nonBody);
        }
        Message item = new Message();
        item.message(1, parameterMessage);
        return item;
    }

    private static Message responses(JsonNode responses) {
        Message message = new Message();
        for (Map.Entry<String, JsonNode> code : responses.properties()) {
            Message response = new Message();
            for (Map.Entry<String, JsonNode> entry : code.getValue().properties()) {
                switch (entry.getKey()) {
                    case "description" -> response.string(1, entry.getValue().asText());
                    case "schema" -> {
                        Message schemaItem = new Message();
                        schemaItem.message(1, schema(entry.getValue()));
                        response.message(2, schemaItem);
                    }
                    default -> throw unmapped("Response", entry.getKey());
                }
            }
            Message responseValue = new Message();
            responseValue.message(1, response);
            Message named = new Message();
            named.string(1, code.getKey());
            named.message(2, responseValue);
            message.message(1, named);
        }
        return message;
    }

    private static Message schema(JsonNode schema) {
        Message message = new Message();
        for (Map.Entry<String, JsonNode> entry : schema.properties()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            if (key.startsWith("x-")) {
                message.message(31, namedAny(key, value));
                continue;
            }
            switch (key) {
                case "$ref" -> message.string(1, value.asText());
                case "format" -> message.string(2, value.asText());
                case "description" -> message.string(4, value.asText());
                case "uniqueItems" -> message.bool(16, value.asBoolean());
                case "required" -> value.forEach(name -> message.string(19, name.asText()));
                case "additionalProperties" -> {
                    Message additional = new Message();
                    if (value.isBoolean()) {
                        additional.bool(2, value.asBoolean());
                    } else {
                        additional.message(1, schema(value));
                    }
                    message.message(21, additional);
                }
                case "type" -> {
                    Message type = new Message();
                    type.string(1, value.asText());
                    message.message(22, type);
                }
                case "items" -> {
                    Message items = new Message();
                    items.message(1, schema(value));
                    message.message(23, items);
                }
                case "properties" -> message.message(25, named(value, 1, SwaggerProtobuf::schema));
                default -> throw unmapped("Schema", key);
            }
        }
        return message;
    }

    private static Message securityDefinition(JsonNode definition) {
        Message apiKey = new Message();
        for (Map.Entry<String, JsonNode> entry : definition.properties()) {
            switch (entry.getKey()) {
                case "type" -> apiKey.string(1, entry.getValue().asText());
                case "name" -> apiKey.string(2, entry.getValue().asText());
                case "in" -> apiKey.string(3, entry.getValue().asText());
                case "description" -> apiKey.string(4, entry.getValue().asText());
                default -> throw unmapped("ApiKeySecurity", entry.getKey());
            }
        }
        Message item = new Message();
        item.message(2, apiKey);
        return item;
    }

    /** A map as gnostic writes it: a message whose field {@code field} repeats (name = 1, value = 2) pairs. */
    private static Message named(JsonNode map, int field, java.util.function.Function<JsonNode, Message> value) {
        Message message = new Message();
        for (Map.Entry<String, JsonNode> entry : map.properties()) {
            Message pair = new Message();
            pair.string(1, entry.getKey());
            pair.message(2, value.apply(entry.getValue()));
            message.message(field, pair);
        }
        return message;
    }

    private static Message namedAny(String name, JsonNode value) {
        Message any = new Message();
        any.string(2, new String(Json.write(value), StandardCharsets.UTF_8));
        Message named = new Message();
        named.string(1, name);
        named.message(2, any);
        return named;
    }

    private static IllegalStateException unmapped(String message, String key) {
        throw new IllegalStateException("no protobuf mapping for " + message + "." + key);
    }

    /** A protobuf message being written: length-delimited fields and varint booleans. */
    private static final class Message {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void string(int field, String value) {
            lengthDelimited(field, value.getBytes(StandardCharsets.UTF_8));
        }

        void bool(int field, boolean value) {
            // proto3 leaves default values out.
            if (value) {
                varint((long) field << 3);
                varint(1);
            }
        }

        void message(int field, Message message) {
            lengthDelimited(field, message.bytes());
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void lengthDelimited(int field, byte[] bytes) {
            varint(((long) field << 3) | 2);
            varint(bytes.length);
            out.writeBytes(bytes);
        }

        private void varint(long value) {
            long remaining = value;
            while ((remaining & ~0x7FL) != 0) {
                out.write((int) ((remaining & 0x7F) | 0x80));
                remaining >>>= 7;
            }
            out.write((int) remaining);
        }
    }
}
