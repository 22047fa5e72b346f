package dev.kapal.apiserver.kinds;

import static dev.kapal.apiserver.kinds.KindStrategy.SelectableField.text;
import static dev.kapal.apiserver.kinds.Trees.defaultBoolean;
import static dev.kapal.apiserver.kinds.Trees.defaultInt;
import static dev.kapal.apiserver.kinds.Trees.defaultObject;
import static dev.kapal.apiserver.kinds.Trees.defaultText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.validation.Names;
import dev.kapal.apiserver.registry.Strategy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Services. Defaults and validation are upstream's; allocating cluster IPs and node ports is
 * not done here (the API server's allocators own it), but an update that omits values the
 * allocators already assigned keeps them, as upstream's service registry does, so
 * {@code kubectl apply} and {@code replace} of a manifest without {@code clusterIP} work.
 */
final class Services {
    static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
    static final List<String> AFFINITIES = List.of("ClientIP", "None");

    private Services() {
    }

    static final Strategy STRATEGY = KindStrategy.builder()
            .returnsDeletedObject()
            .fields(text("spec.clusterIP"), text("spec.type"))
            .defaults(Services::applyDefaults)
            .prepareForUpdate(Services::keepAllocatedValues)
            .validate(Services::validate)
            .validateUpdate(Services::validateUpdate)
            .build();

    static void applyDefaults(ObjectNode service) {
        ObjectNode spec = defaultObject(service, "spec");
        defaultText(spec, "type", "ClusterIP");
        String type = Trees.text(spec, "type");
        defaultText(spec, "sessionAffinity", "None");
        if (Trees.text(spec, "sessionAffinity").equals("ClientIP")) {
            defaultInt(defaultObject(defaultObject(spec, "sessionAffinityConfig"), "clientIP"), "timeoutSeconds", 10800);
        }
        Trees.forEachObject(spec, "ports", port -> {
            defaultText(port, "protocol", "TCP");
            if (Trees.absent(port, "targetPort") && port.has("port")) {
                port.set("targetPort", port.get("port"));
            }
        });
        if (!type.equals("ExternalName")) {
            defaultText(spec, "internalTrafficPolicy", "Cluster");
            // A single-stack IPv4 cluster: headless services without a selector ask for dual
            // stack (upstream's rule), and get the one family there is.
            boolean headlessWithoutSelector = Trees.text(spec, "clusterIP").equals("None")
                    && Trees.stringMap(spec, "selector").isEmpty();
            defaultText(spec, "ipFamilyPolicy", headlessWithoutSelector ? "RequireDualStack" : "SingleStack");
            if (Trees.absent(spec, "ipFamilies") || spec.path("ipFamilies").isEmpty()) {
                spec.putArray("ipFamilies").add("IPv4");
            }
        }
        if (type.equals("NodePort") || type.equals("LoadBalancer")) {
            defaultText(spec, "externalTrafficPolicy", "Cluster");
        }
        if (type.equals("LoadBalancer")) {
            defaultBoolean(spec, "allocateLoadBalancerNodePorts", true);
        }
        defaultObject(defaultObject(service, "status"), "loadBalancer");
    }

    private static boolean needsClusterIp(JsonNode spec) {
        return !Trees.text(spec, "type").equals("ExternalName");
    }

    private static boolean needsNodePorts(JsonNode spec) {
        String type = Trees.text(spec, "type");
        return type.equals("NodePort") || type.equals("LoadBalancer");
    }

    /** Upstream's {@code patchAllocatedValues}: omitted allocations are carried over. */
    static void keepAllocatedValues(ObjectNode service, ObjectNode old) {
        ObjectNode spec = defaultObject(service, "spec");
        JsonNode oldSpec = old.path("spec");
        String newType = Trees.text(spec, "type").isEmpty() ? "ClusterIP" : Trees.text(spec, "type");
        ObjectNode typed = spec.deepCopy().put("type", newType);
        if (needsClusterIp(oldSpec) && needsClusterIp(typed) && Trees.absent(spec, "clusterIP")) {
            for (String field : List.of("clusterIP", "clusterIPs")) {
                if (oldSpec.has(field)) {
                    spec.set(field, oldSpec.get(field).deepCopy());
                }
            }
        }
        if (needsNodePorts(oldSpec) && needsNodePorts(typed)) {
            for (ObjectNode port : Trees.objects(spec, "ports")) {
                if (!Trees.absent(port, "nodePort")) {
                    continue;
                }
                for (ObjectNode oldPort : Trees.objects(oldSpec, "ports")) {
                    if (oldPort.path("port").equals(port.path("port"))
                            && protocol(oldPort).equals(protocol(port)) && oldPort.has("nodePort")) {
                        port.set("nodePort", oldPort.get("nodePort"));
                    }
                }
            }
        }
    }

    private static String protocol(JsonNode port) {
        String protocol = Trees.text(port, "protocol");
        return protocol.isEmpty() ? "TCP" : protocol;
    }

    static void validate(ObjectNode service, Errors errors) {
        JsonNode spec = service.path("spec");
        String type = Trees.text(spec, "type");
        if (type.isEmpty()) {
            errors.required("spec.type");
        } else {
            errors.oneOf("spec.type", type, TYPES);
        }
        boolean headless = Trees.text(spec, "clusterIP").equals("None");
        List<ObjectNode> ports = Trees.objects(spec, "ports");
        if (ports.isEmpty() && !headless && !type.equals("ExternalName")) {
            errors.required("spec.ports");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            validatePort(ports.get(i), "spec.ports[" + i + "]", ports.size() > 1, names, type, errors);
        }
        String affinity = Trees.text(spec, "sessionAffinity");
        if (affinity.isEmpty()) {
            errors.required("spec.sessionAffinity");
        } else {
            errors.oneOf("spec.sessionAffinity", affinity, AFFINITIES);
        }
        Selectors.validateLabels(Trees.stringMap(spec, "selector"), "spec.selector", errors);
        if (type.equals("ExternalName")) {
            String externalName = Trees.text(spec, "externalName");
            if (externalName.isEmpty()) {
                errors.required("spec.externalName");
            } else {
                errors.invalidEach("spec.externalName", externalName,
                        Names.dns1123Subdomain(externalName.endsWith(".")
                                ? externalName.substring(0, externalName.length() - 1) : externalName));
            }
        }
    }

    private static void validatePort(ObjectNode port, String path, boolean multiple, Set<String> names, String type,
                                     Errors errors) {
        String name = Trees.text(port, "name");
        if (name.isEmpty()) {
            if (multiple) {
                errors.required(path + ".name");
            }
        } else {
            errors.invalidEach(path + ".name", name, Names.dns1123Label(name));
            if (!names.add(name)) {
                errors.duplicate(path + ".name", name);
            }
        }
        long number = port.path("port").asLong(0);
        if (!PodSpecs.validPort(number)) {
            errors.invalid(path + ".port", number, PodSpecs.PORT_RANGE);
        }
        String protocol = Trees.text(port, "protocol");
        if (protocol.isEmpty()) {
            errors.required(path + ".protocol");
        } else {
            errors.oneOf(path + ".protocol", protocol, PodSpecs.PROTOCOLS);
        }
        JsonNode target = port.get("targetPort");
        if (target != null && target.isNumber() && !PodSpecs.validPort(target.asLong())) {
            errors.invalid(path + ".targetPort", target.asLong(), PodSpecs.PORT_RANGE);
        } else if (target != null && target.isTextual()) {
            errors.invalidEach(path + ".targetPort", target.asText(), PodSpecs.portNameErrors(target.asText()));
        }
        if (type.equals("ClusterIP") && port.path("nodePort").asLong(0) != 0) {
            errors.forbidden(path + ".nodePort", "may not be used when `type` is 'ClusterIP'");
        }
    }

    /** A cluster IP may not change once set, unless the service turns into or out of ExternalName. */
    static void validateUpdate(ObjectNode service, ObjectNode old, Errors errors) {
        JsonNode spec = service.path("spec");
        JsonNode oldSpec = old.path("spec");
        String oldIp = Trees.text(oldSpec, "clusterIP");
        if (needsClusterIp(oldSpec) && needsClusterIp(spec) && !oldIp.isEmpty()
                && !oldIp.equals(Trees.text(spec, "clusterIP"))) {
            List<String> ips = new ArrayList<>();
            spec.path("clusterIPs").forEach(ip -> ips.add(ip.asText()));
            if (ips.isEmpty() && !Trees.text(spec, "clusterIP").isEmpty()) {
                ips.add(Trees.text(spec, "clusterIP"));
            }
            errors.invalid("spec.clusterIPs[0]", GoValues.stringSlice(ips), "may not change once set");
        }
    }
}
