package dev.kapal.apiserver.kinds;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.StatusCause;
import dev.kapal.apiserver.registry.Strategy;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A strategy with its kind's {@link BuiltinKinds.NameRule}: the name rule belongs to the resource
 * (namespaces, services and RBAC objects differ from the rest), while strategies are shared by
 * several resources, so the rule is attached where the catalogue entry is made.
 */
record NamedStrategy(Strategy delegate, BuiltinKinds.NameRule rule) implements Strategy {

    static Strategy of(Strategy strategy, BuiltinKinds.NameRule rule) {
        return rule == BuiltinKinds.NameRule.DNS1123_SUBDOMAIN ? strategy : new NamedStrategy(strategy, rule);
    }

    @Override
    public List<String> validateName(String name) {
        return rule.check(name);
    }

    @Override
    public java.util.Optional<com.fasterxml.jackson.databind.JsonNode> openApiV3Schema() {
        return delegate.openApiV3Schema();
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        delegate.applyDefaults(object);
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        delegate.prepareForCreate(object);
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        delegate.prepareForUpdate(object, old);
    }

    @Override
    public List<StatusCause> validate(ObjectNode object) {
        return delegate.validate(object);
    }

    @Override
    public List<StatusCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return delegate.validateUpdate(object, old);
    }

    @Override
    public List<StatusCause> validateStatusUpdate(ObjectNode object, ObjectNode old) {
        return delegate.validateStatusUpdate(object, old);
    }

    @Override
    public boolean allowCreateOnUpdate() {
        return delegate.allowCreateOnUpdate();
    }

    @Override
    public boolean returnDeletedObject() {
        return delegate.returnDeletedObject();
    }

    @Override
    public boolean tracksGeneration() {
        return delegate.tracksGeneration();
    }

    @Override
    public List<String> statusUpdatableMetadata() {
        return delegate.statusUpdatableMetadata();
    }

    @Override
    public boolean typedStatus() {
        return delegate.typedStatus();
    }

    @Override
    public boolean resetStatusOnCreate() {
        return delegate.resetStatusOnCreate();
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode object) {
        return delegate.selectableFields(object);
    }

    @Override
    public List<String> selectableFieldNames() {
        return delegate.selectableFieldNames();
    }

    @Override
    public boolean prepareForDelete(ObjectNode object) {
        return delegate.prepareForDelete(object);
    }

    @Override
    public OptionalLong gracefulDeletion(ObjectNode object, OptionalLong requestedSeconds) {
        return delegate.gracefulDeletion(object, requestedSeconds);
    }

    @Override
    public void checkDelete(ObjectNode object) {
        delegate.checkDelete(object);
    }
}
