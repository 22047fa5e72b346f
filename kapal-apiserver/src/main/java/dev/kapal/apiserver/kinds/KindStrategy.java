package dev.kapal.apiserver.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.StatusCause;
import dev.kapal.apiserver.registry.Strategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * A {@link Strategy} assembled from data: a few functions and a list of selectable fields. Every
 * built-in kind is one of these, so a kind reads as a short declaration rather than a class.
 *
 * <p>Update validation runs the create validation on the new object first and then the
 * update-only rules (immutability), because upstream's {@code ValidateXUpdate} functions re-check
 * the whole new object as well.
 */
final class KindStrategy implements Strategy {

    /** Validation of one object. */
    @FunctionalInterface
    interface Validation {
        void validate(ObjectNode object, Errors errors);
    }

    /** Validation of a change from {@code old} to {@code object}. */
    @FunctionalInterface
    interface UpdateValidation {
        void validate(ObjectNode object, ObjectNode old, Errors errors);
    }

    /**
     * A selectable field: its name in field selectors, where it lives, and the value reported when
     * the field is absent (upstream formats non-pointer numbers and booleans, so absent counts
     * read {@code "0"} and absent flags {@code "false"}, while absent strings read {@code ""}).
     */
    record SelectableField(String name, String pointer, String whenAbsent) {
        SelectableField {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(pointer, "pointer");
            Objects.requireNonNull(whenAbsent, "whenAbsent");
        }

        /** A string field whose selector name is its dotted path ({@code spec.nodeName}). */
        static SelectableField text(String name) {
            return new SelectableField(name, "/" + name.replace('.', '/'), "");
        }

        static SelectableField number(String name) {
            return new SelectableField(name, "/" + name.replace('.', '/'), "0");
        }

        static SelectableField flag(String name) {
            return new SelectableField(name, "/" + name.replace('.', '/'), "false");
        }

        String valueOf(ObjectNode object) {
            JsonNode value = object.at(pointer);
            return value.isValueNode() && !value.isNull() ? value.asText() : whenAbsent;
        }
    }

    private final Consumer<ObjectNode> defaults;
    private final Consumer<ObjectNode> prepareForCreate;
    private final BiConsumer<ObjectNode, ObjectNode> prepareForUpdate;
    private final Validation validation;
    private final UpdateValidation updateValidation;
    private final UpdateValidation statusValidation;
    private final boolean tracksGeneration;
    private final List<String> statusUpdatableMetadata;
    private final boolean returnDeletedObject;
    private final boolean allowCreateOnUpdate;
    private final boolean resetStatusOnCreate;
    private final List<SelectableField> fields;
    private final Map<String, java.util.function.Function<ObjectNode, String>> computedFields;
    private final BiFunction<ObjectNode, OptionalLong, OptionalLong> gracefulDeletion;
    private final Consumer<ObjectNode> checkDelete;

    private KindStrategy(Builder builder) {
        this.defaults = builder.defaults;
        this.prepareForCreate = builder.prepareForCreate;
        this.prepareForUpdate = builder.prepareForUpdate;
        this.validation = builder.validation;
        this.updateValidation = builder.updateValidation;
        this.statusValidation = builder.statusValidation;
        this.tracksGeneration = builder.tracksGeneration;
        this.statusUpdatableMetadata = List.copyOf(builder.statusUpdatableMetadata);
        this.returnDeletedObject = builder.returnDeletedObject;
        this.allowCreateOnUpdate = builder.allowCreateOnUpdate;
        this.resetStatusOnCreate = builder.resetStatusOnCreate;
        this.fields = List.copyOf(builder.fields);
        this.computedFields = new LinkedHashMap<>(builder.computedFields);
        this.gracefulDeletion = builder.gracefulDeletion;
        this.checkDelete = builder.checkDelete;
    }

    static Builder builder() {
        return new Builder();
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        defaults.accept(object);
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        prepareForCreate.accept(object);
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        prepareForUpdate.accept(object, old);
    }

    @Override
    public List<StatusCause> validate(ObjectNode object) {
        Errors errors = new Errors();
        validation.validate(object, errors);
        return errors.causes();
    }

    @Override
    public List<StatusCause> validateUpdate(ObjectNode object, ObjectNode old) {
        Errors errors = new Errors();
        validation.validate(object, errors);
        updateValidation.validate(object, old, errors);
        return errors.causes();
    }

    @Override
    public List<StatusCause> validateStatusUpdate(ObjectNode object, ObjectNode old) {
        Errors errors = new Errors();
        statusValidation.validate(object, old, errors);
        return errors.causes();
    }

    @Override
    public boolean returnDeletedObject() {
        return returnDeletedObject;
    }

    @Override
    public boolean allowCreateOnUpdate() {
        return allowCreateOnUpdate;
    }

    @Override
    public boolean tracksGeneration() {
        return tracksGeneration;
    }

