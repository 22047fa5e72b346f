package dev.kapal.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.GroupVersionKind;
import java.util.List;
import java.util.Map;

/**
 * The minimal {@link SchemaSource}: every kind as its envelope ({@code apiVersion}, {@code kind},
 * {@code metadata}) with unknown fields preserved, {@link KindSchema.Coverage#ENVELOPE}. Enough for
 * clients that look kinds up by {@code x-kubernetes-group-version-kind} and for kubectl's field
 * validation probe; too little for anyone computing patches, which the coverage says.
 */
public final class EnvelopeSchemaSource implements SchemaSource {
    public static final EnvelopeSchemaSource INSTANCE = new EnvelopeSchemaSource();

    private EnvelopeSchemaSource() {
    }

    @Override
    public KindSchema schema(GroupVersionKind kind, String schemaName, boolean builtin,
                             java.util.Optional<com.fasterxml.jackson.databind.JsonNode> published) {
        return new KindSchema(envelope(kind), Map.of(), KindSchema.Coverage.ENVELOPE);
    }

    /** The envelope schema of {@code kind}; also the start of fuller schemas. */
    public static ObjectNode envelope(GroupVersionKind kind) {
        ObjectNode schema = Schemas.object(
                "apiVersion", Schemas.string(),
                "kind", Schemas.string(),
                "metadata", Schemas.ref(MetaSchemas.OBJECT_META));
        // The fields beyond the envelope exist but are not described here: say so, so that schema
        // consumers (explain, validators) do not read the absence of "spec" as "no spec allowed".
        schema.put("x-kubernetes-preserve-unknown-fields", true);
        schema.set("x-kubernetes-group-version-kind", Schemas.groupVersionKinds(List.of(kind)));
        return schema;
    }
}
