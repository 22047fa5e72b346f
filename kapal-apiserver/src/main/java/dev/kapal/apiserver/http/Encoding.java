package dev.kapal.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.Json;
import dev.kapal.api.codec.MediaType;
import dev.kapal.api.codec.ProtobufCodec;
import dev.kapal.api.codec.Yaml;
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

    /**
     * Picks the answer for an Accept header, in the client's order of preference: a Table when
     * asked for {@code as=Table}; JSON for JSON, YAML-less wildcards and protobuf (clients that
     * ask for protobuf also accept JSON); 406 when nothing acceptable is offered.
     */
    static Answer negotiate(Optional<String> accept) {
        if (accept.isEmpty() || accept.get().isBlank()) {
            return Answer.JSON;
        }
        List<MediaType> ranges = MediaType.parseAccept(accept.get());
        for (MediaType range : ranges) {
            Optional<String> as = range.parameter("as");
            if (as.isPresent()) {
                if (as.get().equals("Table") && range.essence().equals("application/json")) {
                    return Answer.TABLE;
                }
                // PartialObjectMetadata and other transformations are not offered; try the next range.
                continue;
            }
            switch (range.essence()) {
                case "application/json", "application/vnd.kubernetes.protobuf", "application/*", "*/*" -> {
                    return Answer.JSON;
                }
                default -> {
                }
            }
        }
        throw ApiException.notAcceptable("only the following media types are accepted: application/json, "
                + "application/yaml, application/vnd.kubernetes.protobuf");
    }

    /**
     * The Table version a client asked for: {@code meta.k8s.io/v1beta1} for older clients that
     * ask for it ({@code as=Table;v=v1beta1;g=meta.k8s.io}), else {@code meta.k8s.io/v1}. Both
     * carry the same content.
     */
    static String tableVersion(Optional<String> accept) {
        if (accept.isPresent() && !accept.get().isBlank()) {
            for (MediaType range : MediaType.parseAccept(accept.get())) {
                if (range.parameter("as").filter("Table"::equals).isPresent()
                        && range.essence().equals("application/json")) {
                    return range.parameter("v").filter("v1beta1"::equals).isPresent()
                            ? "meta.k8s.io/v1beta1" : "meta.k8s.io/v1";
                }
            }
        }
        return "meta.k8s.io/v1";
    }

    /** Decodes a request body that should be an object, by its Content-Type. */
    static ObjectNode decodeObject(Optional<String> contentType, byte[] body) {
        String type = contentType.map(t -> t.split(";")[0].trim().toLowerCase(Locale.ROOT)).orElse("application/json");
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty");
        }
        return switch (type) {
            case "application/json", "*/*", "" -> Json.parseObject(body);
            case "application/yaml", "application/x-yaml", "text/yaml" -> Yaml.parseObject(body);
            case ProtobufCodec.MEDIA_TYPE -> ProtobufCodec.decode(body);
            default -> throw ApiException.unsupportedMediaType(type);
        };
    }

    /**
     * Decodes the body of a create or update, reporting the fields a JSON body repeats (for field
     * validation); YAML and protobuf bodies report none.
     */
    static Json.Decoded decodeWrite(Optional<String> contentType, byte[] body) {
        String type = contentType.map(t -> t.split(";")[0].trim().toLowerCase(Locale.ROOT)).orElse("application/json");
        if (body.length > 0 && (type.equals("application/json") || type.equals("*/*") || type.isEmpty())) {
            return Json.parseObjectReportingDuplicates(body);
        }
        return new Json.Decoded(decodeObject(contentType, body), List.of());
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
