package dev.kapal.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.Json;
import dev.kapal.api.StatusCause;
import dev.kapal.apiserver.registry.Strategy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The strategy of {@code customresourcedefinitions.apiextensions.k8s.io}: names and conversion
 * defaulted, {@code status.storedVersions} kept up to date with the storage version, the
 * cleanup finalizer and {@code Terminating} condition put on at the first DELETE (so the
 * controller removes the custom resources before the CRD goes), and the validation a client
 * most often runs into (names, scope, versions, structural schema). Conversion webhooks and
 * the finer points of schema validation (defaults and CEL rules checked against the schema) are
 * not validated.
 */
public final class CustomResourceDefinitionStrategy implements Strategy {
    public static final CustomResourceDefinitionStrategy INSTANCE = new CustomResourceDefinitionStrategy();

    /** The finalizer that keeps a deleted CRD until its custom resources are gone. */
    public static final String CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";

    private CustomResourceDefinitionStrategy() {
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = Json.objectAt(object, "spec");
        ObjectNode names = Json.objectAt(spec, "names");
        String kind = names.path("kind").asText("");
        if (!kind.isEmpty()) {
            defaultText(names, "singular", kind.toLowerCase(Locale.ROOT));
            defaultText(names, "listKind", kind + "List");
        }
        defaultText(Json.objectAt(spec, "conversion"), "strategy", "None");
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        // Status belongs to the controller; a client's is dropped, as upstream's strategy does.
        ObjectNode status = object.putObject("status");
        status.putArray("storedVersions");
        recordStorageVersion(object);
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        recordStorageVersion(object);
    }

    /** A new storage version joins {@code status.storedVersions}: objects may now be stored in it. */
    private static void recordStorageVersion(ObjectNode object) {
        ObjectNode status = Json.objectAt(object, "status");
        ArrayNode stored = status.has("storedVersions") && status.get("storedVersions").isArray()
                ? (ArrayNode) status.get("storedVersions") : status.putArray("storedVersions");
        List<String> known = CrdDefinitions.texts(stored);
        for (JsonNode version : object.path("spec").path("versions")) {
            String name = version.path("name").asText("");
            if (version.path("storage").asBoolean(false) && !name.isEmpty() && !known.contains(name)) {
                stored.add(name);
            }
        }
    }

    @Override
    public boolean prepareForDelete(ObjectNode object) {
        ObjectNode metadata = Json.objectAt(object, "metadata");
        if (metadata.has("deletionTimestamp")) {
            return false;
        }
        ArrayNode finalizers = metadata.has("finalizers") && metadata.get("finalizers").isArray()
                ? (ArrayNode) metadata.get("finalizers") : metadata.putArray("finalizers");
        if (!CrdDefinitions.texts(finalizers).contains(CLEANUP_FINALIZER)) {
            finalizers.add(CLEANUP_FINALIZER);
        }
        Conditions.set(object, Conditions.terminating("True", "InstanceDeletionPending",
                "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon"),
                java.time.Clock.systemUTC());
        return true;
    }

    @Override
    public boolean tracksGeneration() {
        return true;
    }

    @Override
    public boolean resetStatusOnCreate() {
        return false;
    }

    // ---------------------------------------------------------------- validation

