package dev.kapal.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.Json;
import dev.kapal.apiserver.cache.CachedObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Content negotiation and the encodings of lists: JSON out (also for clients that ask for
 * protobuf, which accept JSON), JSON or YAML in.
 */
final class Encoding {
    private Encoding() {
    }

    /** What the client asked for in Accept. */
    enum Answer { JSON, TABLE }

    static Answer negotiate(Optional<String> accept) {
        if (accept.isEmpty() || accept.get().isBlank()) {
            return Answer.JSON;
        }
        boolean acceptable = false;
        for (String range : accept.get().split(",")) {
            String lower = range.trim().toLowerCase(Locale.ROOT);
            String type = lower.split(";")[0].trim();
            if (lower.contains("as=table") && (type.equals("application/json"))) {
                return Answer.TABLE;
            }
            if (type.equals("application/json") || type.equals("*/*") || type.equals("application/*")
                    || type.equals("application/vnd.kubernetes.protobuf") || type.equals("application/yaml")
                    || type.equals("application/json;stream=watch") || type.startsWith("application/vnd.kubernetes.protobuf")) {
                if (!lower.contains("as=") || lower.contains("as=partialobjectmetadata") == false) {
                    acceptable = true;
                }
            }
        }
        if (!acceptable) {
            throw ApiException.notAcceptable("only the following media types are accepted: application/json, "
                    + "application/yaml, application/vnd.kubernetes.protobuf");
        }
        return Answer.JSON;
    }

    /** Decodes a request body that should be an object, by its Content-Type. */
    static ObjectNode decodeObject(Optional<String> contentType, byte[] body) {
        String type = contentType.map(t -> t.split(";")[0].trim().toLowerCase(Locale.ROOT)).orElse("application/json");
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty");
        }
        return switch (type) {
            case "application/json", "*/*", "" -> Json.parseObject(body);
            case "application/yaml", "application/x-yaml", "text/yaml" -> yamlObject(body);
            default -> throw ApiException.unsupportedMediaType(type);
        };
    }

    private static ObjectNode yamlObject(byte[] body) {
        JsonNode node = YamlSupport.parse(body);
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw ApiException.badRequest("the request body must be an object");
    }

    /**
     * A list document written from cached bytes:
     * {@code {"kind":"XList","apiVersion":...,"metadata":{...},"items":[...]}}.
     */
    static byte[] list(String apiVersion, String listKind, List<CachedObject> items, long revision,
                       Optional<String> continueToken, OptionalLong remaining) {
        int size = 128;
        for (CachedObject item : items) {
            size += item.json().length + 1;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        ObjectNode metadata = Json.object();
        metadata.put("resourceVersion", Long.toString(revision));
        continueToken.ifPresent(token -> metadata.put("continue", token));
        remaining.ifPresent(count -> metadata.put("remainingItemCount", count));
        write(out, "{\"kind\":\"" + listKind + "\",\"apiVersion\":\"" + apiVersion + "\",\"metadata\":");
        out.writeBytes(Json.write(metadata));
        write(out, ",\"items\":[");
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(items.get(i).json());
        }
        write(out, "]}");
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
