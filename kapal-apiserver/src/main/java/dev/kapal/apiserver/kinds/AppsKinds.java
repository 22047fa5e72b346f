package dev.kapal.apiserver.kinds;

import static dev.kapal.apiserver.kinds.KindStrategy.SelectableField.number;
import static dev.kapal.apiserver.kinds.Trees.defaultInt;
import static dev.kapal.apiserver.kinds.Trees.defaultObject;
import static dev.kapal.apiserver.kinds.Trees.defaultText;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.apiserver.registry.Strategy;
import java.util.List;
import java.util.Set;

/** Strategies of the {@code apps/v1} kinds, with upstream's apps/v1 defaults. */
final class AppsKinds {
    private AppsKinds() {
    }

    static final Strategy CONTROLLER_REVISIONS = KindStrategy.builder().build();

    static final Strategy DEPLOYMENTS = KindStrategy.builder()
            .tracksGeneration()
            // Upstream: annotation changes bump generation too (they are copied to replica sets),
            // and deployments/status writes annotations (the controller's revision) without a bump.
            .prepareForUpdate((object, old) -> {
                if (!sameAnnotations(object, old)) {
                    ObjectNode metadata = (ObjectNode) object.path("metadata");
                    metadata.put("generation", old.path("metadata").path("generation").asLong(0) + 1);
                }
            })
            .statusUpdatesMetadata("annotations")
            .defaults(object -> {
                ObjectNode spec = defaultObject(object, "spec");
                defaultInt(spec, "replicas", 1);
                ObjectNode strategy = defaultObject(spec, "strategy");
                defaultText(strategy, "type", "RollingUpdate");
                if (Trees.text(strategy, "type").equals("RollingUpdate")) {
                    ObjectNode rolling = defaultObject(strategy, "rollingUpdate");
                    defaultText(rolling, "maxUnavailable", "25%");
                    defaultText(rolling, "maxSurge", "25%");
                }
                defaultInt(spec, "revisionHistoryLimit", 10);
                defaultInt(spec, "progressDeadlineSeconds", 600);
                PodSpecs.applyTemplateDefaults(spec);
            })
            .validate((object, errors) -> {
                Workloads.validateSelectedTemplate(object, "deployment", errors);
                String type = Trees.text(object.path("spec").path("strategy"), "type");
                errors.oneOf("spec.strategy.type", type, List.of("Recreate", "RollingUpdate"));
                if (type.equals("Recreate") && object.path("spec").path("strategy").has("rollingUpdate")) {
                    errors.forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'");
                }
            })
            .validateUpdate(Workloads::selectorImmutable)
            .build();

    static final Strategy REPLICA_SETS = KindStrategy.builder()
            .tracksGeneration()
            .fields(number("status.replicas"))
            .defaults(object -> {
                ObjectNode spec = defaultObject(object, "spec");
                defaultInt(spec, "replicas", 1);
                PodSpecs.applyTemplateDefaults(spec);
            })
            .validate((object, errors) -> Workloads.validateSelectedTemplate(object, "deployment", errors))
            .validateUpdate(Workloads::selectorImmutable)
            .build();

    /** Annotations equal as upstream's semantic equality sees them: absent and empty alike. */
    private static boolean sameAnnotations(ObjectNode object, ObjectNode old) {
        var left = object.path("metadata").path("annotations");
        var right = old.path("metadata").path("annotations");
        boolean leftEmpty = !left.isObject() || left.isEmpty();
        boolean rightEmpty = !right.isObject() || right.isEmpty();
        return leftEmpty && rightEmpty || left.equals(right);
    }

    /** Only these spec fields of a StatefulSet may change (upstream's update rule). */
    private static final Set<String> STATEFUL_SET_MUTABLE = Set.of("replicas", "ordinals", "template", "updateStrategy",
            "persistentVolumeClaimRetentionPolicy", "minReadySeconds");

    static final Strategy STATEFUL_SETS = KindStrategy.builder()
            .tracksGeneration()
            .defaults(object -> {
                ObjectNode spec = defaultObject(object, "spec");
                defaultInt(spec, "replicas", 1);
                defaultText(spec, "podManagementPolicy", "OrderedReady");
                ObjectNode update = defaultObject(spec, "updateStrategy");
                defaultText(update, "type", "RollingUpdate");
                if (Trees.text(update, "type").equals("RollingUpdate")) {
                    defaultInt(defaultObject(update, "rollingUpdate"), "partition", 0);
                }
                defaultInt(spec, "revisionHistoryLimit", 10);
                ObjectNode retention = defaultObject(spec, "persistentVolumeClaimRetentionPolicy");
                defaultText(retention, "whenDeleted", "Retain");
                defaultText(retention, "whenScaled", "Retain");
                PodSpecs.applyTemplateDefaults(spec);
                Trees.forEachObject(spec, "volumeClaimTemplates", CoreKinds::defaultClaimTemplate);
            })
            .validate((object, errors) -> {
                Workloads.validateSelectedTemplate(object, "statefulset", errors);
                errors.oneOf("spec.podManagementPolicy", Trees.text(object.path("spec"), "podManagementPolicy"),
                        List.of("OrderedReady", "Parallel"));
            })
            .validateUpdate((object, old, errors) -> {
                ObjectNode spec = object.path("spec").deepCopy();
                ObjectNode oldSpec = old.path("spec").deepCopy();
                for (String field : STATEFUL_SET_MUTABLE) {
                    spec.remove(field);
                    oldSpec.remove(field);
                }
                if (!spec.equals(oldSpec)) {
                    errors.forbidden("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', "
                            + "'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' "
                            + "are forbidden");
                }
            })
            .build();

    static final Strategy DAEMON_SETS = KindStrategy.builder()
            .tracksGeneration()
            .defaults(object -> {
                ObjectNode spec = defaultObject(object, "spec");
                ObjectNode update = defaultObject(spec, "updateStrategy");
                defaultText(update, "type", "RollingUpdate");
                if (Trees.text(update, "type").equals("RollingUpdate")) {
                    ObjectNode rolling = defaultObject(update, "rollingUpdate");
                    defaultInt(rolling, "maxUnavailable", 1);
                    defaultInt(rolling, "maxSurge", 0);
                }
                defaultInt(spec, "revisionHistoryLimit", 10);
                PodSpecs.applyTemplateDefaults(spec);
            })
            .validate((object, errors) -> Workloads.validateSelectedTemplate(object, "daemonset", errors))
            .validateUpdate(Workloads::selectorImmutable)
            .build();
}
