package dev.kapal.apiserver.printers;

import static dev.kapal.apiserver.printers.Cells.age;
import static dev.kapal.apiserver.printers.Cells.at;
import static dev.kapal.apiserver.printers.Cells.bool;
import static dev.kapal.apiserver.printers.Cells.flag;
import static dev.kapal.apiserver.printers.Cells.integer;
import static dev.kapal.apiserver.printers.Cells.items;
import static dev.kapal.apiserver.printers.Cells.name;
import static dev.kapal.apiserver.printers.Cells.number;
import static dev.kapal.apiserver.printers.Cells.present;
import static dev.kapal.apiserver.printers.Cells.size;
import static dev.kapal.apiserver.printers.Cells.string;
import static dev.kapal.apiserver.printers.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Printers of networking, discovery, RBAC, storage, coordination, scheduling, node,
 * certificates, admission registration and flow control kinds.
 */
final class ClusterPrinters {
    private ClusterPrinters() {
    }

    static void register(Printers.Builder printers) {
        printers.add("networking.k8s.io", "Ingress", ingresses());
        printers.add("networking.k8s.io", "IngressClass", ingressClasses());
        printers.add("networking.k8s.io", "NetworkPolicy", networkPolicies());
        printers.add("networking.k8s.io", "ServiceCIDR", serviceCidrs());
        printers.add("networking.k8s.io", "IPAddress", ipAddresses());
        printers.add("discovery.k8s.io", "EndpointSlice", endpointSlices());
        printers.add("rbac.authorization.k8s.io", "RoleBinding", bindings("roleBinding"));
        printers.add("rbac.authorization.k8s.io", "ClusterRoleBinding", bindings("clusterRoleBinding"));
        printers.add("storage.k8s.io", "StorageClass", storageClasses());
        printers.add("storage.k8s.io", "CSIDriver", csiDrivers());
        printers.add("storage.k8s.io", "CSINode", csiNodes());
        printers.add("storage.k8s.io", "VolumeAttachment", volumeAttachments());
        printers.add("storage.k8s.io", "CSIStorageCapacity", csiStorageCapacities());
        printers.add("storage.k8s.io", "VolumeAttributesClass", volumeAttributesClasses());
        printers.add("coordination.k8s.io", "Lease", leases());
        printers.add("scheduling.k8s.io", "PriorityClass", priorityClasses());
        printers.add("node.k8s.io", "RuntimeClass", runtimeClasses());
        printers.add("certificates.k8s.io", "CertificateSigningRequest", certificateSigningRequests());
        printers.add("admissionregistration.k8s.io", "MutatingWebhookConfiguration", webhookConfigurations());
        printers.add("admissionregistration.k8s.io", "ValidatingWebhookConfiguration", webhookConfigurations());
        printers.add("admissionregistration.k8s.io", "ValidatingAdmissionPolicy", admissionPolicies("Validations", "validations",
                "Validations indicates the number of validation rules defined in this configuration"));
        printers.add("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding", admissionPolicyBindings());
        printers.add("flowcontrol.apiserver.k8s.io", "FlowSchema", flowSchemas());
        printers.add("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration", priorityLevels());
    }

