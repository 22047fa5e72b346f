package dev.kapal.apiserver.kinds;

import static dev.kapal.apiserver.kinds.KindStrategy.SelectableField.flag;
import static dev.kapal.apiserver.kinds.KindStrategy.SelectableField.number;
import static dev.kapal.apiserver.kinds.KindStrategy.SelectableField.text;
import static dev.kapal.apiserver.kinds.Trees.defaultInt;
import static dev.kapal.apiserver.kinds.Trees.defaultObject;
import static dev.kapal.apiserver.kinds.Trees.defaultText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.apiserver.registry.Strategy;
import java.util.List;
import java.util.OptionalLong;

/** Strategies of the core {@code v1} kinds. */
final class CoreKinds {
    private CoreKinds() {
    }

    static final Strategy PLAIN = KindStrategy.builder().build();

    static final Strategy CONFIG_MAPS = KindStrategy.builder()
            .validate(ConfigData::validateConfigMap)
            .validateUpdate(ConfigData::validateImmutable)
            .build();

    static final Strategy SECRETS = KindStrategy.builder()
            .fields(text("type"))
            .defaults(object -> {
                ConfigData.foldStringData(object);
                defaultText(object, "type", "Opaque");
            })
            .validate(ConfigData::validateSecret)
            .validateUpdate((object, old, errors) -> {
                if (!Trees.text(object, "type").equals(Trees.text(old, "type"))) {
                    errors.invalid("type", Trees.text(object, "type"), Errors.IMMUTABLE);
                }
                ConfigData.validateImmutable(object, old, errors);
            })
            .build();

    static final Strategy ENDPOINTS = KindStrategy.builder()
            .createsOnUpdate()
            .defaults(object -> Trees.forEachObject(object, "subsets",
                    subset -> Trees.forEachObject(subset, "ports", port -> defaultText(port, "protocol", "TCP"))))
            .build();

    /**
     * Namespaces: the {@code kubernetes} finalizer and phase Active on create, and the
     * {@code kubernetes.io/metadata.name} label always equal to the name. Finalizers only change
     * through the {@code finalize} subresource, so updates keep the stored ones.
     */
    /** The namespaces upstream's NamespaceLifecycle admission never lets go. */
    static final java.util.Set<String> IMMORTAL_NAMESPACES = java.util.Set.of("default", "kube-system", "kube-public");

    static final Strategy NAMESPACES = KindStrategy.builder()
            .fields(text("status.phase"))
            .keepsStatusOnCreate()
            .defaults(object -> {
                String name = Trees.text(object.path("metadata"), "name");
                if (!name.isEmpty()) {
                    defaultObject(defaultObject(object, "metadata"), "labels").put("kubernetes.io/metadata.name", name);
                }
                defaultText(defaultObject(object, "status"), "phase", "Active");
            })
            .prepareForCreate(object -> {
                object.putObject("status").put("phase", "Active");
                ObjectNode spec = defaultObject(object, "spec");
                var finalizers = spec.path("finalizers").isArray()
                        ? (com.fasterxml.jackson.databind.node.ArrayNode) spec.get("finalizers")
                        : spec.putArray("finalizers");
                boolean present = false;
                for (JsonNode finalizer : finalizers) {
                    present |= finalizer.asText().equals("kubernetes");
                }
                if (!present) {
                    finalizers.add("kubernetes");
                }
            })
            .checkDelete(object -> {
                String name = Trees.text(object.path("metadata"), "name");
                if (IMMORTAL_NAMESPACES.contains(name)) {
                    throw ApiException.forbidden(new dev.kapal.api.GroupVersionResource("", "v1", "namespaces"), name,
                            "this namespace may not be deleted");
                }
            })
            .prepareForUpdate((object, old) -> {
                ObjectNode spec = defaultObject(object, "spec");
                JsonNode oldFinalizers = old.path("spec").path("finalizers");
                if (oldFinalizers.isArray()) {
                    spec.set("finalizers", oldFinalizers.deepCopy());
                } else {
                    spec.remove("finalizers");
                }
            })
            .build();

