package dev.kapal.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapal.api.apply.FieldType;
import dev.kapal.api.apply.OpenApiFieldTypes;
import dev.kapal.apiserver.registry.ResourceDefinition;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The server-side apply types of served resources, from the same schemas OpenAPI publishes:
 * built-in kinds from the model catalogue (list types and map keys as v1.33 publishes them),
 * custom resources from their structural schema with ObjectMeta for {@code metadata}; anything
 * else is deduced.
 */
public final class ApplyTypes {
    /**
     * Built-in types marked {@code +structType=atomic} upstream (owned and replaced whole); the
     * model annotations do not carry that marker, so it is data here.
     */
    static final Set<String> ATOMIC_STRUCTS = Set.of(
            "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
            "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference",
            "io.k8s.api.core.v1.LocalObjectReference",
            "io.k8s.api.core.v1.ObjectReference",
            "io.k8s.api.core.v1.TypedLocalObjectReference",
            "io.k8s.api.core.v1.NodeSelector",
            "io.k8s.api.core.v1.ConfigMapKeySelector",
            "io.k8s.api.core.v1.SecretKeySelector",
            "io.k8s.api.core.v1.ObjectFieldSelector",
            "io.k8s.api.core.v1.ResourceFieldSelector");

    /** Defaults of list-map key fields the model does not publish (v1.33's OpenAPI has them as {@code default}). */
    static final Map<String, Map<String, JsonNode>> KEY_DEFAULTS = Map.of(
            "io.k8s.api.core.v1.ContainerPort", Map.of("protocol", com.fasterxml.jackson.databind.node.TextNode.valueOf("TCP")),
            "io.k8s.api.core.v1.ServicePort", Map.of("protocol", com.fasterxml.jackson.databind.node.TextNode.valueOf("TCP")));

    private ApplyTypes() {
    }

    private static final class Builtin {
        static final Map<String, com.fasterxml.jackson.databind.node.ObjectNode> META = MetaSchemas.all(List.of());
        static final OpenApiFieldTypes TYPES = new OpenApiFieldTypes(name -> {
            JsonNode meta = META.get(name);
            return meta != null ? Optional.of(meta) : ModelCatalogue.get().definition(name).map(node -> node);
        }, ATOMIC_STRUCTS, KEY_DEFAULTS);
    }

    /** The type of {@code definition}'s objects. */
    public static FieldType of(ResourceDefinition definition) {
        Optional<JsonNode> custom = definition.strategy().openApiV3Schema();
        if (custom.isPresent()) {
            FieldType root = new OpenApiFieldTypes(name -> Optional.empty(), Set.of()).of(custom.get());
            FieldType objectMeta = Builtin.TYPES.named(MetaSchemas.OBJECT_META);
            return FieldType.map(false, name -> name.equals("metadata") ? Optional.of(objectMeta) : root.field(name),
                    () -> root.shape() == FieldType.Shape.MAP ? root.entry("") : FieldType.DEDUCED);
        }
        if (!V3Documents.isBuiltin(definition.info().gvk())) {
            return FieldType.DEDUCED;
        }
        return ModelCatalogue.get().definitionName(definition.info().gvk())
                .map(Builtin.TYPES::named)
                .orElse(FieldType.DEDUCED);
    }
}