    @Override
    public List<StatusCause> validate(ObjectNode object) {
        List<StatusCause> causes = new ArrayList<>();
        JsonNode spec = object.path("spec");
        String group = spec.path("group").asText("");
        JsonNode names = spec.path("names");
        String plural = names.path("plural").asText("");
        String name = object.path("metadata").path("name").asText("");
        if (!plural.isEmpty() && !group.isEmpty() && !name.equals(plural + "." + group)) {
            causes.add(StatusCause.invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
        }
        if (group.isEmpty()) {
            causes.add(StatusCause.required("spec.group"));
        } else if (!group.contains(".")) {
            causes.add(StatusCause.invalid("spec.group", group, "should be a domain with at least one dot"));
        } else {
            dev.kapal.api.validation.Names.dns1123Subdomain(group)
                    .forEach(message -> causes.add(StatusCause.invalid("spec.group", group, message)));
        }
        String scope = spec.path("scope").asText("");
        if (scope.isEmpty()) {
            causes.add(StatusCause.required("spec.scope"));
        } else if (!scope.equals("Cluster") && !scope.equals("Namespaced")) {
            causes.add(StatusCause.notSupported("spec.scope", scope, List.of("Cluster", "Namespaced")));
        }
        validateNames(names, "spec.names", causes);
        validateVersions(spec.path("versions"), causes);
        JsonNode stored = object.path("status").path("storedVersions");
        Set<String> versionNames = new HashSet<>();
        spec.path("versions").forEach(version -> versionNames.add(version.path("name").asText()));
        for (int i = 0; i < stored.size(); i++) {
            String version = stored.get(i).asText();
            if (!versionNames.contains(version)) {
                causes.add(StatusCause.invalid("status.storedVersions[" + i + "]", version, "must appear in spec.versions"));
            }
        }
        return causes;
    }

    @Override
    public List<StatusCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<StatusCause> causes = new ArrayList<>(validate(object));
        for (String field : List.of("group", "scope")) {
            String now = object.path("spec").path(field).asText("");
            String before = old.path("spec").path(field).asText("");
            if (!now.equals(before)) {
                causes.add(StatusCause.invalid("spec." + field, now, "field is immutable"));
            }
        }
        String plural = object.path("spec").path("names").path("plural").asText("");
        String oldPlural = old.path("spec").path("names").path("plural").asText("");
        if (!plural.equals(oldPlural)) {
            causes.add(StatusCause.invalid("spec.names.plural", plural, "field is immutable"));
        }
        return causes;
    }

    private static void validateNames(JsonNode names, String path, List<StatusCause> causes) {
        String plural = names.path("plural").asText("");
        if (plural.isEmpty()) {
            causes.add(StatusCause.required(path + ".plural"));
        } else {
            dns1035(plural, path + ".plural", causes);
        }
        String singular = names.path("singular").asText("");
        if (!singular.isEmpty()) {
            dns1035(singular, path + ".singular", causes);
        }
        String kind = names.path("kind").asText("");
        if (kind.isEmpty()) {
            causes.add(StatusCause.required(path + ".kind"));
        } else if (!kind.matches("[A-Za-z][-A-Za-z0-9]*")) {
            causes.add(StatusCause.invalid(path + ".kind", kind,
                    "may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?"));
        }
        String listKind = names.path("listKind").asText("");
        if (listKind.isEmpty()) {
            causes.add(StatusCause.required(path + ".listKind"));
        } else if (listKind.equals(kind)) {
            causes.add(StatusCause.invalid(path + ".listKind", listKind, "kind and listKind may not be the same"));
        }
        JsonNode shortNames = names.path("shortNames");
        for (int i = 0; i < shortNames.size(); i++) {
            dns1035(shortNames.get(i).asText(), path + ".shortNames[" + i + "]", causes);
        }
        JsonNode categories = names.path("categories");
        for (int i = 0; i < categories.size(); i++) {
            dns1035(categories.get(i).asText(), path + ".categories[" + i + "]", causes);
        }
    }

    private static void dns1035(String value, String path, List<StatusCause> causes) {
        dev.kapal.api.validation.Names.dns1035Label(value)
                .forEach(message -> causes.add(StatusCause.invalid(path, value, message)));
    }

