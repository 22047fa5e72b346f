package dev.kapal.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.apiserver.registry.ResourceDefinition;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Which fields of an object its kind's schema knows: the basis of server-side field validation
 * ({@code fieldValidation=Strict|Warn|Ignore}). Built-in kinds use the {@link ModelCatalogue};
 * custom resources their CRD's structural schema, honouring {@code x-kubernetes-preserve-unknown-fields},
 * {@code x-kubernetes-int-or-string} and {@code x-kubernetes-embedded-resource}. Metadata is checked
 * against ObjectMeta for both. A node the schema leaves open (no {@code properties} and no
 * {@code additionalProperties}: RawExtension, FieldsV1, Quantity, a preserved subtree) accepts anything.
 *
 * <p>Field paths are spelled as upstream's strict decoder spells them: {@code spec.foo},
 * {@code spec.containers[0].foo}, {@code data[key].foo} for map values. Immutable and thread-safe.
 */
public final class FieldSchema {
    private static final String PRESERVE_UNKNOWN_FIELDS = "x-kubernetes-preserve-unknown-fields";
    private static final String EMBEDDED_RESOURCE = "x-kubernetes-embedded-resource";
    private static final Set<String> TYPE_META = Set.of("apiVersion", "kind");

    private static final class Meta {
        static final Map<String, ObjectNode> SCHEMAS = MetaSchemas.all(List.of());
    }

    private final JsonNode root;
    private final Function<String, JsonNode> definitions;
    private final boolean customResource;

    private FieldSchema(JsonNode root, Function<String, JsonNode> definitions, boolean customResource) {
        this.root = Objects.requireNonNull(root, "root");
        this.definitions = definitions;
        this.customResource = customResource;
    }

    /** The schema of a served resource's objects, if there is one to check against. */
    public static Optional<FieldSchema> of(ResourceDefinition definition) {
        Optional<JsonNode> custom = definition.strategy().openApiV3Schema();
        if (custom.isPresent()) {
            return Optional.of(new FieldSchema(custom.get(), Meta.SCHEMAS::get, true));
        }
        if (!V3Documents.isBuiltin(definition.info().gvk())) {
            return Optional.empty();
        }
        ModelCatalogue catalogue = ModelCatalogue.get();
        return catalogue.definitionName(definition.info().gvk())
                .flatMap(catalogue::definition)
                .map(schema -> new FieldSchema(schema, name -> {
                    JsonNode meta = Meta.SCHEMAS.get(name);
                    return meta != null ? meta : catalogue.definition(name).orElse(null);
                }, false));
    }

    /**
     * The fields of {@code object} the schema does not know, in document order.
     *
     * @param prune whether to remove them from {@code object} as well (upstream drops unknown
     *              fields of built-in objects while decoding)
     */
    public List<String> unknownFields(ObjectNode object, boolean prune) {
        List<String> unknown = new ArrayList<>();
        walkObject(root, object, "", unknown, prune, true);
        return unknown;
    }

    private JsonNode resolve(JsonNode schema) {
        JsonNode current = schema;
        for (int depth = 0; depth < 8; depth++) {
            JsonNode ref = current.get("$ref");
            if (ref == null && current.path("allOf").size() == 1) {
                ref = current.path("allOf").get(0).get("$ref");
            }
            if (ref == null || !ref.isTextual() || !ref.asText().startsWith(Schemas.V3_REF_PREFIX)) {
                return current;
            }
            JsonNode target = definitions.apply(ref.asText().substring(Schemas.V3_REF_PREFIX.length()));
            if (target == null) {
                return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            }
            current = target;
        }
        return current;
    }

    private void walk(JsonNode schema, JsonNode value, String path, List<String> unknown, boolean prune) {
        JsonNode resolved = resolve(schema);
        if (value instanceof ObjectNode object) {
            walkObject(resolved, object, path, unknown, prune, resolved.path(EMBEDDED_RESOURCE).asBoolean(false));
        } else if (value.isArray() && resolved.has("items")) {
            JsonNode items = resolved.get("items");
            for (int i = 0; i < value.size(); i++) {
                walk(items, value.get(i), path + "[" + i + "]", unknown, prune);
            }
        }
    }

    private void walkObject(JsonNode schema, ObjectNode object, String path, List<String> unknown, boolean prune,
                            boolean typeMeta) {
        JsonNode resolved = resolve(schema);
        JsonNode properties = resolved.path("properties");
        JsonNode additional = resolved.path("additionalProperties");
        boolean preserve = resolved.path(PRESERVE_UNKNOWN_FIELDS).asBoolean(false);
        if (!properties.isObject() && !additional.isObject() && !(typeMeta && customResource)) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            String fieldPath = path.isEmpty() ? name : path + "." + name;
            if (properties.has(name)) {
                walk(properties.get(name), field.getValue(), fieldPath, unknown, prune);
            } else if (additional.isObject()) {
                walk(additional, field.getValue(), path + "[" + name + "]", unknown, prune);
            } else if (typeMeta && customResource && name.equals("metadata")) {
                walk(Schemas.ref(MetaSchemas.OBJECT_META), field.getValue(), fieldPath, unknown, prune);
            } else if (preserve || additional.asBoolean(false) || (typeMeta && customResource && TYPE_META.contains(name))) {
                continue;
            } else {
                unknown.add(fieldPath);
                if (prune) {
                    it.remove();
                }
            }
        }
    }
}
