package dev.kapal.apiserver.openapi;

import static dev.kapal.apiserver.openapi.Schemas.array;
import static dev.kapal.apiserver.openapi.Schemas.bool;
import static dev.kapal.apiserver.openapi.Schemas.dateTime;
import static dev.kapal.apiserver.openapi.Schemas.integer;
import static dev.kapal.apiserver.openapi.Schemas.map;
import static dev.kapal.apiserver.openapi.Schemas.object;
import static dev.kapal.apiserver.openapi.Schemas.ref;
import static dev.kapal.apiserver.openapi.Schemas.string;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.GroupVersion;
import dev.kapal.api.GroupVersionKind;
import dev.kapal.api.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The apimachinery types every group-version document refers to: object and list metadata, the
 * Status, DeleteOptions, Patch and WatchEvent kinds, and what they contain. Field names, types and
 * merge metadata follow upstream's {@code meta/v1} types, so these schemas are complete even while
 * kinds are published as envelopes.
 */
public final class MetaSchemas {
    static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    public static final String OBJECT_META = META + "ObjectMeta";
    public static final String LIST_META = META + "ListMeta";
    public static final String STATUS = META + "Status";
    public static final String DELETE_OPTIONS = META + "DeleteOptions";
    public static final String PATCH = META + "Patch";
    public static final String WATCH_EVENT = META + "WatchEvent";
    static final String TIME = META + "Time";
    static final String MICRO_TIME = META + "MicroTime";
    static final String OWNER_REFERENCE = META + "OwnerReference";
    static final String MANAGED_FIELDS_ENTRY = META + "ManagedFieldsEntry";
    static final String FIELDS_V1 = META + "FieldsV1";
    static final String STATUS_DETAILS = META + "StatusDetails";
    static final String STATUS_CAUSE = META + "StatusCause";
    static final String PRECONDITIONS = META + "Preconditions";
    static final String RAW_EXTENSION = "io.k8s.apimachinery.pkg.runtime.RawExtension";

    private MetaSchemas() {
    }

    /**
     * All meta schemas, by name. DeleteOptions and WatchEvent are registered in every built-in
     * group-version upstream, so their {@code x-kubernetes-group-version-kind} lists one entry per
     * group-version of {@code builtin}.
     */
    public static Map<String, ObjectNode> all(List<GroupVersion> builtin) {
        Map<String, ObjectNode> schemas = new LinkedHashMap<>();
        schemas.put(DELETE_OPTIONS, withKinds(object(
                "apiVersion", string(),
                "dryRun", array(string()),
                "gracePeriodSeconds", integer("int64"),
                "ignoreStoreReadErrorWithClusterBreakingPotential", bool(),
                "kind", string(),
                "orphanDependents", bool(),
                "preconditions", ref(PRECONDITIONS),
                "propagationPolicy", string()), everyGroupVersion(builtin, "DeleteOptions")));
        schemas.put(FIELDS_V1, Json.object().put("type", "object"));
        schemas.put(LIST_META, object(
                "continue", string(),
                "remainingItemCount", integer("int64"),
                "resourceVersion", string(),
                "selfLink", string()));
        schemas.put(MANAGED_FIELDS_ENTRY, object(
                "apiVersion", string(),
                "fieldsType", string(),
                "fieldsV1", ref(FIELDS_V1),
                "manager", string(),
                "operation", string(),
                "subresource", string(),
                "time", ref(TIME)));
        schemas.put(MICRO_TIME, string().put("format", "date-time"));
        schemas.put(OBJECT_META, objectMeta());
        schemas.put(OWNER_REFERENCE, required(object(
                "apiVersion", string(),
                "blockOwnerDeletion", bool(),
                "controller", bool(),
                "kind", string(),
                "name", string(),
                "uid", string()), "apiVersion", "kind", "name", "uid").put("x-kubernetes-map-type", "atomic"));
        schemas.put(PATCH, Json.object().put("type", "object"));
        schemas.put(PRECONDITIONS, object("resourceVersion", string(), "uid", string()));
        schemas.put(STATUS, withKinds(object(
                "apiVersion", string(),
                "code", integer("int32"),
                "details", ref(STATUS_DETAILS),
                "kind", string(),
                "message", string(),
                "metadata", ref(LIST_META),
                "reason", string(),
                "status", string()), List.of(new GroupVersionKind("", "v1", "Status"))));
        schemas.put(STATUS_CAUSE, object("field", string(), "message", string(), "reason", string()));
        ObjectNode details = object(
                "causes", array(ref(STATUS_CAUSE)),
                "group", string(),
                "kind", string(),
                "name", string(),
                "retryAfterSeconds", integer("int32"),
                "uid", string());
        ((ObjectNode) details.get("properties").get("causes")).put("x-kubernetes-list-type", "atomic");
        schemas.put(STATUS_DETAILS, details);
        schemas.put(TIME, dateTime());
        schemas.put(WATCH_EVENT, withKinds(required(object(
                "object", ref(RAW_EXTENSION),
                "type", string()), "type", "object"), everyGroupVersion(builtin, "WatchEvent")));
        schemas.put(RAW_EXTENSION, Json.object().put("type", "object"));
        ModelCatalogue.documented(schemas.get(OBJECT_META), OBJECT_META);
        ModelCatalogue.documented(schemas.get(LIST_META), LIST_META);
        ModelCatalogue.documented(schemas.get(OWNER_REFERENCE), OWNER_REFERENCE);
        ModelCatalogue.documented(schemas.get(MANAGED_FIELDS_ENTRY), MANAGED_FIELDS_ENTRY);
        ModelCatalogue.documented(schemas.get(STATUS), STATUS);
        ModelCatalogue.documented(schemas.get(DELETE_OPTIONS), DELETE_OPTIONS);
        return schemas;
    }