    /**
     * Nodes keep the status they are created with, as upstream's node strategy does: a kubelet
     * registers its Node with capacity, allocatable and conditions in the one create, so the
     * scheduler never sees a node with nothing allocatable.
     */
    private static final List<String> NODE_INFO_FIELDS = List.of("architecture", "bootID",
            "containerRuntimeVersion", "kernelVersion", "kubeProxyVersion", "kubeletVersion", "machineID",
            "operatingSystem", "osImage", "systemUUID");

    static final Strategy NODES = KindStrategy.builder()
            .fields(flag("spec.unschedulable"))
            .keepsStatusOnCreate()
            .defaults(object -> {
                // Upstream serialises these Go fields without omitempty, so every Node has them.
                ObjectNode status = defaultObject(object, "status");
                defaultInt(defaultObject(defaultObject(status, "daemonEndpoints"), "kubeletEndpoint"), "Port", 0);
                ObjectNode nodeInfo = defaultObject(status, "nodeInfo");
                for (String field : NODE_INFO_FIELDS) {
                    defaultText(nodeInfo, field, "");
                }
            })
            .validateUpdate((object, old, errors) -> {
                String oldCidr = Trees.text(old.path("spec"), "podCIDR");
                if (!oldCidr.isEmpty() && !oldCidr.equals(Trees.text(object.path("spec"), "podCIDR"))) {
                    errors.forbidden("spec.podCIDRs", "node updates may not change podCIDR except from \"\" to valid");
                }
            })
            .build();

    static final Strategy PERSISTENT_VOLUMES = KindStrategy.builder()
            .keepsStatusOnCreate()
            .defaults(object -> {
                ObjectNode spec = defaultObject(object, "spec");
                defaultText(spec, "persistentVolumeReclaimPolicy", "Retain");
                defaultText(spec, "volumeMode", "Filesystem");
                defaultText(defaultObject(object, "status"), "phase", "Pending");
            })
            .prepareForCreate(object -> object.putObject("status").put("phase", "Pending"))
            .build();

    static final Strategy PERSISTENT_VOLUME_CLAIMS = KindStrategy.builder()
            .keepsStatusOnCreate()
            .defaults(CoreKinds::defaultClaim)
            .prepareForCreate(object -> object.putObject("status").put("phase", "Pending"))
            .build();

    /**
     * Pods. Generation is tracked since v1.33, where the API server sets
     * {@code metadata.generation} on pods. On create the status is reset to phase Pending with the
     * computed QoS class (upstream's {@code PrepareForCreate}); defaults run first there so the
     * QoS class sees requests copied from limits.
     */
    static final Strategy PODS = KindStrategy.builder()
            .tracksGeneration()
            .returnsDeletedObject()
            .keepsStatusOnCreate()
            .fields(text("spec.nodeName"), text("spec.restartPolicy"), text("spec.schedulerName"),
                    text("spec.serviceAccountName"), flag("spec.hostNetwork"), text("status.phase"),
                    text("status.nominatedNodeName"))
            .field("status.podIP", CoreKinds::podIp)
            .defaults(object -> PodSpecs.applyPodOnlyDefaults(defaultObject(object, "spec")))
            .prepareForCreate(object -> {
                ObjectNode spec = defaultObject(object, "spec");
                PodSpecs.applyPodOnlyDefaults(spec);
                object.putObject("status").put("phase", "Pending").put("qosClass", PodSpecs.qosClass(spec));
            })
            .validate((object, errors) -> PodSpecs.validate(object.path("spec"), "spec", PodSpecs.RESTART_POLICIES, errors))
            .validateUpdate(PodUpdates::validate)
            .gracefulDeletion(CoreKinds::podGracePeriod)
            .build();

