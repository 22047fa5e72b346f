package dev.kapal.apiserver.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.Json;
import dev.kapal.storage.KeyValue;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * One object as the cache holds it: decoded (with {@code metadata.resourceVersion} filled in)
 * and already encoded, so lists are written by copying bytes.
 *
 * <p>The tree is shared by every reader: nobody may modify it. Take {@link #copy()} to change it.
 *
 * @param key       the storage key
 * @param namespace the namespace, empty for cluster-scoped objects
 * @param name      the name
 * @param revision  the revision of the write that produced it
 * @param object    the decoded object (read-only)
 * @param json      the encoded object (read-only)
 * @param labels    its labels
 */
public record CachedObject(String key, String namespace, String name, long revision, ObjectNode object,
                           byte[] json, Map<String, String> labels) {
    public CachedObject {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(json, "json");
        labels = Map.copyOf(labels);
    }

    /** Decodes a stored value, stamping it with its revision as {@code resourceVersion}. */
    public static CachedObject decode(KeyValue kv) {
        ObjectNode object = (ObjectNode) Json.parse(kv.value());
        return of(kv.key(), object, kv.modRevision());
    }

    /** Wraps an object that will not be modified again; sets its resourceVersion to {@code revision}. */
    public static CachedObject of(String key, ObjectNode object, long revision) {
        ObjectNode metadata = Json.objectAt(object, "metadata");
        metadata.put("resourceVersion", Long.toString(revision));
        return new CachedObject(key, metadata.path("namespace").asText(""), metadata.path("name").asText(""),
                revision, object, Json.write(object), labelsOf(metadata));
    }

    /** A private, modifiable copy of the object. */
    public ObjectNode copy() {
        return object.deepCopy();
    }

    public String uid() {
        return object.path("metadata").path("uid").asText("");
    }

    private static Map<String, String> labelsOf(ObjectNode metadata) {
        JsonNode labels = metadata.path("labels");
        if (!labels.isObject() || labels.isEmpty()) {
            return Map.of();
        }
        Map<String, String> result = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            result.put(entry.getKey(), entry.getValue().asText());
        }
        return result;
    }
}
