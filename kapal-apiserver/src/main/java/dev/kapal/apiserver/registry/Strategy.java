package dev.kapal.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.StatusCause;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What makes one kind different from another: defaulting, validation, the preparation of
 * objects on create and update, selectable fields and graceful deletion. The generic store does
 * everything else (metadata, resourceVersion, generation, status split, finalizers, storage).
 *
 * <p>Objects are JSON trees in the version being served. Methods that receive an object may
 * modify it in place; they are called on private copies. Implementations are stateless (or
 * thread-safe) and never touch storage.
 *
 * <p>Order on create: decode → {@link #prepareForCreate} → {@link #applyDefaults} →
 * {@link #validate}. On update: decode → {@link #prepareForUpdate} → {@link #applyDefaults} →
 * {@link #validateUpdate}. Metadata fields common to every kind (name, generateName, labels,
 * annotations, finalizers, ownerReferences) are validated generically before the strategy runs.
 */
public interface Strategy {

    /** A strategy that adds nothing to the generic behaviour. */
    Strategy DEFAULT = new Strategy() {
    };

    /**
     * The OpenAPI v3 schema of the kind's objects when it is not a built-in one (custom resources:
     * their version's {@code openAPIV3Schema}), for the published documents and field validation.
     * Empty for built-in kinds, whose schemas come from the model.
     */
    default Optional<com.fasterxml.jackson.databind.JsonNode> openApiV3Schema() {
        return Optional.empty();
    }

    /** Fills defaulted fields as upstream's defaulters do (so {@code get -o yaml} matches). */
    default void applyDefaults(ObjectNode object) {
    }

    /**
     * Clears what a client may not set on create (for kinds with a status subresource the
     * generic store already drops {@code status} when {@link #resetStatusOnCreate()} is true).
     */
    default void prepareForCreate(ObjectNode object) {
    }

    /** Adjusts an update of the main resource given the stored object (status is kept generically). */
    default void prepareForUpdate(ObjectNode object, ObjectNode old) {
    }

    /** Kind-specific validation of a new object; field paths as upstream reports them. */
    default List<StatusCause> validate(ObjectNode object) {
        return List.of();
    }

    /** Kind-specific validation of an update, including immutable fields. */
    default List<StatusCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return validate(object);
    }

    /** Kind-specific validation of a status-subresource update. */
    default List<StatusCause> validateStatusUpdate(ObjectNode object, ObjectNode old) {
        return List.of();
    }

    /**
     * Checks an object's name; the default is upstream's for most kinds (a DNS-1123 subdomain).
     * Namespaces use a DNS-1123 label, services a DNS-1035 label, RBAC objects a path segment.
     *
     * @return upstream's messages, empty when the name is valid
     */
    default List<String> validateName(String name) {
        return dev.kapal.api.validation.Names.dns1123Subdomain(name);
    }

    /** Whether PUT of a missing object creates it (upstream: true for a few kinds such as events, leases, endpoints). */
    default boolean allowCreateOnUpdate() {
        return false;
    }

    /**
     * Whether DELETE answers with the deleted object (upstream: pods, services, and a few more)
     * rather than a {@code Status} of {@code Success}.
     */
    default boolean returnDeletedObject() {
        return false;
    }

    /**
     * Whether {@code metadata.generation} tracks spec changes (set to 1 on create, bumped when
     * anything outside metadata and status changes). True for most workload kinds and CRs.
     */
    default boolean tracksGeneration() {
        return false;
    }

    /**
     * The {@code metadata} fields a {@code status} update writes besides status (upstream's status
     * strategies reset spec and some metadata, not all of it: a deployment's controller records
     * its revision annotation through {@code deployments/status}). Default: none, the status
     * endpoint changes status only.
     */
    default List<String> statusUpdatableMetadata() {
        return List.of();
    }

    /**
     * Whether the status of a new object starts as the empty object ({@code status: {}}, the
     * encoding of a built-in kind's zero status) rather than absent (custom resources, whose
     * status is free-form). Only consulted when {@link #resetStatusOnCreate()} applies.
     */
    default boolean typedStatus() {
        return true;
    }

    /** Whether a client-supplied {@code status} is dropped on create (kinds with a status subresource). */
    default boolean resetStatusOnCreate() {
        return true;
    }

    /**
     * Field-selector values beyond {@code metadata.name} and {@code metadata.namespace}, which
     * every kind supports. Keys are the selectable field paths ({@code spec.nodeName}); absent
     * fields map to the empty string, as upstream.
     */
    default Map<String, String> selectableFields(ObjectNode object) {
        return Map.of();
    }

    /** The field paths {@link #selectableFields} offers, so unsupported selectors can be refused. */
    default List<String> selectableFieldNames() {
        return List.of();
    }

    /**
     * Refuses a DELETE of {@code object} by throwing an {@link dev.kapal.api.ApiException}, as
     * upstream admission does on delete (NamespaceLifecycle keeps {@code default},
     * {@code kube-system} and {@code kube-public}). Called before anything changes.
     */
    default void checkDelete(ObjectNode object) {
    }

    /**
     * Marks an object at the first DELETE (no {@code deletionTimestamp} yet), before the generic
     * store decides between removing it and waiting for finalizers. Returns whether it changed
     * the object. Upstream CRDs add their cleanup finalizer and a {@code Terminating} condition
     * here, so their custom resources are removed before the CRD goes.
     */
    default boolean prepareForDelete(ObjectNode object) {
        return false;
    }

    /**
     * The grace period for deleting {@code object} when the client asked for
     * {@code requestedSeconds} (empty if it did not ask). Empty means delete immediately; a value
     * means set {@code deletionTimestamp} + {@code deletionGracePeriodSeconds} and leave the final
     * removal to whoever owns the object (the kubelet for bound pods). Upstream: pods bound to a
     * node get their {@code terminationGracePeriodSeconds}; everything else is immediate.
     */
    default OptionalLong gracefulDeletion(ObjectNode object, OptionalLong requestedSeconds) {
        return OptionalLong.empty();
    }
}
