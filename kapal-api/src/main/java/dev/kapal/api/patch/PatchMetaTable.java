package dev.kapal.api.patch;

import dev.kapal.api.GroupVersionKind;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The built-in {@link PatchMeta}: the {@code patchStrategy} and {@code patchMergeKey} struct tags
 * of the k8s.io/api types (v1.33), keyed by type so that a type's rules hold wherever it is
 * embedded. Only types on a path to a tagged field are listed; everything else is
 * {@link PatchMetaType#UNKNOWN}, which is exact for untagged fields (maps merge, lists replace).
 *
 * <p>Deliberately absent because upstream does not tag them (lists there are replaced whole):
 * {@code PodSpec.tolerations}, {@code readinessGates}, {@code Container.envFrom},
 * {@code resizePolicy} (atomic), {@code PodStatus.containerStatuses}, {@code NodeSpec.taints},
 * {@code Endpoints.subsets}, {@code ObjectMeta.managedFields}, {@code StatefulSet.volumeClaimTemplates}.
 */
final class PatchMetaTable implements PatchMeta {
    static final PatchMetaTable BUILTIN = build();

    /** Every built-in object has ObjectMeta, so kinds without a row still merge owner references by uid. */
    private static final String OBJECT = "Object";

    private final Map<String, Map<String, PatchMetaField>> types;
    private final Map<String, String> rootTypes;

    private PatchMetaTable(Map<String, Map<String, PatchMetaField>> types, Map<String, String> rootTypes) {
        this.types = types;
        this.rootTypes = rootTypes;
    }

    @Override
    public PatchMetaType root(GroupVersionKind kind) {
        return type(rootTypes.getOrDefault(groupKind(kind.group(), kind.kind()), OBJECT));
    }

    private PatchMetaType type(String name) {
        Map<String, PatchMetaField> fields = types.get(name);
        if (fields == null) {
            throw new IllegalStateException("patch meta table names an undefined type " + name);
        }
        return new TableType(name, fields);
    }

    /** A type of the table; equality by name keeps the records printable and comparable in tests. */
    private record TableType(String name, Map<String, PatchMetaField> fields) implements PatchMetaType {
        @Override
        public PatchMetaField field(String member) {
            return fields.getOrDefault(member, PatchMetaField.NONE);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static String groupKind(String group, String kind) {
        return kind + "." + group;
    }

    // ------------------------------------------------------------------ the table

    private static PatchMetaTable build() {
        Builder b = new Builder();
        b.type("ObjectMeta")
                .list("finalizers", "merge", "", "")
                .list("ownerReferences", "merge", "uid", "");
        b.type(OBJECT).object("metadata", "ObjectMeta");

        // core/v1
        b.type("PodTemplateSpec").object("metadata", "ObjectMeta").object("spec", "PodSpec");
        b.type("PodSpec")
                .list("volumes", "merge,retainKeys", "name", "")
                .list("initContainers", "merge", "name", "Container")
                .list("containers", "merge", "name", "Container")
                .list("ephemeralContainers", "merge", "name", "Container")
                .list("imagePullSecrets", "merge", "name", "")
                .list("hostAliases", "merge", "ip", "")
                .list("topologySpreadConstraints", "merge", "topologyKey", "")
                .list("schedulingGates", "merge", "name", "")
                .list("resourceClaims", "merge,retainKeys", "name", "");
        // Container and EphemeralContainer share these json names and tags.
        b.type("Container")
                .list("ports", "merge", "containerPort", "")
                .list("env", "merge", "name", "")
                .list("volumeMounts", "merge", "mountPath", "")
                .list("volumeDevices", "merge", "devicePath", "");
        b.type("PodStatus")
                .list("conditions", "merge", "type", "")
                .list("podIPs", "merge", "ip", "")
                .list("hostIPs", "merge", "ip", "")
                .list("resourceClaimStatuses", "merge,retainKeys", "name", "");
        b.type("ConditionsStatus").list("conditions", "merge", "type", "");
        b.type("TemplateSpec").object("template", "PodTemplateSpec");
        b.type("Pod").object("metadata", "ObjectMeta").object("spec", "PodSpec").object("status", "PodStatus");
        b.type("PodTemplate").object("metadata", "ObjectMeta").object("template", "PodTemplateSpec");
        b.type("ReplicationController").object("metadata", "ObjectMeta")
                .object("spec", "TemplateSpec").object("status", "ConditionsStatus");
        b.type("ServiceSpec").list("ports", "merge", "port", "");
        b.type("Service").object("metadata", "ObjectMeta")
                .object("spec", "ServiceSpec").object("status", "ConditionsStatus");
        b.type("NodeSpec").list("podCIDRs", "merge", "", "");
        b.type("NodeStatus")
                .list("conditions", "merge", "type", "")
                .list("addresses", "merge", "type", "");
        b.type("Node").object("metadata", "ObjectMeta").object("spec", "NodeSpec").object("status", "NodeStatus");
        b.type("WithConditionsStatus").object("metadata", "ObjectMeta").object("status", "ConditionsStatus");
        b.type("ServiceAccount").object("metadata", "ObjectMeta").list("secrets", "merge", "name", "");
        b.type("ComponentStatus").object("metadata", "ObjectMeta").list("conditions", "merge", "type", "");

        // apps/v1
        b.type("DeploymentSpec").object("template", "PodTemplateSpec").field("strategy", "retainKeys", "", "");
        b.type("Deployment").object("metadata", "ObjectMeta")
                .object("spec", "DeploymentSpec").object("status", "ConditionsStatus");
        b.type("WorkloadWithTemplate").object("metadata", "ObjectMeta")
                .object("spec", "TemplateSpec").object("status", "ConditionsStatus");

        // batch/v1
        b.type("JobTemplateSpec").object("metadata", "ObjectMeta").object("spec", "TemplateSpec");
        b.type("CronJobSpec").object("jobTemplate", "JobTemplateSpec");
        b.type("CronJob").object("metadata", "ObjectMeta").object("spec", "CronJobSpec");

        // storage.k8s.io/v1, admissionregistration.k8s.io/v1
        b.type("CSINodeSpec").list("drivers", "merge", "name", "");
        b.type("CSINode").object("metadata", "ObjectMeta").object("spec", "CSINodeSpec");
        b.type("WebhookConfiguration").object("metadata", "ObjectMeta").list("webhooks", "merge", "name", "");

        b.kind("", "Pod", "Pod");
        b.kind("", "PodTemplate", "PodTemplate");
        b.kind("", "ReplicationController", "ReplicationController");
        b.kind("", "Service", "Service");
        b.kind("", "Node", "Node");
        b.kind("", "Namespace", "WithConditionsStatus");
        b.kind("", "PersistentVolumeClaim", "WithConditionsStatus");
        b.kind("", "ServiceAccount", "ServiceAccount");
        b.kind("", "ComponentStatus", "ComponentStatus");
        b.kind("apps", "Deployment", "Deployment");
        b.kind("apps", "ReplicaSet", "WorkloadWithTemplate");
        b.kind("apps", "StatefulSet", "WorkloadWithTemplate");
        b.kind("apps", "DaemonSet", "WorkloadWithTemplate");
        b.kind("batch", "Job", "WorkloadWithTemplate");
        b.kind("batch", "CronJob", "CronJob");
        // autoscaling/v1 has no status.conditions; merging by type there is harmless.
        b.kind("autoscaling", "HorizontalPodAutoscaler", "WithConditionsStatus");
        b.kind("policy", "PodDisruptionBudget", "WithConditionsStatus");
        b.kind("storage.k8s.io", "CSINode", "CSINode");
        b.kind("admissionregistration.k8s.io", "MutatingWebhookConfiguration", "WebhookConfiguration");
        b.kind("admissionregistration.k8s.io", "ValidatingWebhookConfiguration", "WebhookConfiguration");
        return b.build();
    }

    private static final class Builder {
        private final Map<String, Map<String, Row>> types = new HashMap<>();
        private final Map<String, String> rootTypes = new HashMap<>();

        /** A field before type names are resolved (types refer to each other). */
        private record Row(String strategies, String mergeKey, String typeName) {
        }

        final class TypeBuilder {
            private final Map<String, Row> rows;

            TypeBuilder(Map<String, Row> rows) {
                this.rows = rows;
            }

            TypeBuilder object(String name, String typeName) {
                return field(name, "", "", typeName);
            }

            TypeBuilder list(String name, String strategies, String mergeKey, String elementType) {
                return field(name, strategies, mergeKey, elementType);
            }

            TypeBuilder field(String name, String strategies, String mergeKey, String typeName) {
                if (rows.put(name, new Row(strategies, mergeKey, typeName)) != null) {
                    throw new IllegalStateException("field " + name + " listed twice");
                }
                return this;
            }
        }

        TypeBuilder type(String name) {
            Map<String, Row> rows = new HashMap<>();
            if (types.put(name, rows) != null) {
                throw new IllegalStateException("type " + name + " listed twice");
            }
            return new TypeBuilder(rows);
        }

        void kind(String group, String kind, String typeName) {
            rootTypes.put(groupKind(group, kind), typeName);
        }

        PatchMetaTable build() {
            Map<String, Map<String, PatchMetaField>> resolved = new HashMap<>();
            PatchMetaTable table = new PatchMetaTable(resolved, Map.copyOf(rootTypes));
            for (Map.Entry<String, Map<String, Row>> type : types.entrySet()) {
                Map<String, PatchMetaField> fields = new HashMap<>();
                for (Map.Entry<String, Row> row : type.getValue().entrySet()) {
                    Row r = row.getValue();
                    PatchMetaType fieldType = r.typeName().isEmpty() ? PatchMetaType.UNKNOWN
                            : new LazyType(table, r.typeName());
                    fields.put(row.getKey(), new PatchMetaField(PatchMetaStrategy.parse(r.strategies()),
                            r.mergeKey().isEmpty() ? Optional.empty() : Optional.of(r.mergeKey()), fieldType));
                }
                resolved.put(type.getKey(), Map.copyOf(fields));
            }
            for (Map<String, Row> rows : types.values()) {
                for (Row row : rows.values()) {
                    if (!row.typeName().isEmpty() && !types.containsKey(row.typeName())) {
                        throw new IllegalStateException("undefined type " + row.typeName());
                    }
                }
            }
            for (String typeName : rootTypes.values()) {
                if (!types.containsKey(typeName)) {
                    throw new IllegalStateException("undefined type " + typeName);
                }
            }
            return table;
        }
    }

    /** A reference to a table type, resolved on use because types refer to each other. */
    private record LazyType(PatchMetaTable table, String name) implements PatchMetaType {
        LazyType {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(name, "name");
        }

        @Override
        public PatchMetaField field(String member) {
            return table.type(name).field(member);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof LazyType lazy && lazy.name.equals(name);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