    private static void validateVersions(JsonNode versions, List<StatusCause> causes) {
        if (!versions.isArray() || versions.isEmpty()) {
            causes.add(new StatusCause("FieldValueInvalid", "Invalid value: null: must have exactly one version marked as storage version",
                    "spec.versions"));
            causes.add(new StatusCause("FieldValueRequired", "Required value: must have at least one version", "spec.versions"));
            return;
        }
        int storage = 0;
        Set<String> seen = new HashSet<>();
        List<String> listed = new ArrayList<>();
        for (int i = 0; i < versions.size(); i++) {
            JsonNode version = versions.get(i);
            String path = "spec.versions[" + i + "]";
            String name = version.path("name").asText("");
            listed.add(name);
            if (name.isEmpty()) {
                causes.add(StatusCause.required(path + ".name"));
            } else if (!seen.add(name)) {
                causes.add(StatusCause.duplicate(path + ".name", name));
            } else {
                dns1035(name, path + ".name", causes);
            }
            if (version.path("storage").asBoolean(false)) {
                storage++;
            }
            JsonNode schema = version.path("schema").path("openAPIV3Schema");
            String schemaPath = path + ".schema.openAPIV3Schema";
            if (!schema.isObject()) {
                causes.add(new StatusCause("FieldValueRequired", "Required value: schemas are required", schemaPath));
            } else {
                String type = schema.path("type").asText("");
                if (!type.equals("object")) {
                    causes.add(type.isEmpty()
                            ? new StatusCause("FieldValueRequired", "Required value: must not be empty at the root", schemaPath + ".type")
                            : StatusCause.invalid(schemaPath + ".type", type, "must be object at the root"));
                }
                structural(schema, schemaPath, true, causes);
            }
            JsonNode scale = version.path("subresources").path("scale");
            if (scale.isObject()) {
                for (String field : List.of("specReplicasPath", "statusReplicasPath")) {
                    String value = scale.path(field).asText("");
                    String fieldPath = path + ".subresources.scale." + field;
                    if (value.isEmpty()) {
                        causes.add(StatusCause.required(fieldPath));
                    } else if (!value.startsWith(".spec.") && field.equals("specReplicasPath")) {
                        causes.add(StatusCause.invalid(fieldPath, value, "should be a json path under .spec"));
                    } else if (!value.startsWith(".status.") && field.equals("statusReplicasPath")) {
                        causes.add(StatusCause.invalid(fieldPath, value, "should be a json path under .status"));
                    }
                }
            }
        }
        if (storage != 1) {
            causes.add(StatusCause.invalid("spec.versions", listed.toString(), "must have exactly one version marked as storage version"));
        }
    }

    /** The structural rule most schemas break: every specified field says its type. */
    private static void structural(JsonNode schema, String path, boolean root, List<StatusCause> causes) {
        boolean untyped = schema.path("type").asText("").isEmpty()
                && !schema.path(StructuralSchema.INT_OR_STRING).asBoolean(false)
                && !schema.path(StructuralSchema.PRESERVE_UNKNOWN_FIELDS).asBoolean(false);
        if (!root && untyped) {
            causes.add(new StatusCause("FieldValueRequired", "Required value: must not be empty for specified object fields",
                    path + ".type"));
        }
        JsonNode properties = schema.path("properties");
        if (properties.isObject() && schema.path("additionalProperties").isObject()) {
            causes.add(StatusCause.forbidden(path + ".additionalProperties", "additionalProperties and properties are mutual exclusive"));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            structural(property.getValue(), path + ".properties[" + property.getKey() + "]", false, causes);
        }
        if (schema.path("items").isObject()) {
            structural(schema.get("items"), path + ".items", false, causes);
        } else if ("array".equals(schema.path("type").asText()) && !schema.has("items")) {
            causes.add(new StatusCause("FieldValueRequired", "Required value: must be specified", path + ".items"));
        }
        if (schema.path("additionalProperties").isObject()) {
            structural(schema.get("additionalProperties"), path + ".additionalProperties", false, causes);
        }
    }

    private static void defaultText(ObjectNode node, String field, String value) {
        if (node.path(field).asText("").isEmpty()) {
            node.put(field, value);
        }
    }

    @Override
    public String toString() {
        return "customresourcedefinitions";
    }
}
