package dev.kapal.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.GroupVersionKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link SchemaSource} of the running server: built-in kinds as the {@link ModelCatalogue}
 * describes them (every field, documented, with patch extensions: {@link KindSchema.Coverage#FULL}),
 * custom resources as their CRD's {@code openAPIV3Schema} with the envelope upstream adds
 * ({@code apiVersion}, {@code kind}, {@code metadata} as ObjectMeta,
 * {@code x-kubernetes-group-version-kind}). Kinds neither describes (a CRD version without a
 * schema) are published as envelopes.
 *
 * <p>The catalogue is built on the first call (about a few hundred milliseconds of reflection),
 * not at server start; thread-safe.
 */
public final class ModelSchemaSource implements SchemaSource {
    public static final ModelSchemaSource INSTANCE = new ModelSchemaSource();

    private ModelSchemaSource() {
    }

    @Override
    public KindSchema schema(GroupVersionKind kind, String schemaName, boolean builtin, Optional<JsonNode> published) {
        if (builtin) {
            ModelCatalogue catalogue = ModelCatalogue.get();
            Optional<String> name = catalogue.definitionName(kind);
            if (name.isPresent() && name.get().equals(schemaName)) {
                Map<String, ObjectNode> dependencies = new LinkedHashMap<>();
                for (String dependency : catalogue.closure(name.get())) {
                    if (!dependency.equals(schemaName)) {
                        dependencies.put(dependency, catalogue.definition(dependency).orElseThrow());
                    }
                }
                return new KindSchema(catalogue.definition(schemaName).orElseThrow(), dependencies, KindSchema.Coverage.FULL);
            }
            return EnvelopeSchemaSource.INSTANCE.schema(kind, schemaName, true, published);
        }
        if (published.isPresent() && published.get().isObject()) {
            return new KindSchema(customResource(kind, (ObjectNode) published.get()), Map.of(), KindSchema.Coverage.FULL);
        }
        return EnvelopeSchemaSource.INSTANCE.schema(kind, schemaName, false, published);
    }

    /** A custom resource's v3 schema as upstream publishes it: the CRD's, with the envelope filled in. */
    static ObjectNode customResource(GroupVersionKind kind, ObjectNode openApiV3Schema) {
        ObjectNode schema = openApiV3Schema.deepCopy();
        schema.put("type", "object");
        ObjectNode properties = schema.has("properties") && schema.get("properties").isObject()
                ? (ObjectNode) schema.get("properties") : schema.putObject("properties");
        ModelCatalogue.envelopeDescriptions().forEach((field, description) -> {
            if (field.equals("metadata")) {
                // Whatever the CRD says of metadata, its objects carry ObjectMeta (upstream publishes the reference).
                ObjectNode metadata = properties.putObject("metadata");
                metadata.putArray("allOf").addObject().put("$ref", Schemas.V3_REF_PREFIX + MetaSchemas.OBJECT_META);
                metadata.put("description", description);
            } else if (!properties.has(field)) {
                properties.set(field, Schemas.string().put("description", description));
            }
        });
        // Properties in the order Go writes maps, so the document's hash is stable.
        ObjectNode sorted = properties.objectNode();
        properties.properties().stream().map(Map.Entry::getKey).sorted()
                .forEach(name -> sorted.set(name, properties.get(name)));
        schema.set("properties", sorted);
        schema.set("x-kubernetes-group-version-kind", Schemas.groupVersionKinds(List.of(kind)));
        return schema;
    }
}
