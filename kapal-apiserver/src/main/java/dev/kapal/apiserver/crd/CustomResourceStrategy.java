package dev.kapal.apiserver.crd;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.StatusCause;
import dev.kapal.apiserver.registry.Strategy;
import java.util.List;
import java.util.Objects;

/**
 * The strategy of one served version of a custom resource: prune unknown fields, apply schema
 * defaults, validate against the schema; {@code metadata.generation} tracks spec changes. The
 * status split itself is generic (the resource lists {@code status} as a subresource when the
 * CRD declares it).
 *
 * @param schema      the version's structural schema
 * @param terminating whether the CRD is being deleted: upstream refuses new objects meanwhile
 */
record CustomResourceStrategy(StructuralSchema schema, boolean terminating, dev.kapal.apiserver.printers.TablePrinter tablePrinter)
        implements Strategy, dev.kapal.apiserver.printers.HasTablePrinter {

    /** A strategy printing with the default columns (a CRD version without printer columns). */
    CustomResourceStrategy(StructuralSchema schema, boolean terminating) {
        this(schema, terminating, CrdDefinitions.printer(com.fasterxml.jackson.databind.node.MissingNode.getInstance(), "", ""));
    }

    CustomResourceStrategy {
        Objects.requireNonNull(schema, "schema");
    }

    @Override
    public java.util.Optional<com.fasterxml.jackson.databind.JsonNode> openApiV3Schema() {
        return schema == StructuralSchema.PRESERVE_ALL ? java.util.Optional.empty() : java.util.Optional.of(schema.root());
    }

    @Override
    public boolean typedStatus() {
        return false;
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        if (terminating) {
            throw ApiException.methodNotAllowed("create not allowed while custom resource definition is terminating");
        }
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        schema.prune(object);
        schema.applyDefaults(object);
    }

    @Override
    public List<StatusCause> validate(ObjectNode object) {
        return SchemaValidator.validateRoot(schema.root(), object);
    }

    @Override
    public List<StatusCause> validateStatusUpdate(ObjectNode object, ObjectNode old) {
        // The status endpoint skips applyDefaults, yet what it stores must be pruned and defaulted too.
        applyDefaults(object);
        return validate(object);
    }

    @Override
    public boolean tracksGeneration() {
        return true;
    }
}