    private static ObjectNode objectMeta() {
        ObjectNode finalizers = array(string());
        finalizers.put("x-kubernetes-list-type", "set");
        finalizers.put("x-kubernetes-patch-strategy", "merge");
        ObjectNode managedFields = array(ref(MANAGED_FIELDS_ENTRY));
        managedFields.put("x-kubernetes-list-type", "atomic");
        ObjectNode ownerReferences = array(ref(OWNER_REFERENCE));
        ownerReferences.put("x-kubernetes-list-type", "map");
        ownerReferences.set("x-kubernetes-list-map-keys", Json.array().add("uid"));
        ownerReferences.put("x-kubernetes-patch-merge-key", "uid");
        ownerReferences.put("x-kubernetes-patch-strategy", "merge");
        return object(
                "annotations", map(string()),
                "creationTimestamp", ref(TIME),
                "deletionGracePeriodSeconds", integer("int64"),
                "deletionTimestamp", ref(TIME),
                "finalizers", finalizers,
                "generateName", string(),
                "generation", integer("int64"),
                "labels", map(string()),
                "managedFields", managedFields,
                "name", string(),
                "namespace", string(),
                "ownerReferences", ownerReferences,
                "resourceVersion", string(),
                "selfLink", string(),
                "uid", string());
    }

    private static List<GroupVersionKind> everyGroupVersion(List<GroupVersion> served, String kind) {
        List<GroupVersionKind> kinds = new java.util.ArrayList<>();
        kinds.add(new GroupVersionKind("", "v1", kind));
        served.stream()
                .filter(gv -> !gv.equals(GroupVersion.CORE_V1))
                .map(gv -> new GroupVersionKind(gv.group(), gv.version(), kind))
                .sorted(java.util.Comparator.comparing(GroupVersionKind::group).thenComparing(GroupVersionKind::version))
                .forEach(kinds::add);
        return kinds;
    }

    private static ObjectNode withKinds(ObjectNode schema, List<GroupVersionKind> kinds) {
        schema.set("x-kubernetes-group-version-kind", Schemas.groupVersionKinds(kinds));
        return schema;
    }

    private static ObjectNode required(ObjectNode schema, String... names) {
        var array = schema.putArray("required");
        for (String name : names) {
            array.add(name);
        }
        return schema;
    }
}
