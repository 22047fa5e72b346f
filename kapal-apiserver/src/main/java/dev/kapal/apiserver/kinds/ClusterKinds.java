package dev.kapal.apiserver.kinds;

import static dev.kapal.apiserver.kinds.KindStrategy.SelectableField.text;
import static dev.kapal.apiserver.kinds.Trees.defaultBoolean;
import static dev.kapal.apiserver.kinds.Trees.defaultInt;
import static dev.kapal.apiserver.kinds.Trees.defaultObject;
import static dev.kapal.apiserver.kinds.Trees.defaultText;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.apiserver.registry.Strategy;
import java.util.Locale;

/**
 * Strategies of the kinds outside core, apps and batch: autoscaling, certificates, networking,
 * policy, RBAC, storage, admission registration, API extensions, scheduling, coordination and
 * discovery. Most are plain data; the defaults are those upstream's defaulters fill.
 */
final class ClusterKinds {
    private ClusterKinds() {
    }

    /** Kinds with no defaults, no validation beyond the generic one and no generation. */
    static final Strategy PLAIN = KindStrategy.builder().build();

    static final Strategy RBAC = PLAIN;

    /** autoscaling/v1: only {@code minReplicas} is defaulted. */
    static final Strategy HORIZONTAL_POD_AUTOSCALERS_V1 = KindStrategy.builder()
            .defaults(object -> defaultInt(defaultObject(object, "spec"), "minReplicas", 1))
            .build();

    /**
     * autoscaling/v2: {@code minReplicas} 1, a CPU target of 80% when no metric is given, and the
     * scaling behaviour upstream spells out (scale down at most 100% per 15 s after a 300 s window;
     * scale up by the larger of 4 pods or 100% per 15 s, immediately).
     */
    static final Strategy HORIZONTAL_POD_AUTOSCALERS = KindStrategy.builder()
            .defaults(ClusterKinds::defaultAutoscalerV2)
            .build();

    static final Strategy CERTIFICATE_SIGNING_REQUESTS = KindStrategy.builder()
            .fields(text("spec.signerName"))
            .build();

    static final Strategy INGRESS_CLASSES = KindStrategy.builder().tracksGeneration().build();

    /** Ingress: {@code pathType} has no default in networking.k8s.io/v1, so it is required. */
    static final Strategy INGRESSES = KindStrategy.builder()
            .tracksGeneration()
            .validate((object, errors) -> {
                var rules = Trees.objects(object.path("spec"), "rules");
                for (int r = 0; r < rules.size(); r++) {
                    var paths = Trees.objects(rules.get(r).path("http"), "paths");
                    for (int p = 0; p < paths.size(); p++) {
                        String field = "spec.rules[" + r + "].http.paths[" + p + "].pathType";
                        String pathType = Trees.text(paths.get(p), "pathType");
                        if (pathType.isEmpty()) {
                            errors.required(field, "pathType must be specified");
                        } else {
                            errors.oneOf(field, pathType, java.util.List.of("Exact", "ImplementationSpecific", "Prefix"));
                        }
                    }
                }
            })
            .build();

    /** NetworkPolicy: {@code policyTypes} is [Ingress], plus Egress when egress rules exist. */
    static final Strategy NETWORK_POLICIES = KindStrategy.builder()
            .tracksGeneration()
            .defaults(object -> {
                ObjectNode spec = defaultObject(object, "spec");
                defaultObject(spec, "podSelector");
                Trees.forEachObject(spec, "ingress", rule -> Trees.forEachObject(rule, "ports",
                        port -> defaultText(port, "protocol", "TCP")));
                Trees.forEachObject(spec, "egress", rule -> Trees.forEachObject(rule, "ports",
                        port -> defaultText(port, "protocol", "TCP")));
                if (!spec.path("policyTypes").isArray() || spec.path("policyTypes").isEmpty()) {
                    ArrayNode types = spec.putArray("policyTypes");
                    types.add("Ingress");
                    if (spec.path("egress").isArray()) {
                        types.add("Egress");
                    }
                }
            })
            .build();

    static final Strategy POD_DISRUPTION_BUDGETS = KindStrategy.builder().tracksGeneration().build();

    static final Strategy STORAGE_CLASSES = KindStrategy.builder()
            .defaults(object -> {
                defaultText(object, "reclaimPolicy", "Delete");
                defaultText(object, "volumeBindingMode", "Immediate");
            })
            .build();