    static final Strategy POD_TEMPLATES = KindStrategy.builder()
            .tracksGeneration()
            .defaults(object -> PodSpecs.applyDefaults(defaultObject(defaultObject(object, "template"), "spec")))
            .validate((object, errors) -> PodSpecs.validate(object.path("template").path("spec"), "template.spec",
                    PodSpecs.RESTART_POLICIES, errors))
            .build();

    /**
     * ReplicationControllers. Unlike the apps workloads their selector is a plain label map
     * defaulted from the template's labels (and the RC's own labels from them too), so the
     * scale subresource renders it as {@code k=v,...}.
     */
    static final Strategy REPLICATION_CONTROLLERS = KindStrategy.builder()
            .tracksGeneration()
            .fields(number("status.replicas"))
            .defaults(object -> {
                ObjectNode spec = defaultObject(object, "spec");
                defaultInt(spec, "replicas", 1);
                Trees.object(spec, "template").ifPresent(template -> {
                    JsonNode labels = template.path("metadata").path("labels");
                    if (labels.isObject() && !labels.isEmpty()) {
                        if (!spec.path("selector").isObject() || spec.path("selector").isEmpty()) {
                            spec.set("selector", labels.deepCopy());
                        }
                        ObjectNode metadata = defaultObject(object, "metadata");
                        if (!metadata.path("labels").isObject() || metadata.path("labels").isEmpty()) {
                            metadata.set("labels", labels.deepCopy());
                        }
                    }
                    PodSpecs.applyDefaults(defaultObject(template, "spec"));
                });
            })
            .validate((object, errors) -> {
                JsonNode spec = object.path("spec");
                Workloads.validateReplicas(spec, errors);
                var selector = Trees.stringMap(spec, "selector");
                if (selector.isEmpty()) {
                    errors.required("spec.selector");
                }
                Selectors.validateLabels(selector, "spec.selector", errors);
                if (!spec.path("template").isObject()) {
                    errors.required("spec.template");
                    return;
                }
                var labels = Trees.stringMap(spec.path("template").path("metadata"), "labels");
                if (!selector.isEmpty() && !selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
                    errors.invalid("spec.template.metadata.labels", GoValues.stringMap(labels),
                            "`selector` does not match template `labels`");
                }
                PodSpecs.validate(spec.path("template").path("spec"), "spec.template.spec", List.of("Always"), errors);
            })
            .build();

    static final Strategy SERVICES = Services.STRATEGY;

    private static void defaultClaim(ObjectNode object) {
        defaultText(defaultObject(object, "spec"), "volumeMode", "Filesystem");
        defaultText(defaultObject(object, "status"), "phase", "Pending");
    }

    static void defaultClaimTemplate(ObjectNode claim) {
        defaultClaim(claim);
    }

    private static String podIp(ObjectNode pod) {
        JsonNode ips = pod.path("status").path("podIPs");
        if (ips.isArray() && !ips.isEmpty()) {
            return Trees.text(ips.get(0), "ip");
        }
        return Trees.text(pod.path("status"), "podIP");
    }

    /**
     * Upstream's pod graceful deletion: the requested period, else the pod's
     * {@code terminationGracePeriodSeconds}; but immediately when the pod was never scheduled
     * (no kubelet would ever confirm) or has already terminated. A negative period counts as 1 s,
     * the smallest graceful one, since a kubelet treats negative values that way.
     */
    private static OptionalLong podGracePeriod(ObjectNode pod, OptionalLong requested) {
        long period = requested.isPresent() ? requested.getAsLong()
                : pod.path("spec").path("terminationGracePeriodSeconds").asLong(30);
        String phase = Trees.text(pod.path("status"), "phase");
        if (Trees.text(pod.path("spec"), "nodeName").isEmpty() || phase.equals("Succeeded") || phase.equals("Failed")) {
            period = 0;
        }
        if (period == 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(period, 1));
    }
}
