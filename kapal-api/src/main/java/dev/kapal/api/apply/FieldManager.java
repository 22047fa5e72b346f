package dev.kapal.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.Json;
import dev.kapal.api.StatusCause;
import dev.kapal.api.StatusReason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps {@code metadata.managedFields} as upstream's field manager does.
 *
 * <p>{@link #update}: the writer of a create, update or patch comes to manage every field it added
 * or changed (merged into its earlier Update entry for the same API version and subresource, with
 * a new time); fields it changed or removed leave every other manager. Managed fields the writer
 * sent are taken as given (clients such as kubectl rewrite them to migrate client-side apply);
 * absent or on subresources, the live object's count.
 *
 * <p>{@link #apply}: a server-side apply merges the applied configuration into the live object
 * per the schema, fails with 409 when it changes fields other managers own (unless forced, which
 * takes them), makes the applier own exactly what it applied, and removes fields it applied before
 * and no longer does when nobody else owns them.
 *
 * <p>Fields nobody can own (apiVersion, kind, server-set metadata) and fields reset by the
 * endpoint ({@link Context#resetFields}) never enter a set.
 */
public final class FieldManager {
    public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    /** Upstream syncs the client-side apply annotation only for kubectl's default server-side manager. */
    private static final String KUBECTL_MANAGER = "kubectl";
    private static final FieldSet STRIPPED = new FieldSet()
            .insert(List.of("f:apiVersion"))
            .insert(List.of("f:kind"))
            .insert(List.of("f:metadata", "f:name"))
            .insert(List.of("f:metadata", "f:namespace"))
            .insert(List.of("f:metadata", "f:creationTimestamp"))
            .insert(List.of("f:metadata", "f:selfLink"))
            .insert(List.of("f:metadata", "f:uid"))
            .insert(List.of("f:metadata", "f:clusterName"))
            .insert(List.of("f:metadata", "f:generation"))
            .insert(List.of("f:metadata", "f:managedFields"))
            .insert(List.of("f:metadata", "f:resourceVersion"));
    /**
     * Fields Go's zero value of a kind always carries (non-pointer structs, lists without
     * omitempty): on a create they count as already there, so they are not members of the
     * creator's set (upstream compares against the kind's zero object).
     */
    private static final Set<String> ZERO_VALUE_FIELDS = Set.of("metadata", "spec", "status", "template",
            "jobTemplate", "strategy", "updateStrategy", "containers", "rules");

    private FieldManager() {
    }

    /**
     * What a write is: the kind's schema, the version written, the subresource, the top-level
     * fields the endpoint resets (status on the main resource, everything else on {@code status}),
     * the time, and whether the kind is typed (a built-in: its zero value has structs; a custom
     * resource's zero value is an empty object).
     */
    public record Context(FieldType type, String apiVersion, String subresource, Set<String> resetFields, String now,
                          boolean typed) {
        public Context {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(apiVersion, "apiVersion");
            Objects.requireNonNull(subresource, "subresource");
            resetFields = Set.copyOf(resetFields);
            Objects.requireNonNull(now, "now");
        }

        FieldSet exclude() {
            if (resetFields.isEmpty()) {
                return STRIPPED;
            }
            FieldSet exclude = STRIPPED.copy();
            resetFields.forEach(field -> exclude.insert(List.of("f:" + field)));
            return exclude;
        }
    }

    /** The result of an apply: the new object (managed fields set) and whether it differs from the live one. */
    public record Applied(ObjectNode object, boolean changed) {
    }

    // ---------------------------------------------------------------- update

    /**
     * Sets {@code updated}'s managed fields for a write by {@code manager}; {@code old} is the live
     * object, empty for a create.
     */
    public static void update(Optional<ObjectNode> old, ObjectNode updated, String manager, Context context) {
        List<ManagedFieldsEntry> sent = context.subresource().isEmpty()
                ? decodeOrEmpty(updated.path("metadata").path("managedFields"))
                : List.of();
        List<ManagedFieldsEntry> base = !sent.isEmpty() || old.isEmpty()
                ? sent
                : decodeOrEmpty(old.get().path("metadata").path("managedFields"));
        if (isReset(updated.path("metadata").path("managedFields"))) {
            base = List.of();
        }
        JsonNode before = old.<JsonNode>map(object -> object)
                .orElseGet(() -> context.typed() ? zeroValue(updated) : Json.object());
        FieldWalks.Comparison comparison = FieldWalks.compare(before, updated, context.type(), context.exclude());
        FieldSet changed = comparison.changed();
        Map<ManagedFieldsEntry.Identity, ManagedFieldsEntry> managers = index(base);
        ManagedFieldsEntry.Identity self = new ManagedFieldsEntry.Identity(manager, ManagedFieldsEntry.UPDATE,
                context.apiVersion(), context.subresource());
        FieldSet taken = changed.union(comparison.removed());
        boolean touched = !changed.isEmpty() || !comparison.removed().isEmpty();
        if (touched) {
            managers.replaceAll((identity, entry) -> entry.withFields(entry.fields().difference(taken)));
        }
        if (!changed.isEmpty()) {
            ManagedFieldsEntry previous = managers.get(self);
            FieldSet fields = previous == null ? changed : previous.fields().union(changed);
            managers.put(self, new ManagedFieldsEntry(manager, ManagedFieldsEntry.UPDATE, context.apiVersion(),
                    Optional.of(context.now()), context.subresource(), fields));
        }
        write(updated, managers);
    }

    // ---------------------------------------------------------------- apply

    /**
     * Applies {@code config} for {@code manager} to {@code live} (empty: the object does not
     * exist yet and the configuration creates it).
     *
     * @throws ApiException 409 with upstream's conflict message and {@code FieldManagerConflict}
     *                      causes when the apply would change fields others own and {@code force} is false
     */
    public static Applied apply(Optional<ObjectNode> live, ObjectNode config, String manager, boolean force, Context context) {
        FieldSet exclude = context.exclude();
        FieldType type = context.type();
        ObjectNode current = live.orElseGet(Json::object);
        Map<ManagedFieldsEntry.Identity, ManagedFieldsEntry> managers =
                index(decodeOrEmpty(current.path("metadata").path("managedFields")));
        ManagedFieldsEntry.Identity self = new ManagedFieldsEntry.Identity(manager, ManagedFieldsEntry.APPLY, "",
                context.subresource());
        ObjectNode merged = (ObjectNode) FieldWalks.merge(current, config, type);
        FieldSet applied = FieldWalks.fieldSet(config, type, exclude);
        FieldWalks.Comparison comparison = FieldWalks.compare(current, merged, type, exclude);
        FieldSet changed = comparison.changed();
        Map<ManagedFieldsEntry.Identity, FieldSet> conflicts = new LinkedHashMap<>();
        managers.forEach((identity, entry) -> {
            if (!identity.equals(self)) {
                FieldSet conflict = entry.fields().intersection(changed);
                if (!conflict.isEmpty()) {
                    conflicts.put(identity, conflict);
                }
            }
        });
        if (!conflicts.isEmpty() && !force
                && !allowedByLastApplied(current, manager, conflicts, type, context.apiVersion())) {
            throw conflict(conflicts);
        }
        ManagedFieldsEntry previous = managers.get(self);
        managers.replaceAll((identity, entry) -> identity.equals(self) ? entry
                : entry.withFields(entry.fields().difference(changed).difference(comparison.removed())));
        managers.put(self, new ManagedFieldsEntry(manager, ManagedFieldsEntry.APPLY, context.apiVersion(),
                previous == null ? Optional.empty() : previous.time(), context.subresource(), applied));
        if (previous != null) {
            FieldSet owned = new FieldSet();
            for (ManagedFieldsEntry entry : managers.values()) {
                owned = owned.union(entry.fields());
            }
            FieldWalks.prune(merged, type, previous.fields(), owned, context.typed());
            FieldSet removed = FieldWalks.compare(current, merged, type, exclude).removed();
            if (!removed.isEmpty()) {
                managers.replaceAll((identity, entry) -> identity.equals(self) ? entry
                        : entry.withFields(entry.fields().difference(removed)));
            }
        }
        if (manager.equals(KUBECTL_MANAGER) && live.isPresent() && hasLastApplied(current)) {
            ObjectNode lastApplied = config.deepCopy();
            JsonNode annotations = lastApplied.path("metadata").path("annotations");
            if (annotations instanceof ObjectNode map) {
                map.remove(LAST_APPLIED);
                if (map.isEmpty()) {
                    ((ObjectNode) lastApplied.get("metadata")).remove("annotations");
                }
            }
            Json.objectAt(Json.objectAt(merged, "metadata"), "annotations")
                    .put(LAST_APPLIED, Json.writeString(lastApplied) + "\n");
        }
        boolean changedObject = !withoutManagedFields(merged).equals(withoutManagedFields(current));
        ManagedFieldsEntry mine = managers.get(self);
        if (changedObject || mine.time().isEmpty()) {
            managers.put(self, mine.withTime(context.now()));
        }
        write(merged, managers);
        return new Applied(merged, changedObject);
    }

    /**
     * Upstream lets kubectl's server-side apply take over from client-side apply without forcing:
     * conflicts on fields the live object's last-applied configuration holds with the live value
     * are forgiven (when every conflict is), so the ownership moves to the applier. Only for the
     * manager {@code kubectl}.
     */
    private static boolean allowedByLastApplied(ObjectNode live, String manager,
                                                Map<ManagedFieldsEntry.Identity, FieldSet> conflicts, FieldType type,
                                                String apiVersion) {
        if (!manager.equals(KUBECTL_MANAGER) || !hasLastApplied(live)) {
            return false;
        }
        ObjectNode lastApplied;
        try {
            lastApplied = Json.parseObject(live.path("metadata").path("annotations").path(LAST_APPLIED).asText()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (RuntimeException unreadable) {
            return false;
        }
        if (!lastApplied.path("apiVersion").asText("").equals(apiVersion)) {
            return false;
        }
        FieldWalks.Comparison drift = FieldWalks.compare(lastApplied, live, type, STRIPPED);
        FieldSet allowed = FieldWalks.fieldSet(lastApplied, type, STRIPPED)
                .difference(drift.modified()).difference(drift.added()).difference(drift.removed());
        for (FieldSet conflict : conflicts.values()) {
            if (!conflict.difference(allowed).isEmpty()) {
                conflicts.replaceAll((identity, set) -> set.difference(allowed));
                conflicts.values().removeIf(FieldSet::isEmpty);
                return false;
            }
        }
        return true;
    }

    private static boolean hasLastApplied(JsonNode object) {
        return object.path("metadata").path("annotations").has(LAST_APPLIED);
    }

    private static ObjectNode withoutManagedFields(ObjectNode object) {
        if (!object.path("metadata").has("managedFields")) {
            return object;
        }
        ObjectNode copy = object.deepCopy();
        ((ObjectNode) copy.get("metadata")).remove("managedFields");
        return copy;
    }

    /** Upstream's 409: reason Conflict, one {@code FieldManagerConflict} cause per field. */
    static ApiException conflict(Map<ManagedFieldsEntry.Identity, FieldSet> conflicts) {
        List<Map.Entry<ManagedFieldsEntry.Identity, FieldSet>> sorted = new ArrayList<>(conflicts.entrySet());
        sorted.sort(Comparator.comparing(entry -> entry.getKey().manager()));
        List<StatusCause> causes = new ArrayList<>();
        int count = 0;
        for (Map.Entry<ManagedFieldsEntry.Identity, FieldSet> entry : sorted) {
            for (List<String> path : entry.getValue().paths()) {
                causes.add(new StatusCause("FieldManagerConflict", "conflict with " + entry.getKey().describe(),
                        FieldSet.render(path)));
                count++;
            }
        }
        String message;
        if (count == 1) {
            message = "Apply failed with 1 conflict: " + causes.get(0).message() + ": " + causes.get(0).field();
        } else {
            StringBuilder lines = new StringBuilder();
            for (Map.Entry<ManagedFieldsEntry.Identity, FieldSet> entry : sorted) {
                if (!lines.isEmpty()) {
                    lines.append('\n');
                }
                lines.append("conflicts with ").append(entry.getKey().describe()).append(':');
                for (List<String> path : entry.getValue().paths()) {
                    lines.append("\n- ").append(FieldSet.render(path));
                }
            }
            message = "Apply failed with " + count + " conflicts: " + lines;
        }
        return new ApiException(StatusReason.CONFLICT, 409, message,
                Optional.of(new ApiException.Details("", "", "", causes)), Optional.empty());
    }

    // ---------------------------------------------------------------- encoding

    /** The entries of a managedFields list; a list upstream would not decode counts as absent. */
    static List<ManagedFieldsEntry> decodeOrEmpty(JsonNode list) {
        if (!list.isArray()) {
            return List.of();
        }
        List<ManagedFieldsEntry> entries = new ArrayList<>();
        try {
            for (JsonNode item : list) {
                entries.add(ManagedFieldsEntry.fromJson(item));
            }
        } catch (IllegalArgumentException unreadable) {
            return List.of();
        }
        return entries;
    }

    /** {@code [{}]}: how a client clears managed fields. */
    private static boolean isReset(JsonNode list) {
        return list.isArray() && list.size() == 1 && list.get(0).isObject() && list.get(0).isEmpty();
    }

    private static Map<ManagedFieldsEntry.Identity, ManagedFieldsEntry> index(List<ManagedFieldsEntry> entries) {
        Map<ManagedFieldsEntry.Identity, ManagedFieldsEntry> managers = new LinkedHashMap<>();
        for (ManagedFieldsEntry entry : entries) {
            managers.merge(entry.identity(), entry, (left, right) -> left.withFields(left.fields().union(right.fields())));
        }
        return managers;
    }

    /** Writes the entries, empty ones dropped, sorted as upstream sorts them (operation, time, manager, version, subresource). */
    private static void write(ObjectNode object, Map<ManagedFieldsEntry.Identity, ManagedFieldsEntry> managers) {
        List<ManagedFieldsEntry> entries = new ArrayList<>();
        for (ManagedFieldsEntry entry : managers.values()) {
            if (!entry.fields().isEmpty()) {
                entries.add(entry);
            }
        }
        entries.sort(Comparator.comparing(ManagedFieldsEntry::operation)
                .thenComparing(entry -> entry.time().orElse(""))
                .thenComparing(ManagedFieldsEntry::manager)
                .thenComparing(ManagedFieldsEntry::apiVersion)
                .thenComparing(ManagedFieldsEntry::subresource));
        ObjectNode metadata = Json.objectAt(object, "metadata");
        if (entries.isEmpty()) {
            metadata.remove("managedFields");
            return;
        }
        ArrayNode list = metadata.putArray("managedFields");
        entries.forEach(entry -> list.add(entry.toJson()));
    }

    /** The kind's zero value as far as it matters: the always-present structs and lists of {@code object}. */
    static JsonNode zeroValue(JsonNode object) {
        ObjectNode zero = Json.object();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!ZERO_VALUE_FIELDS.contains(field.getKey())) {
                continue;
            }
            if (field.getValue().isObject()) {
                zero.set(field.getKey(), zeroValue(field.getValue()));
            } else if (field.getValue().isArray()) {
                zero.set(field.getKey(), Json.array());
            }
        }
        return zero;
    }
}
