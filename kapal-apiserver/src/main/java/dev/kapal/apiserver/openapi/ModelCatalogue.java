package dev.kapal.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.GroupVersionKind;
import dev.kapal.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The OpenAPI schemas of the built-in kinds as Kubernetes 1.33 documents them: every type a kind
 * refers to, named as upstream names it ({@code io.k8s.api.core.v1.PodSpec}), with descriptions,
 * required fields, types, references, patch extensions and, on kinds,
 * {@code x-kubernetes-group-version-kind}; plus the model's documentation of the meta types
 * {@link MetaSchemas} writes by hand.
 *
 * <p>{@link ModelReflection} builds it from client-java's model classes at build time into the
 * resource {@value #RESOURCE}; the server parses that once, on first use ({@link #get()}), not at
 * start-up. Without the resource (sources compiled by other means) it reflects at run time.
 * Immutable: callers must not modify the trees it hands out.
 */
public final class ModelCatalogue {
    static final String RESOURCE = "model-schemas.json";
    static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

    private final Map<String, ObjectNode> definitions;
    private final Map<GroupVersionKind, String> kinds;
    private final Map<String, ObjectNode> metaDocumentation;

    ModelCatalogue(Map<String, ObjectNode> definitions, Map<GroupVersionKind, String> kinds,
                   Map<String, ObjectNode> metaDocumentation) {
        this.definitions = Map.copyOf(definitions);
        this.kinds = Map.copyOf(kinds);
        this.metaDocumentation = Map.copyOf(metaDocumentation);
    }

    private static final class Holder {
        static final ModelCatalogue INSTANCE = load();
    }

    /** The catalogue of every built-in kind, read on the first call. */
    public static ModelCatalogue get() {
        return Holder.INSTANCE;
    }

    private static ModelCatalogue load() {
        try (InputStream in = ModelCatalogue.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return ModelReflection.build();
            }
            return fromJson(Json.parse(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The name of {@code kind}'s definition, when the model describes it. */
    public Optional<String> definitionName(GroupVersionKind kind) {
        return Optional.ofNullable(kinds.get(kind));
    }

    /** A named definition (never a {@link MetaSchemas} one), not to be modified. */
    public Optional<ObjectNode> definition(String name) {
        return Optional.ofNullable(definitions.get(name));
    }

    /** All definitions by name, not to be modified. */
    public Map<String, ObjectNode> definitions() {
        return definitions;
    }

    /** The names of the definitions {@code name} refers to, directly or not, itself included (meta types excluded). */
    public Set<String> closure(String name) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> pending = new ArrayDeque<>(List.of(name));
        while (!pending.isEmpty()) {
            String next = pending.pop();
            ObjectNode definition = definitions.get(next);
            if (definition == null || !seen.add(next)) {
                continue;
            }
            collectReferences(definition, pending);
        }
        return seen;
    }

    private static void collectReferences(JsonNode node, Collection<String> into) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().startsWith(Schemas.V3_REF_PREFIX)) {
                into.add(ref.asText().substring(Schemas.V3_REF_PREFIX.length()));
            }
        }
        node.forEach(child -> collectReferences(child, into));
    }

    /**
     * The descriptions the model gives {@code apiVersion}, {@code kind} and {@code metadata} of
     * every object (read from Pod's), for schemas that lack them (custom resources).
     */
    static Map<String, String> envelopeDescriptions() {
        ObjectNode pod = get().definitions.get("io.k8s.api.core.v1.Pod");
        Map<String, String> descriptions = new LinkedHashMap<>();
        for (String field : List.of("apiVersion", "kind", "metadata")) {
            descriptions.put(field, pod.path("properties").path(field).path("description").asText(""));
        }
        return descriptions;
    }

    /**
     * Adds to a hand-written meta schema ({@link MetaSchemas#OBJECT_META}, ...) the model's
     * documentation of it: the type's description and its properties' descriptions, for the
     * properties the schema has.
     */
    static ObjectNode documented(ObjectNode schema, String name) {
        JsonNode documentation = get().metaDocumentation.get(name);
        if (documentation == null) {
            return schema;
        }
        if (documentation.has("description")) {
            schema.put("description", documentation.get("description").asText());
        }
        JsonNode properties = schema.path("properties");
        documentation.path("properties").properties().forEach(entry -> {
            if (properties.get(entry.getKey()) instanceof ObjectNode property) {
                describeProperty(property, entry.getValue().asText());
            }
        });
        return schema;
    }

    /** Upstream's v3 documents a field of a named type as {@code allOf: [$ref]} beside the description. */
    static void describeProperty(ObjectNode property, String description) {
        if (property.has("$ref")) {
            JsonNode ref = property.remove("$ref");
            property.putArray("allOf").addObject().set("$ref", ref);
        }
        property.put("description", description);
    }

    /** The catalogue as {@link ModelReflection} writes it. */
    ObjectNode toJson() {
        ObjectNode root = Json.object();
        ObjectNode kindsNode = root.putObject("kinds");
        new TreeMap<>(kinds.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                entry -> entry.getKey().group() + "/" + entry.getKey().version() + "/" + entry.getKey().kind(),
                Map.Entry::getValue))).forEach(kindsNode::put);
        ObjectNode definitionsNode = root.putObject("definitions");
        new TreeMap<>(definitions).forEach(definitionsNode::set);
        ObjectNode metaNode = root.putObject("meta");
        new TreeMap<>(metaDocumentation).forEach(metaNode::set);
        return root;
    }

    static ModelCatalogue fromJson(JsonNode root) {
        Map<GroupVersionKind, String> kinds = new LinkedHashMap<>();
        root.path("kinds").properties().forEach(entry -> {
            String[] parts = entry.getKey().split("/", 3);
            kinds.put(new GroupVersionKind(parts[0], parts[1], parts[2]), entry.getValue().asText());
        });
        Map<String, ObjectNode> definitions = new LinkedHashMap<>();
        root.path("definitions").properties().forEach(entry -> definitions.put(entry.getKey(), (ObjectNode) entry.getValue()));
        Map<String, ObjectNode> meta = new LinkedHashMap<>();
        root.path("meta").properties().forEach(entry -> meta.put(entry.getKey(), (ObjectNode) entry.getValue()));
        return new ModelCatalogue(definitions, kinds, meta);
    }
}