    static final Strategy CSI_DRIVERS = KindStrategy.builder()
            .defaults(object -> {
                ObjectNode spec = defaultObject(object, "spec");
                defaultBoolean(spec, "attachRequired", true);
                defaultBoolean(spec, "podInfoOnMount", false);
                defaultBoolean(spec, "requiresRepublish", false);
                defaultBoolean(spec, "storageCapacity", false);
                defaultText(spec, "fsGroupPolicy", "ReadWriteOnceWithFSType");
                if (Trees.absent(spec, "volumeLifecycleModes")) {
                    spec.putArray("volumeLifecycleModes").add("Persistent");
                }
            })
            .build();

    /** Webhook configurations: every webhook gets upstream's matching and timeout defaults. */
    static final Strategy WEBHOOK_CONFIGURATIONS = KindStrategy.builder()
            .tracksGeneration()
            .defaults(object -> Trees.forEachObject(object, "webhooks", webhook -> {
                defaultText(webhook, "failurePolicy", "Fail");
                defaultText(webhook, "matchPolicy", "Equivalent");
                defaultObject(webhook, "namespaceSelector");
                defaultObject(webhook, "objectSelector");
                defaultInt(webhook, "timeoutSeconds", 10);
                if ("MutatingWebhookConfiguration".equals(Trees.text(object, "kind"))) {
                    defaultText(webhook, "reinvocationPolicy", "Never");
                }
                Trees.forEachObject(webhook, "rules", rule -> defaultText(rule, "scope", "*"));
                Trees.object(webhook, "clientConfig").flatMap(config -> Trees.object(config, "service"))
                        .ifPresent(service -> defaultInt(service, "port", 443));
            }))
            .build();

    /**
     * CRDs: names and conversion defaulted; on create the storage version is recorded in
     * {@code status.storedVersions}, as upstream does before the CRD controllers run.
     */
    static final Strategy CUSTOM_RESOURCE_DEFINITIONS = KindStrategy.builder()
            .tracksGeneration()
            .keepsStatusOnCreate()
            .defaults(object -> {
                ObjectNode spec = defaultObject(object, "spec");
                ObjectNode names = defaultObject(spec, "names");
                String kind = Trees.text(names, "kind");
                if (!kind.isEmpty()) {
                    defaultText(names, "singular", kind.toLowerCase(Locale.ROOT));
                    defaultText(names, "listKind", kind + "List");
                }
                defaultText(defaultObject(spec, "conversion"), "strategy", "None");
            })
            .prepareForCreate(object -> {
                ObjectNode status = object.putObject("status");
                ArrayNode stored = status.putArray("storedVersions");
                Trees.forEachObject(object.path("spec"), "versions", version -> {
                    if (version.path("storage").asBoolean(false)) {
                        stored.add(Trees.text(version, "name"));
                    }
                });
            })
            .build();

    static final Strategy PRIORITY_CLASSES = KindStrategy.builder()
            .defaults(object -> defaultText(object, "preemptionPolicy", "PreemptLowerPriority"))
            .build();

    /** EndpointSlices: ports are TCP and unnamed unless said otherwise. */
    static final Strategy ENDPOINT_SLICES = KindStrategy.builder()
            .tracksGeneration()
            .defaults(object -> Trees.forEachObject(object, "ports", port -> {
                if (!port.has("name")) {
                    port.put("name", "");
                }
                defaultText(port, "protocol", "TCP");
            }))
            .build();

    private static void defaultAutoscalerV2(ObjectNode object) {
        ObjectNode spec = defaultObject(object, "spec");
        defaultInt(spec, "minReplicas", 1);
        if (!spec.path("metrics").isArray() || spec.path("metrics").isEmpty()) {
            ObjectNode resource = spec.putArray("metrics").addObject().put("type", "Resource").putObject("resource");
            resource.put("name", "cpu");
            resource.putObject("target").put("type", "Utilization").put("averageUtilization", 80);
        }
        ObjectNode behavior = defaultObject(spec, "behavior");
        ObjectNode scaleUp = defaultObject(behavior, "scaleUp");
        defaultInt(scaleUp, "stabilizationWindowSeconds", 0);
        defaultText(scaleUp, "selectPolicy", "Max");
        if (Trees.absent(scaleUp, "policies")) {
            ArrayNode policies = scaleUp.putArray("policies");
            policies.addObject().put("type", "Pods").put("value", 4).put("periodSeconds", 15);
            policies.addObject().put("type", "Percent").put("value", 100).put("periodSeconds", 15);
        }
        ObjectNode scaleDown = defaultObject(behavior, "scaleDown");
        defaultInt(scaleDown, "stabilizationWindowSeconds", 300);
        defaultText(scaleDown, "selectPolicy", "Max");
        if (Trees.absent(scaleDown, "policies")) {
            scaleDown.putArray("policies").addObject().put("type", "Percent").put("value", 100).put("periodSeconds", 15);
        }
    }
}