    private static TablePrinter ingresses() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Class", "The name of the IngressClass resource that should be used for additional configuration"),
                Column.text("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
                Column.text("Address", "Address is a list containing ingress points for the load-balancer"),
                Column.text("Ports", "Ports of TLS configurations that open"),
                Column.age()),
                (ingress, now) -> {
                    JsonNode spec = ingress.path("spec");
                    String className = present(spec, "ingressClassName") ? string(spec, "ingressClassName") : "<none>";
                    List<JsonNode> rules = items(spec, "rules");
                    final int max = 3;
                    List<String> hosts = new ArrayList<>();
                    boolean more = false;
                    for (JsonNode rule : rules) {
                        if (hosts.size() == max) {
                            more = true;
                        }
                        if (!more && !string(rule, "host").isEmpty()) {
                            hosts.add(string(rule, "host"));
                        }
                    }
                    String hostText = hosts.isEmpty() ? "*" : String.join(",", hosts);
                    if (!hosts.isEmpty() && more) {
                        hostText = hostText + " + " + (rules.size() - max) + " more...";
                    }
                    String ports = items(spec, "tls").isEmpty() ? "80" : "80, 443";
                    return List.of(text(name(ingress)), text(className), text(hostText),
                            text(CorePrinters.loadBalancerAddresses(at(ingress, "status", "loadBalancer"))), text(ports), age(ingress, now));
                });
    }

    private static TablePrinter ingressClasses() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Controller", "Controller that is responsible for handling this class"),
                Column.text("Parameters", "A reference to a resource with additional parameters"),
                Column.age()),
                (ingressClass, now) -> {
                    JsonNode parameters = at(ingressClass, "spec", "parameters");
                    String text = "<none>";
                    if (parameters.isObject()) {
                        text = string(parameters, "kind");
                        if (present(parameters, "apiGroup")) {
                            text = text + "." + string(parameters, "apiGroup");
                        }
                        text = text + "/" + string(parameters, "name");
                    }
                    return List.of(text(name(ingressClass)), text(string(ingressClass, "spec", "controller")), text(text), age(ingressClass, now));
                });
    }

    private static TablePrinter networkPolicies() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Pod-Selector", "Selects the pods to which this NetworkPolicy object applies. The array of ingress rules is applied to any pods selected by this field. Multiple network policies can select the same set of pods. In this case, the ingress rules for each are combined additively. This field is NOT optional and follows standard label selector semantics. An empty podSelector matches all pods in this namespace."),
                Column.age()),
                (policy, now) -> List.of(text(name(policy)), text(Cells.selector(at(policy, "spec", "podSelector"))), age(policy, now)));
    }

    private static TablePrinter serviceCidrs() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("CIDRs", "CIDRs defines the IP blocks in CIDR notation (e.g. \"192.168.0.0/24\" or \"2001:db8::/64\") from which to assign service cluster IPs. Max of two CIDRs is allowed, one of each IP family. This field is immutable."),
                Column.age()),
                (cidr, now) -> List.of(text(name(cidr)),
                        text(String.join(",", items(cidr, "spec", "cidrs").stream().map(JsonNode::asText).toList())), age(cidr, now)));
    }

    private static TablePrinter ipAddresses() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("ParentRef", "ParentRef references the resource that an IPAddress is attached to. An IPAddress must reference a parent object."),
                Column.age()),
                (address, now) -> {
                    JsonNode parent = at(address, "spec", "parentRef");
                    String text = "<none>";
                    if (parent.isObject()) {
                        String group = string(parent, "group");
                        String resource = string(parent, "resource");
                        text = (group.isEmpty() ? resource : resource + "." + group).toLowerCase(Locale.ROOT);
                        if (!string(parent, "namespace").isEmpty()) {
                            text = text + "/" + string(parent, "namespace");
                        }
                        text = text + "/" + string(parent, "name");
                    }
                    return List.of(text(name(address)), text(text), age(address, now));
                });
    }

    private static TablePrinter endpointSlices() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("AddressType", "addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name."),
                Column.text("Ports", "ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates \"all ports\". Each slice may include a maximum of 100 ports."),
                Column.text("Endpoints", "endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints."),
                Column.age()),
                (slice, now) -> {
                    final int max = 3;
                    List<String> ports = new ArrayList<>();
                    boolean morePorts = false;
                    int portCount = 0;
                    for (JsonNode port : items(slice, "ports")) {
                        if (ports.size() < max) {
                            ports.add(present(port, "port") ? Long.toString(number(port, "port"))
                                    : present(port, "name") ? string(port, "name") : "*");
                        } else if (ports.size() == max) {
                            morePorts = true;
                        }
                        portCount++;
                    }
                    List<String> addresses = new ArrayList<>();
                    boolean moreAddresses = false;
                    int addressCount = 0;
                    for (JsonNode endpoint : items(slice, "endpoints")) {
                        for (JsonNode address : items(endpoint, "addresses")) {
                            if (addresses.size() < max) {
                                addresses.add(address.asText());
                            } else if (addresses.size() == max) {
                                moreAddresses = true;
                            }
                            addressCount++;
                        }
                    }
                    return List.of(text(name(slice)), text(string(slice, "addressType")),
                            text(Cells.listWithMore(ports, morePorts, portCount, max)),
                            text(Cells.listWithMore(addresses, moreAddresses, addressCount, max)), age(slice, now));
                });
    }

    private static TablePrinter bindings(String what) {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Role", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable."),
                Column.age(),
                Column.text("Users", "Users in the " + what).wide(),
                Column.text("Groups", "Groups in the " + what).wide(),
                Column.text("ServiceAccounts", "ServiceAccounts in the " + what).wide()),
                (binding, now) -> {
                    List<String> users = new ArrayList<>();
                    List<String> groups = new ArrayList<>();
                    List<String> accounts = new ArrayList<>();
                    for (JsonNode subject : items(binding, "subjects")) {
                        switch (string(subject, "kind")) {
                            case "User" -> users.add(string(subject, "name"));
                            case "Group" -> groups.add(string(subject, "name"));
                            case "ServiceAccount" -> accounts.add(string(subject, "namespace") + "/" + string(subject, "name"));
                            default -> {
                                // Upstream reports unknown kinds as an error it then ignores.
                            }
                        }
                    }
                    String roleRef = string(binding, "roleRef", "kind") + "/" + string(binding, "roleRef", "name");
                    return List.of(text(name(binding)), text(roleRef), age(binding, now), text(String.join(", ", users)),
                            text(String.join(", ", groups)), text(String.join(", ", accounts)));
                });
    }

    private static TablePrinter storageClasses() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Provisioner", "provisioner indicates the type of the provisioner."),
                Column.text("ReclaimPolicy", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete."),
                Column.text("VolumeBindingMode", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature."),
                Column.text("AllowVolumeExpansion", "allowVolumeExpansion shows whether the storage class allow volume expand."),
                Column.age()),
                (storageClass, now) -> {
                    String name = name(storageClass);
                    if (isDefault(storageClass, "storageclass.kubernetes.io/is-default-class")) {
                        name = name + " (default)";
                    }
                    String reclaim = present(storageClass, "reclaimPolicy") ? string(storageClass, "reclaimPolicy") : "Delete";
                    String binding = present(storageClass, "volumeBindingMode") ? string(storageClass, "volumeBindingMode") : "Immediate";
                    return List.of(text(name), text(string(storageClass, "provisioner")), text(reclaim), text(binding),
                            bool(flag(storageClass, "allowVolumeExpansion")), age(storageClass, now));
                });
    }

    /** The default-class annotations (and their beta forms) count only when exactly "true". */
    private static boolean isDefault(JsonNode object, String annotation) {
        JsonNode annotations = at(object, "metadata", "annotations");
        String beta = annotation.replace("storageclass.kubernetes.io", "storageclass.beta.kubernetes.io");
        return string(annotations, annotation).equals("true") || string(annotations, beta).equals("true");
    }

    private static TablePrinter volumeAttributesClasses() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("DriverName", "Name of the CSI driver This field is immutable."),
                Column.age()),
                (attributesClass, now) -> {
                    String name = name(attributesClass);
                    if (string(attributesClass, "metadata", "annotations", "storage.kubernetes.io/is-default-class").equals("true")) {
                        name = name + " (default)";
                    }
                    return List.of(text(name), text(string(attributesClass, "driverName")), age(attributesClass, now));
                });
    }

    private static TablePrinter csiDrivers() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.bool("AttachRequired", "attachRequired indicates this CSI volume driver requires an attach operation (because it implements the CSI ControllerPublishVolume() method), and that the Kubernetes attach detach controller should call the attach volume interface which checks the volumeattachment status and waits until the volume is attached before proceeding to mounting. The CSI external-attacher coordinates with CSI volume driver and updates the volumeattachment status when the attach operation is complete. If the value is specified to false, the attach operation will be skipped. Otherwise the attach operation will be called.\n\nThis field is immutable."),
                Column.bool("PodInfoOnMount", "podInfoOnMount indicates this CSI volume driver requires additional pod information (like podName, podUID, etc.) during mount operations, if set to true. If set to false, pod information will not be passed on mount. Default is false."),
                Column.bool("StorageCapacity", "storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity that the driver deployment will report by creating CSIStorageCapacity objects with capacity information, if set to true."),
                Column.text("TokenRequests", "tokenRequests indicates the CSI driver needs pods' service account tokens it is mounting volume for to do necessary authentication."),
                Column.bool("RequiresRepublish", "requiresRepublish indicates the CSI driver wants `NodePublishVolume` being periodically called to reflect any possible change in the mounted volume."),
                Column.text("Modes", "volumeLifecycleModes defines what kind of volumes this CSI volume driver supports."),
                Column.age()),
                (driver, now) -> {
                    JsonNode spec = driver.path("spec");
                    boolean attachRequired = !present(spec, "attachRequired") || flag(spec, "attachRequired");
                    String tokenRequests = "<unset>";
                    if (present(spec, "tokenRequests")) {
                        tokenRequests = String.join(",", items(spec, "tokenRequests").stream().map(t -> string(t, "audience")).toList());
                    }
                    String modes = String.join(",", items(spec, "volumeLifecycleModes").stream().map(JsonNode::asText).toList());
                    return List.of(text(name(driver)), bool(attachRequired), bool(flag(spec, "podInfoOnMount")),
                            bool(flag(spec, "storageCapacity")), text(tokenRequests), bool(flag(spec, "requiresRepublish")),
                            text(modes.isEmpty() ? "<none>" : modes), age(driver, now));
                });
    }

    private static TablePrinter csiNodes() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.integer("Drivers", "Drivers indicates the number of CSI drivers registered on the node"),
                Column.age()),
                (node, now) -> List.of(text(name(node)), integer(size(node, "spec", "drivers")), age(node, now)));
    }

    private static TablePrinter volumeAttachments() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                new Column("Attacher", "string", "name", "attacher indicates the name of the volume driver that MUST handle this request. This is the name returned by GetPluginName().", 0),
                Column.text("PV", "persistentVolumeName represents the name of the persistent volume to attach."),
                Column.text("Node", "nodeName represents the node that the volume should be attached to."),
                Column.bool("Attached", "attached indicates the volume is successfully attached. This field must only be set by the entity completing the attach operation, i.e. the external-attacher."),
                Column.age()),
                (attachment, now) -> List.of(text(name(attachment)), text(string(attachment, "spec", "attacher")),
                        text(string(attachment, "spec", "source", "persistentVolumeName")),
                        text(string(attachment, "spec", "nodeName")), bool(flag(attachment, "status", "attached")), age(attachment, now)));
    }

    private static TablePrinter csiStorageCapacities() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("StorageClassName", "storageClassName represents the name of the StorageClass that the reported capacity applies to. It must meet the same requirements as the name of a StorageClass object (non-empty, DNS subdomain). If that object no longer exists, the CSIStorageCapacity object is obsolete and should be removed by its creator. This field is immutable."),
                Column.text("Capacity", "capacity is the value reported by the CSI driver in its GetCapacityResponse for a GetCapacityRequest with topology and parameters that match the previous fields.\n\nThe semantic is currently (CSI spec 1.2) defined as: The available capacity, in bytes, of the storage that can be used to provision volumes. If not set, that information is currently unavailable.")),
                (capacity, now) -> List.of(text(name(capacity)), text(string(capacity, "storageClassName")),
                        text(present(capacity, "capacity") ? CorePrinters.quantity(capacity.path("capacity")) : "<unset>")));
    }

    private static TablePrinter leases() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Holder", "holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field."),
                Column.age()),
                (lease, now) -> List.of(text(name(lease)), text(string(lease, "spec", "holderIdentity")), age(lease, now)));
    }

    private static TablePrinter priorityClasses() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.integer("Value", "value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec."),
                Column.bool("Global-Default", "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority."),
                Column.age(),
                Column.text("PreemptionPolicy", "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.")),
                (priorityClass, now) -> List.of(text(name(priorityClass)), integer(number(priorityClass, "value")),
                        bool(flag(priorityClass, "globalDefault")), age(priorityClass, now),
                        text(string(priorityClass, "preemptionPolicy"))));
    }

    private static TablePrinter runtimeClasses() {
        return KindPrinter.cells(List.of(Column.objectName(), Column.text("Handler", ""), Column.age()),
                (runtimeClass, now) -> List.of(text(name(runtimeClass)), text(string(runtimeClass, "handler")), age(runtimeClass, now)));
    }

    private static TablePrinter certificateSigningRequests() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.age(),
                Column.text("SignerName", "Requested signer for the request. It is a qualified name in the form: `scope-hostname.io/name`. If empty, it will be defaulted:\n 1. If it's a kubelet client certificate, it is assigned\n    \"kubernetes.io/kube-apiserver-client-kubelet\".\n 2. If it's a kubelet serving certificate, it is assigned\n    \"kubernetes.io/kubelet-serving\".\n 3. Otherwise, it is assigned \"kubernetes.io/legacy-unknown\".\nDistribution of trust for signers happens out of band. You can select on this field using `spec.signerName`."),
                Column.text("Requestor", "Base64-encoded PKCS#10 CSR data"),
                Column.text("RequestedDuration", "expirationSeconds is the requested duration of validity of the issued certificate. The certificate signer may issue a certificate with a different validity duration so a client must check the delta between the notBefore and and notAfter fields in the issued certificate to determine the actual duration.\n\nThe v1.22+ in-tree implementations of the well-known Kubernetes signers will honor this field as long as the requested duration is not greater than the maximum duration they will honor per the --cluster-signing-duration CLI flag to the Kubernetes controller manager.\n\nCertificate signers may not honor this field for various reasons:\n\n  1. Old signer that is unaware of the field (such as the in-tree\n     implementations prior to v1.22)\n  2. Signer whose configured maximum is shorter than the requested duration\n  3. Signer whose configured minimum is longer than the requested duration\n\nThe minimum valid value for expirationSeconds is 600, i.e. 10 minutes."),
                Column.text("Condition", "Conditions applied to the request, such as approval or denial.")),
                (request, now) -> {
                    boolean approved = false;
                    boolean denied = false;
                    boolean failed = false;
                    for (JsonNode condition : items(request, "status", "conditions")) {
                        switch (string(condition, "type")) {
                            case "Approved" -> approved = true;
                            case "Denied" -> denied = true;
                            case "Failed" -> failed = true;
                            default -> {
                                // Other condition types do not show.
                            }
                        }
                    }
                    String status = denied ? "Denied" : approved ? "Approved" : "Pending";
                    if (failed) {
                        status = status + ",Failed";
                    }
                    if (!string(request, "status", "certificate").isEmpty()) {
                        status = status + ",Issued";
                    }
                    JsonNode spec = request.path("spec");
                    String signer = string(spec, "signerName").isEmpty() ? "<none>" : string(spec, "signerName");
                    String duration = present(spec, "expirationSeconds")
                            ? Durations.human(java.time.Duration.ofSeconds(number(spec, "expirationSeconds"))) : "<none>";
                    return List.of(text(name(request)), age(request, now), text(signer), text(string(spec, "username")),
                            text(duration), text(status));
                });
    }

    private static TablePrinter webhookConfigurations() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.integer("Webhooks", "Webhooks indicates the number of webhooks registered in this configuration"),
                Column.age()),
                (configuration, now) -> List.of(text(name(configuration)), integer(size(configuration, "webhooks")), age(configuration, now)));
    }

    private static TablePrinter admissionPolicies(String column, String field, String description) {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.integer(column, description),
                Column.text("ParamKind", "ParamKind specifies the kind of resources used to parameterize this policy"),
                Column.age()),
                (policy, now) -> {
                    JsonNode paramKind = at(policy, "spec", "paramKind");
                    String kind = paramKind.isObject() ? string(paramKind, "apiVersion") + "/" + string(paramKind, "kind") : "<unset>";
                    return List.of(text(name(policy)), integer(size(policy, "spec", field)), text(kind), age(policy, now));
                });
    }

    private static TablePrinter admissionPolicyBindings() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("PolicyName", "PolicyName indicates the policy definition which the policy binding binded to"),
                Column.text("ParamRef", "ParamRef indicates the param resource which sets the configration param"),
                Column.age()),
                (binding, now) -> {
                    JsonNode paramRef = at(binding, "spec", "paramRef");
                    String param = "<unset>";
                    if (paramRef.isObject()) {
                        if (!string(paramRef, "name").isEmpty()) {
                            param = string(paramRef, "namespace").isEmpty()
                                    ? "*/" + string(paramRef, "name")
                                    : string(paramRef, "namespace") + "/" + string(paramRef, "name");
                        } else if (present(paramRef, "selector")) {
                            param = Cells.selector(paramRef.path("selector"));
                        }
                    }
                    return List.of(text(name(binding)), text(string(binding, "spec", "policyName")), text(param), age(binding, now));
                });
    }

    private static TablePrinter flowSchemas() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("PriorityLevel", "`name` is the name of the priority level configuration being referenced Required."),
                Column.text("MatchingPrecedence", "`matchingPrecedence` is used to choose among the FlowSchemas that match a given request. The chosen FlowSchema is among those with the numerically lowest (which we take to be logically highest) MatchingPrecedence.  Each MatchingPrecedence value must be ranged in [1,10000]. Note that if the precedence is not specified, it will be set to 1000 as default."),
                Column.text("DistinguisherMethod", "`distinguisherMethod` defines how to compute the flow distinguisher for requests that match this schema. `nil` specifies that the distinguisher is disabled and thus will always be the empty string."),
                Column.age(),
                Column.text("MissingPL", "references a broken or non-existent PriorityLevelConfiguration")),
                (schema, now) -> {
                    JsonNode spec = schema.path("spec");
                    String method = present(spec, "distinguisherMethod") ? string(spec, "distinguisherMethod", "type") : "<none>";
                    String missing = "?";
                    for (JsonNode condition : items(schema, "status", "conditions")) {
                        if (string(condition, "type").equals("Dangling")) {
                            missing = string(condition, "status");
                            break;
                        }
                    }
                    return List.of(text(name(schema)), text(string(spec, "priorityLevelConfiguration", "name")),
                            integer(number(spec, "matchingPrecedence")), text(method), age(schema, now), text(missing));
                });
    }

    private static TablePrinter priorityLevels() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Type", "`type` indicates whether this priority level is subject to limitation on request execution.  A value of `\"Exempt\"` means that requests of this priority level are not subject to a limit (and thus are never queued) and do not detract from the capacity made available to other priority levels.  A value of `\"Limited\"` means that (a) requests of this priority level _are_ subject to limits and (b) some of the server's limited capacity is made available exclusively to this priority level. Required."),
                Column.text("NominalConcurrencyShares", "`nominalConcurrencyShares` (NCS) contributes to the computation of the NominalConcurrencyLimit (NominalCL) of this level. This is the number of execution seats available at this priority level. This is used both for requests dispatched from this priority level as well as requests dispatched from other priority levels borrowing seats from this level. The server's concurrency limit (ServerCL) is divided among the Limited priority levels in proportion to their NCS values:\n\nNominalCL(i)  = ceil( ServerCL * NCS(i) / sum_ncs ) sum_ncs = sum[priority level k] NCS(k)\n\nBigger numbers mean a larger nominal concurrency limit, at the expense of every other priority level.\n\nIf not specified, this field defaults to a value of 30.\n\nSetting this field to zero supports the construction of a \"jail\" for this priority level that is used to hold some request(s)"),
                Column.text("Queues", "`queues` is the number of queues for this priority level. The queues exist independently at each apiserver. The value must be positive.  Setting it to 1 effectively precludes shufflesharding and thus makes the distinguisher method of associated flow schemas irrelevant.  This field has a default value of 64."),
                Column.text("HandSize", "`handSize` is a small positive number that configures the shuffle sharding of requests into queues.  When enqueuing a request at this priority level the request's flow identifier (a string pair) is hashed and the hash value is used to shuffle the list of queues and deal a hand of the size specified here.  The request is put into one of the shortest queues in that hand. `handSize` must be no larger than `queues`, and should be significantly smaller (so that a few heavy flows do not saturate most of the queues).  See the user-facing documentation for more extensive guidance on setting this field.  This field has a default value of 8."),
                Column.text("QueueLengthLimit", "`queueLengthLimit` is the maximum number of requests allowed to be waiting in a given queue of this priority level at a time; excess requests are rejected.  This value must be positive.  If not specified, it will be defaulted to 50."),
                Column.age()),
                (level, now) -> {
                    JsonNode limited = at(level, "spec", "limited");
                    JsonNode shares = text("<none>");
                    JsonNode queues = text("<none>");
                    JsonNode handSize = text("<none>");
                    JsonNode queueLength = text("<none>");
                    if (limited.isObject()) {
                        shares = integer(number(limited, "nominalConcurrencyShares"));
                        JsonNode queuing = at(limited, "limitResponse", "queuing");
                        if (queuing.isObject()) {
                            queues = integer(number(queuing, "queues"));
                            handSize = integer(number(queuing, "handSize"));
                            queueLength = integer(number(queuing, "queueLengthLimit"));
                        }
                    }
                    return List.of(text(name(level)), text(string(level, "spec", "type")), shares, queues, handSize, queueLength,
                            age(level, now));
                });
    }
}
