package dev.kapal.apiserver.printers;

import static dev.kapal.apiserver.printers.Cells.age;
import static dev.kapal.apiserver.printers.Cells.at;
import static dev.kapal.apiserver.printers.Cells.integer;
import static dev.kapal.apiserver.printers.Cells.items;
import static dev.kapal.apiserver.printers.Cells.name;
import static dev.kapal.apiserver.printers.Cells.number;
import static dev.kapal.apiserver.printers.Cells.present;
import static dev.kapal.apiserver.printers.Cells.size;
import static dev.kapal.apiserver.printers.Cells.string;
import static dev.kapal.apiserver.printers.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapal.api.quantity.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Printers of the core group ({@code v1}). */
final class CorePrinters {
    private CorePrinters() {
    }

    static void register(Printers.Builder printers) {
        printers.add("", "Pod", new PodPrinter());
        printers.add("", "PodTemplate", podTemplates());
        printers.add("", "ReplicationController", replicationControllers());
        printers.add("", "Service", services());
        printers.add("", "Endpoints", endpoints());
        printers.add("", "Node", nodes());
        printers.add("", "Event", EventPrinter.INSTANCE);
        printers.add("", "Namespace", namespaces());
        printers.add("", "Secret", secrets());
        printers.add("", "ConfigMap", configMaps());
        printers.add("", "ServiceAccount", serviceAccounts());
        printers.add("", "PersistentVolume", persistentVolumes());
        printers.add("", "PersistentVolumeClaim", persistentVolumeClaims());
        printers.add("", "ResourceQuota", resourceQuotas());
        printers.add("", "ComponentStatus", componentStatuses());
    }