    @Override
    public List<String> statusUpdatableMetadata() {
        return statusUpdatableMetadata;
    }

    @Override
    public boolean resetStatusOnCreate() {
        return resetStatusOnCreate;
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode object) {
        Map<String, String> values = new LinkedHashMap<>();
        for (SelectableField field : fields) {
            values.put(field.name(), field.valueOf(object));
        }
        computedFields.forEach((name, function) -> values.put(name, function.apply(object)));
        return values;
    }

    @Override
    public List<String> selectableFieldNames() {
        List<String> names = new ArrayList<>();
        fields.forEach(field -> names.add(field.name()));
        names.addAll(computedFields.keySet());
        return names;
    }

    @Override
    public OptionalLong gracefulDeletion(ObjectNode object, OptionalLong requestedSeconds) {
        return gracefulDeletion.apply(object, requestedSeconds);
    }

    @Override
    public void checkDelete(ObjectNode object) {
        checkDelete.accept(object);
    }

    /** Declares a strategy; everything not set keeps the generic behaviour. */
    static final class Builder {
        private Consumer<ObjectNode> defaults = object -> {
        };
        private Consumer<ObjectNode> prepareForCreate = object -> {
        };
        private BiConsumer<ObjectNode, ObjectNode> prepareForUpdate = (object, old) -> {
        };
        private Validation validation = (object, errors) -> {
        };
        private UpdateValidation updateValidation = (object, old, errors) -> {
        };
        private UpdateValidation statusValidation = (object, old, errors) -> {
        };
        private boolean tracksGeneration;
        private final List<String> statusUpdatableMetadata = new ArrayList<>();
        private boolean returnDeletedObject;
        private boolean allowCreateOnUpdate;
        private boolean resetStatusOnCreate = true;
        private final List<SelectableField> fields = new ArrayList<>();
        private final Map<String, java.util.function.Function<ObjectNode, String>> computedFields = new LinkedHashMap<>();
        private BiFunction<ObjectNode, OptionalLong, OptionalLong> gracefulDeletion =
                (object, requested) -> OptionalLong.empty();
        private Consumer<ObjectNode> checkDelete = object -> {
        };

        /** DELETE answers with the object rather than a Status (upstream: pods, services). */
        Builder returnsDeletedObject() {
            this.returnDeletedObject = true;
            return this;
        }

        /** PUT of a missing object creates it (upstream: events, leases, endpoints, ...). */
        Builder createsOnUpdate() {
            this.allowCreateOnUpdate = true;
            return this;
        }

        Builder defaults(Consumer<ObjectNode> value) {
            this.defaults = Objects.requireNonNull(value);
            return this;
        }

        Builder prepareForCreate(Consumer<ObjectNode> value) {
            this.prepareForCreate = Objects.requireNonNull(value);
            return this;
        }

        Builder prepareForUpdate(BiConsumer<ObjectNode, ObjectNode> value) {
            this.prepareForUpdate = Objects.requireNonNull(value);
            return this;
        }

        Builder validate(Validation value) {
            this.validation = Objects.requireNonNull(value);
            return this;
        }

        Builder validateUpdate(UpdateValidation value) {
            this.updateValidation = Objects.requireNonNull(value);
            return this;
        }

        Builder validateStatusUpdate(UpdateValidation value) {
            this.statusValidation = Objects.requireNonNull(value);
            return this;
        }

        /** Upstream strategies that set {@code Generation = 1} in {@code PrepareForCreate}. */
        Builder tracksGeneration() {
            this.tracksGeneration = true;
            return this;
        }

        /** Metadata fields the {@code status} endpoint writes too (see {@link Strategy#statusUpdatableMetadata()}). */
        Builder statusUpdatesMetadata(String... fields) {
            this.statusUpdatableMetadata.addAll(List.of(fields));
            return this;
        }

        /** For kinds whose {@code prepareForCreate} writes the initial status itself. */
        Builder keepsStatusOnCreate() {
            this.resetStatusOnCreate = false;
            return this;
        }

        Builder fields(SelectableField... values) {
            fields.addAll(List.of(values));
            return this;
        }

        /** A selectable field whose value is derived rather than read from one place. */
        Builder field(String name, java.util.function.Function<ObjectNode, String> value) {
            computedFields.put(name, value);
            return this;
        }

        Builder gracefulDeletion(BiFunction<ObjectNode, OptionalLong, OptionalLong> value) {
            this.gracefulDeletion = Objects.requireNonNull(value);
            return this;
        }

        /** Refuses some DELETEs by throwing (see {@link Strategy#checkDelete}). */
        Builder checkDelete(Consumer<ObjectNode> value) {
            this.checkDelete = Objects.requireNonNull(value);
            return this;
        }

        KindStrategy build() {
            return new KindStrategy(this);
        }
    }
}
