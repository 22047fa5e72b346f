package dev.kapal.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@link FieldType}s read from OpenAPI schemas, as upstream's schema conversion reads them:
 * {@code x-kubernetes-list-type} ({@code atomic}, {@code set}, {@code map} with
 * {@code x-kubernetes-list-map-keys}); without it, a list with {@code x-kubernetes-patch-strategy: merge}
 * and a merge key is a map list keyed by it, any other list is atomic; {@code x-kubernetes-map-type: atomic}
 * (or a definition named in {@code atomicDefinitions}, for built-in types marked {@code +structType=atomic})
 * makes a map atomic; objects without properties, and {@code x-kubernetes-preserve-unknown-fields},
 * are deduced. References ({@code $ref}, {@code allOf} of one reference) are resolved by name.
 *
 * <p>Types are built lazily and cached per schema node, so one instance serves every request for
 * the schemas it was given (thread-safe).
 */
public final class OpenApiFieldTypes {
    private final Function<String, Optional<JsonNode>> definitions;
    private final Set<String> atomicDefinitions;
    private final Map<String, Map<String, JsonNode>> keyDefaults;
    private final Map<JsonNode, FieldType> cache = new IdentityHashMap<>();

    /**
     * @param definitions       a definition by name (the part of a {@code $ref} after its last {@code /})
     * @param atomicDefinitions names of definitions whose objects are atomic
     */
    public OpenApiFieldTypes(Function<String, Optional<JsonNode>> definitions, Set<String> atomicDefinitions) {
        this(definitions, atomicDefinitions, Map.of());
    }

    /**
     * @param keyDefaults defaults of list-map key fields by item definition name, for schemas
     *                    that do not carry them as {@code default}
     */
    public OpenApiFieldTypes(Function<String, Optional<JsonNode>> definitions, Set<String> atomicDefinitions,
                             Map<String, Map<String, JsonNode>> keyDefaults) {
        this.definitions = Objects.requireNonNull(definitions, "definitions");
        this.atomicDefinitions = Set.copyOf(atomicDefinitions);
        this.keyDefaults = Map.copyOf(keyDefaults);
    }

    /** The type a schema describes. */
    public FieldType of(JsonNode schema) {
        return of(schema, false);
    }

    /** The type of a named definition ({@link FieldType#DEDUCED} when unknown). */
    public FieldType named(String name) {
        return definitions.apply(name).map(schema -> of(schema, atomicDefinitions.contains(name))).orElse(FieldType.DEDUCED);
    }

    private FieldType of(JsonNode schema, boolean atomicByName) {
        synchronized (cache) {
            FieldType cached = cache.get(schema);
            if (cached != null) {
                return cached;
            }
        }
        FieldType built = build(schema, atomicByName);
        synchronized (cache) {
            cache.putIfAbsent(schema, built);
            return cache.get(schema);
        }
    }

    private FieldType build(JsonNode schema, boolean atomicByName) {
        Optional<String> reference = reference(schema);
        if (reference.isPresent()) {
            String name = reference.get();
            Optional<JsonNode> target = definitions.apply(name);
            if (target.isEmpty()) {
                return FieldType.DEDUCED;
            }
            return of(target.get(), atomicDefinitions.contains(name));
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            return FieldType.SCALAR;
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "array" -> {
                JsonNode items = schema.path("items");
                String listType = schema.path("x-kubernetes-list-type").asText("");
                List<String> keys = new ArrayList<>();
                schema.path("x-kubernetes-list-map-keys").forEach(key -> keys.add(key.asText()));
                FieldType.ListKind kind;
                switch (listType) {
                    case "set" -> kind = FieldType.ListKind.SET;
                    case "map" -> kind = keys.isEmpty() ? FieldType.ListKind.ATOMIC : FieldType.ListKind.MAP;
                    case "atomic" -> kind = FieldType.ListKind.ATOMIC;
                    default -> {
                        String strategy = schema.path("x-kubernetes-patch-strategy").asText("");
                        String mergeKey = schema.path("x-kubernetes-patch-merge-key").asText("");
                        if (strategy.contains("merge") && !mergeKey.isEmpty()) {
                            kind = FieldType.ListKind.MAP;
                            keys.clear();
                            keys.add(mergeKey);
                        } else {
                            kind = FieldType.ListKind.ATOMIC;
                        }
                    }
                }
                if (kind != FieldType.ListKind.MAP) {
                    return FieldType.list(kind, List.of(), () -> items.isMissingNode() ? FieldType.DEDUCED : of(items));
                }
                Map<String, JsonNode> defaults = new java.util.HashMap<>();
                Optional<String> itemName = reference(items);
                JsonNode itemSchema = itemName.flatMap(definitions).orElse(items);
                for (String key : keys) {
                    JsonNode value = itemSchema.path("properties").path(key).get("default");
                    if (value != null) {
                        defaults.put(key, value);
                    }
                }
                itemName.map(keyDefaults::get).ifPresent(defaults::putAll);
                return FieldType.list(kind, keys, defaults, () -> of(items));
            }
            case "object", "" -> {
                JsonNode properties = schema.path("properties");
                JsonNode additional = schema.path("additionalProperties");
                boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
                if (!properties.isObject() && !additional.isObject() || preserve && !properties.isObject()) {
                    return FieldType.DEDUCED;
                }
                boolean atomic = atomicByName || "atomic".equals(schema.path("x-kubernetes-map-type").asText(""));
                java.util.function.Supplier<FieldType> elements = additional.isObject() && !preserve
                        ? () -> of(additional)
                        : null;
                if (!properties.isObject()) {
                    return FieldType.map(atomic, name -> Optional.empty(), elements);
                }
                return FieldType.map(atomic, name -> {
                    JsonNode property = properties.get(name);
                    return property == null ? Optional.empty() : Optional.of(of(property));
                }, elements);
            }
            default -> {
                return FieldType.SCALAR;
            }
        }
    }

    private static Optional<String> reference(JsonNode schema) {
        JsonNode ref = schema.get("$ref");
        if (ref == null && schema.path("allOf").isArray() && schema.path("allOf").size() == 1) {
            ref = schema.path("allOf").get(0).get("$ref");
        }
        if (ref == null || !ref.isTextual()) {
            return Optional.empty();
        }
        String text = ref.asText();
        return Optional.of(text.substring(text.lastIndexOf('/') + 1));
    }
}