    private static TablePrinter podTemplates() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Containers", Descriptions.CONTAINERS),
                Column.text("Images", Descriptions.IMAGES),
                Column.text("Pod Labels", "The labels for the pod template.")), (template, now) -> {
            List<JsonNode> containers = Cells.containers(at(template, "template", "spec", "containers"));
            return List.of(text(name(template)), containers.get(0), containers.get(1),
                    text(Cells.labels(at(template, "template", "metadata", "labels"))));
        });
    }

    private static TablePrinter replicationControllers() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.integer("Desired", "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller"),
                Column.integer("Current", "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller"),
                Column.integer("Ready", "The number of ready replicas for this replication controller."),
                Column.age(),
                Column.text("Containers", Descriptions.CONTAINERS).wide(),
                Column.text("Images", Descriptions.IMAGES).wide(),
                Column.text("Selector", "Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors").wide()),
                (controller, now) -> {
                    List<JsonNode> containers = Cells.containers(at(controller, "spec", "template", "spec", "containers"));
                    return List.of(text(name(controller)), integer(number(controller, "spec", "replicas")),
                            integer(number(controller, "status", "replicas")),
                            integer(number(controller, "status", "readyReplicas")), age(controller, now),
                            containers.get(0), containers.get(1), text(Cells.labels(at(controller, "spec", "selector"))));
                });
    }

    private static TablePrinter services() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Type", "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. \"ClusterIP\" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is \"None\", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. \"NodePort\" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. \"LoadBalancer\" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. \"ExternalName\" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types"),
                Column.text("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are \"None\", empty string (\"\"), or a valid IP address. Setting this to \"None\" makes a \"headless service\" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
                Column.text("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system."),
                Column.text("Port(s)", "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
                Column.age(),
                Column.text("Selector", "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/").wide()),
                (service, now) -> {
                    JsonNode spec = service.path("spec");
                    String clusterIp = items(spec, "clusterIPs").stream().findFirst().map(JsonNode::asText)
                            .orElse(string(spec, "clusterIP"));
                    List<String> ports = new ArrayList<>();
                    for (JsonNode port : items(spec, "ports")) {
                        String protocol = string(port, "protocol");
                        long nodePort = number(port, "nodePort");
                        ports.add(nodePort > 0
                                ? number(port, "port") + ":" + nodePort + "/" + protocol
                                : number(port, "port") + "/" + protocol);
                    }
                    return List.of(text(name(service)), text(string(spec, "type")),
                            text(clusterIp.isEmpty() ? "<none>" : clusterIp), text(externalIp(service)),
                            text(ports.isEmpty() ? "<none>" : String.join(",", ports)), age(service, now),
                            text(Cells.labels(spec.path("selector"))));
                });
    }

    /** {@code getServiceExternalIP}, as printed on the server: always the wide (unclipped) form. */
    private static String externalIp(JsonNode service) {
        JsonNode spec = service.path("spec");
        List<String> externalIps = items(spec, "externalIPs").stream().map(JsonNode::asText).toList();
        return switch (string(spec, "type")) {
            case "ClusterIP", "NodePort" -> externalIps.isEmpty() ? "<none>" : String.join(",", externalIps);
            case "LoadBalancer" -> {
                String balancers = loadBalancerAddresses(at(service, "status", "loadBalancer"));
                if (!externalIps.isEmpty()) {
                    List<String> all = new ArrayList<>();
                    if (!balancers.isEmpty()) {
                        all.addAll(List.of(balancers.split(",")));
                    }
                    all.addAll(externalIps);
                    yield String.join(",", all);
                }
                yield balancers.isEmpty() ? "<pending>" : balancers;
            }
            case "ExternalName" -> string(spec, "externalName");
            default -> "<unknown>";
        };
    }

    /** Ingress IPs, or hostnames where no IP is set, sorted and deduplicated. */
    static String loadBalancerAddresses(JsonNode loadBalancerStatus) {
        TreeSet<String> addresses = new TreeSet<>();
        for (JsonNode ingress : items(loadBalancerStatus, "ingress")) {
            if (!string(ingress, "ip").isEmpty()) {
                addresses.add(string(ingress, "ip"));
            } else if (!string(ingress, "hostname").isEmpty()) {
                addresses.add(string(ingress, "hostname"));
            }
        }
        return String.join(",", addresses);
    }

    private static TablePrinter endpoints() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Endpoints", "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service."),
                Column.age()),
                (endpoints, now) -> List.of(text(name(endpoints)), text(formatEndpoints(endpoints)), age(endpoints, now)));
    }

    /** {@code formatEndpoints} with all ports: up to three addresses and a count of the rest. */
    static String formatEndpoints(JsonNode endpoints) {
        List<JsonNode> subsets = items(endpoints, "subsets");
        if (subsets.isEmpty()) {
            return "<none>";
        }
        final int max = 3;
        List<String> list = new ArrayList<>();
        boolean more = false;
        int count = 0;
        for (JsonNode subset : subsets) {
            List<JsonNode> addresses = items(subset, "addresses");
            List<JsonNode> ports = items(subset, "ports");
            if (ports.isEmpty()) {
                // Headless services may have no ports.
                count += addresses.size();
                for (JsonNode address : addresses) {
                    if (list.size() == max) {
                        more = true;
                        break;
                    }
                    list.add(string(address, "ip"));
                }
                continue;
            }
            for (JsonNode port : ports) {
                count += addresses.size();
                for (JsonNode address : addresses) {
                    if (list.size() == max) {
                        more = true;
                        break;
                    }
                    list.add(hostPort(string(address, "ip"), number(port, "port")));
                }
            }
        }
        String joined = String.join(",", list);
        return more ? joined + " + " + (count - max) + " more..." : joined;
    }

    /** Go's {@code net.JoinHostPort}: IPv6 addresses in brackets. */
    static String hostPort(String host, long port) {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }

    private static TablePrinter nodes() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Status", "The status of the node"),
                Column.text("Roles", "The roles of the node"),
                Column.age(),
                Column.text("Version", "Kubelet Version reported by the node."),
                Column.text("Internal-IP", NODE_ADDRESSES).wide(),
                Column.text("External-IP", NODE_ADDRESSES).wide(),
                Column.text("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).").wide(),
                Column.text("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).").wide(),
                Column.text("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).").wide()),
                (node, now) -> {
                    List<String> status = new ArrayList<>();
                    for (JsonNode condition : items(node, "status", "conditions")) {
                        // Later conditions of the same type win, as upstream's map does.
                        if (string(condition, "type").equals("Ready")) {
                            status.clear();
                            status.add(string(condition, "status").equals("True") ? "Ready" : "NotReady");
                        }
                    }
                    if (status.isEmpty()) {
                        status.add("Unknown");
                    }
                    if (Cells.flag(node, "spec", "unschedulable")) {
                        status.add("SchedulingDisabled");
                    }
                    TreeSet<String> roles = new TreeSet<>();
                    JsonNode labels = at(node, "metadata", "labels");
                    if (labels.isObject()) {
                        labels.properties().forEach(label -> {
                            String key = label.getKey();
                            if (key.startsWith("node-role.kubernetes.io/")) {
                                String role = key.substring("node-role.kubernetes.io/".length());
                                if (!role.isEmpty()) {
                                    roles.add(role);
                                }
                            } else if (key.equals("kubernetes.io/role") && !label.getValue().asText().isEmpty()) {
                                roles.add(label.getValue().asText());
                            }
                        });
                    }
                    JsonNode info = at(node, "status", "nodeInfo");
                    return List.of(text(name(node)), text(String.join(",", status)),
                            text(roles.isEmpty() ? "<none>" : String.join(",", roles)), age(node, now),
                            text(string(info, "kubeletVersion")),
                            text(nodeAddress(node, "InternalIP")), text(nodeAddress(node, "ExternalIP")),
                            text(orUnknown(string(info, "osImage"))), text(orUnknown(string(info, "kernelVersion"))),
                            text(orUnknown(string(info, "containerRuntimeVersion"))));
                });
    }

    private static final String NODE_ADDRESSES = "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).";

    private static String nodeAddress(JsonNode node, String type) {
        for (JsonNode address : items(node, "status", "addresses")) {
            if (string(address, "type").equals(type)) {
                return string(address, "address");
            }
        }
        return "<none>";
    }

    private static String orUnknown(String value) {
        return value.isEmpty() ? "<unknown>" : value;
    }

    private static TablePrinter namespaces() {
        return KindPrinter.cells(List.of(Column.objectName(), Column.text("Status", "The status of the namespace"), Column.age()),
                (namespace, now) -> List.of(text(name(namespace)), text(string(namespace, "status", "phase")), age(namespace, now)));
    }

    private static TablePrinter secrets() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Type", "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"),
                Column.text("Data", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4"),
                Column.age()),
                (secret, now) -> List.of(text(name(secret)), text(string(secret, "type")), integer(size(secret, "data")), age(secret, now)));
    }

    private static TablePrinter configMaps() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Data", "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process."),
                Column.age()),
                (configMap, now) -> List.of(text(name(configMap)),
                        integer(size(configMap, "data") + size(configMap, "binaryData")), age(configMap, now)));
    }

    private static TablePrinter serviceAccounts() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Secrets", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a \"kubernetes.io/enforce-mountable-secrets\" annotation set to \"true\". The \"kubernetes.io/enforce-mountable-secrets\" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret"),
                Column.age()),
                (account, now) -> List.of(text(name(account)), integer(size(account, "secrets")), age(account, now)));
    }

    private static TablePrinter persistentVolumes() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Capacity", "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity"),
                Column.text("Access Modes", "accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes"),
                Column.text("Reclaim Policy", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming"),
                Column.text("Status", "phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase"),
                Column.text("Claim", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding"),
                Column.text("StorageClass", "StorageClass of the pv"),
                Column.text("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
                Column.text("Reason", "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
                Column.age(),
                Column.text("VolumeMode", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.").wide()),
                (volume, now) -> {
                    JsonNode spec = volume.path("spec");
                    String claim = present(spec, "claimRef")
                            ? string(spec, "claimRef", "namespace") + "/" + string(spec, "claimRef", "name") : "";
                    String phase = Cells.deleting(volume) ? "Terminating" : string(volume, "status", "phase");
                    return List.of(text(name(volume)), text(quantity(at(spec, "capacity", "storage"))),
                            text(accessModes(spec.path("accessModes"))), text(string(spec, "persistentVolumeReclaimPolicy")),
                            text(phase), text(claim), text(storageClass(volume)),
                            text(orUnset(string(spec, "volumeAttributesClassName"), present(spec, "volumeAttributesClassName"))),
                            text(string(volume, "status", "reason")), age(volume, now),
                            text(orUnset(string(spec, "volumeMode"), present(spec, "volumeMode"))));
                });
    }

    private static TablePrinter persistentVolumeClaims() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Status", "phase represents the current phase of PersistentVolumeClaim."),
                Column.text("Volume", "volumeName is the binding reference to the PersistentVolume backing this claim."),
                Column.text("Capacity", "capacity represents the actual resources of the underlying volume."),
                Column.text("Access Modes", "accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1"),
                Column.text("StorageClass", "StorageClass of the pvc"),
                Column.text("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
                Column.age(),
                Column.text("VolumeMode", "volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.").wide()),
                (claim, now) -> {
                    JsonNode spec = claim.path("spec");
                    String phase = Cells.deleting(claim) ? "Terminating" : string(claim, "status", "phase");
                    String volumeName = string(spec, "volumeName");
                    String capacity = "";
                    String accessModes = "";
                    if (!volumeName.isEmpty()) {
                        accessModes = accessModes(at(claim, "status", "accessModes"));
                        capacity = quantity(at(claim, "status", "capacity", "storage"));
                    }
                    String storageClass = Cells.string(claim, "metadata", "annotations", BETA_STORAGE_CLASS);
                    if (!present(claim, "metadata", "annotations", BETA_STORAGE_CLASS)) {
                        storageClass = string(spec, "storageClassName");
                    }
                    return List.of(text(name(claim)), text(phase), text(volumeName), text(capacity), text(accessModes),
                            text(storageClass),
                            text(orUnset(string(spec, "volumeAttributesClassName"), present(spec, "volumeAttributesClassName"))),
                            age(claim, now), text(orUnset(string(spec, "volumeMode"), present(spec, "volumeMode"))));
                });
    }

    private static final String BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class";

    private static String storageClass(JsonNode volume) {
        if (present(volume, "metadata", "annotations", BETA_STORAGE_CLASS)) {
            return string(volume, "metadata", "annotations", BETA_STORAGE_CLASS);
        }
        return string(volume, "spec", "storageClassName");
    }

    /** {@code GetAccessModesAsString}: RWO, ROX, RWX, RWOP in that order, each once. */
    static String accessModes(JsonNode modes) {
        List<String> present = new ArrayList<>();
        modes.forEach(mode -> present.add(mode.asText()));
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> entry : List.of(Map.entry("ReadWriteOnce", "RWO"), Map.entry("ReadOnlyMany", "ROX"),
                Map.entry("ReadWriteMany", "RWX"), Map.entry("ReadWriteOncePod", "RWOP"))) {
            if (present.contains(entry.getKey())) {
                out.add(entry.getValue());
            }
        }
        return String.join(",", out);
    }

    /** A quantity in canonical form; Go's zero quantity ({@code 0}) when absent. */
    static String quantity(JsonNode value) {
        if (!value.isValueNode() || value.isNull()) {
            return "0";
        }
        try {
            return Quantity.parse(value.asText()).toString();
        } catch (RuntimeException unparsable) {
            return value.asText();
        }
    }

    private static String orUnset(String value, boolean present) {
        return present ? value : "<unset>";
    }

    private static TablePrinter resourceQuotas() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
                Column.text("Limit", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
                Column.age()),
                (quota, now) -> {
                    Map<String, JsonNode> hard = new TreeMap<>();
                    JsonNode hardNode = at(quota, "status", "hard");
                    if (hardNode.isObject()) {
                        hardNode.properties().forEach(entry -> hard.put(entry.getKey(), entry.getValue()));
                    }
                    StringBuilder requests = new StringBuilder();
                    StringBuilder limits = new StringBuilder();
                    hard.forEach((resource, hardValue) -> {
                        String[] pieces = resource.split("\\.");
                        StringBuilder out = pieces.length > 1 && pieces[0].equals("limits") ? limits : requests;
                        out.append(resource).append(": ").append(quantity(at(quota, "status", "used", resource)))
                                .append('/').append(quantity(hardValue)).append(", ");
                    });
                    return List.of(text(name(quota)), text(trimSeparator(requests)), text(trimSeparator(limits)), age(quota, now));
                });
    }

    private static String trimSeparator(StringBuilder text) {
        String value = text.toString();
        return value.endsWith(", ") ? value.substring(0, value.length() - 2) : value;
    }

    private static TablePrinter componentStatuses() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Status", "Status of the component conditions"),
                Column.text("Message", "Message of the component conditions"),
                Column.text("Error", "Error of the component conditions")),
                (component, now) -> {
                    String status = "Unknown";
                    String message = "";
                    String error = "";
                    for (JsonNode condition : items(component, "conditions")) {
                        if (string(condition, "type").equals("Healthy")) {
                            status = string(condition, "status").equals("True") ? "Healthy" : "Unhealthy";
                            message = string(condition, "message");
                            error = string(condition, "error");
                            break;
                        }
                    }
                    return List.of(text(name(component)), text(status), text(message), text(error));
                });
    }
}
