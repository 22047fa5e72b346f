package dev.kapal.apiserver.kinds;

import static dev.kapal.apiserver.kinds.KindSpec.kind;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.GroupVersion;
import dev.kapal.api.GroupVersionKind;
import dev.kapal.api.Json;
import dev.kapal.api.ResourceInfo;
import dev.kapal.api.validation.Names;
import dev.kapal.apiserver.registry.ResourceDefinition;
import dev.kapal.apiserver.registry.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The built-in resources Kapal serves, as Kubernetes v1.33 publishes them in discovery.
 *
 * <p>{@link #all()} is in discovery order: core {@code v1} first, then the groups in upstream's
 * group priority order ({@code /apis} on a v1.33 server lists apps, events.k8s.io,
 * authentication.k8s.io, authorization.k8s.io, autoscaling, batch, certificates.k8s.io,
 * networking.k8s.io, policy, rbac.authorization.k8s.io, storage.k8s.io,
 * admissionregistration.k8s.io, apiextensions.k8s.io, scheduling.k8s.io, coordination.k8s.io,
 * node.k8s.io, discovery.k8s.io, ...). Within a group-version, resources are alphabetical, as
 * upstream's discovery documents are; for autoscaling, {@code v2} comes before {@code v1}
 * because it is the preferred version and {@link dev.kapal.apiserver.registry.ResourceRegistry}
 * takes the first registered version as preferred.
 *
 * <p>Resources upstream serves on v1.33 that are not catalogued yet (so clients see them as
 * absent rather than broken): componentstatuses, pods/proxy, pods/ephemeralcontainers, pods/resize,
 * services/proxy, apiregistration.k8s.io, flowcontrol, node.k8s.io runtimeclasses,
 * resource.k8s.io, networking.k8s.io ipaddresses and servicecidrs,
 * admissionregistration.k8s.io validatingadmissionpolicies(+bindings) and
 * storage.k8s.io csistoragecapacities.
 */
public final class BuiltinKinds {

    static final GroupVersion CORE = GroupVersion.CORE_V1;
    static final GroupVersion APPS = new GroupVersion("apps", "v1");
    static final GroupVersion EVENTS = new GroupVersion("events.k8s.io", "v1");
    static final GroupVersion AUTHENTICATION = new GroupVersion("authentication.k8s.io", "v1");
    static final GroupVersion AUTHORIZATION = new GroupVersion("authorization.k8s.io", "v1");
    static final GroupVersion AUTOSCALING_V2 = new GroupVersion("autoscaling", "v2");
    static final GroupVersion AUTOSCALING_V1 = new GroupVersion("autoscaling", "v1");
    static final GroupVersion BATCH = new GroupVersion("batch", "v1");
    static final GroupVersion CERTIFICATES = new GroupVersion("certificates.k8s.io", "v1");
    static final GroupVersion NETWORKING = new GroupVersion("networking.k8s.io", "v1");
    static final GroupVersion POLICY = new GroupVersion("policy", "v1");
    static final GroupVersion RBAC = new GroupVersion("rbac.authorization.k8s.io", "v1");
    static final GroupVersion STORAGE = new GroupVersion("storage.k8s.io", "v1");
    static final GroupVersion ADMISSION = new GroupVersion("admissionregistration.k8s.io", "v1");
    static final GroupVersion APIEXTENSIONS = new GroupVersion("apiextensions.k8s.io", "v1");
    static final GroupVersion SCHEDULING = new GroupVersion("scheduling.k8s.io", "v1");
    static final GroupVersion COORDINATION = new GroupVersion("coordination.k8s.io", "v1");
    static final GroupVersion DISCOVERY = new GroupVersion("discovery.k8s.io", "v1");

    private static final List<String> CREATE_ONLY = List.of("create");

    /**
     * The strategy of resources that are not stored: bindings and the access and token reviews.
     * The generic store must not serve these; dedicated handlers answer {@code create} on them.
     * See {@link #isServedByHandler(ResourceDefinition)}.
     */
    public static final Strategy SERVED_BY_HANDLER = new Strategy() {
        @Override
        public String toString() {
            return "served by a dedicated handler";
        }
    };

    /**
     * The two priority classes every cluster has (upstream's API server creates them at start-up
     * and recreates them when deleted), as {@code scheduling.k8s.io/v1} objects without server
     * metadata. Returned as fresh copies, so callers may modify them.
     */
    public static List<ObjectNode> systemPriorityClasses() {
        return List.of(
                priorityClass("system-node-critical", 2_000_001_000L,
                        "Used for system critical pods that must not be moved from their current node."),
                priorityClass("system-cluster-critical", 2_000_000_000L,
                        "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."));
    }

    /**
     * The same objects as {@link #systemPriorityClasses()}, shared: JSON trees are mutable, so
     * callers {@code deepCopy()} before changing one (or call {@link #systemPriorityClasses()}).
     */
    public static final List<ObjectNode> SYSTEM_PRIORITY_CLASSES = systemPriorityClasses();

    private BuiltinKinds() {
    }

    /** Every built-in resource, in discovery order; a fresh list each call. */
    public static List<ResourceDefinition> all() {
        List<ResourceDefinition> all = new ArrayList<>();
        all.addAll(core());
        all.addAll(apps());
        all.add(kind(EVENTS, "events", "Event").shortNames("ev").storedAs("events").with(EventKinds.EVENTS_V1)
                .convertedWith(Conversions.EVENTS_V1));
        all.addAll(List.of(
                kind(AUTHENTICATION, "selfsubjectreviews", "SelfSubjectReview").clusterScoped().verbs(CREATE_ONLY)
                        .with(SERVED_BY_HANDLER),
                kind(AUTHENTICATION, "tokenreviews", "TokenReview").clusterScoped().verbs(CREATE_ONLY)
                        .with(SERVED_BY_HANDLER),
                kind(AUTHORIZATION, "localsubjectaccessreviews", "LocalSubjectAccessReview").verbs(CREATE_ONLY)
                        .with(SERVED_BY_HANDLER),
                kind(AUTHORIZATION, "selfsubjectaccessreviews", "SelfSubjectAccessReview").clusterScoped()
                        .verbs(CREATE_ONLY).with(SERVED_BY_HANDLER),
                kind(AUTHORIZATION, "selfsubjectrulesreviews", "SelfSubjectRulesReview").clusterScoped()
                        .verbs(CREATE_ONLY).with(SERVED_BY_HANDLER),
                kind(AUTHORIZATION, "subjectaccessreviews", "SubjectAccessReview").clusterScoped()
                        .verbs(CREATE_ONLY).with(SERVED_BY_HANDLER),
                // Both autoscaling versions store the same objects; v2 first as the preferred version.
                kind(AUTOSCALING_V2, "horizontalpodautoscalers", "HorizontalPodAutoscaler").shortNames("hpa")
                        .categories("all").subresources("status").with(ClusterKinds.HORIZONTAL_POD_AUTOSCALERS),
                kind(AUTOSCALING_V1, "horizontalpodautoscalers", "HorizontalPodAutoscaler").shortNames("hpa")
                        .categories("all").subresources("status").with(ClusterKinds.HORIZONTAL_POD_AUTOSCALERS_V1)
                        .convertedWith(Conversions.HPA_V1),
                kind(BATCH, "cronjobs", "CronJob").shortNames("cj").categories("all").subresources("status")
                        .with(BatchKinds.CRON_JOBS),
                kind(BATCH, "jobs", "Job").categories("all").subresources("status").with(BatchKinds.JOBS),
                kind(CERTIFICATES, "certificatesigningrequests", "CertificateSigningRequest").clusterScoped()
                        .shortNames("csr").subresources("approval", "status")
                        .with(ClusterKinds.CERTIFICATE_SIGNING_REQUESTS),
                kind(NETWORKING, "ingressclasses", "IngressClass").clusterScoped().with(ClusterKinds.INGRESS_CLASSES),
                kind(NETWORKING, "ingresses", "Ingress").shortNames("ing").subresources("status")
                        .with(ClusterKinds.INGRESSES),
                kind(NETWORKING, "networkpolicies", "NetworkPolicy").shortNames("netpol")
                        .with(ClusterKinds.NETWORK_POLICIES),
                kind(POLICY, "poddisruptionbudgets", "PodDisruptionBudget").shortNames("pdb").subresources("status")
                        .with(ClusterKinds.POD_DISRUPTION_BUDGETS),
                kind(RBAC, "clusterrolebindings", "ClusterRoleBinding").clusterScoped().with(ClusterKinds.RBAC),
                kind(RBAC, "clusterroles", "ClusterRole").clusterScoped().with(ClusterKinds.RBAC),
                kind(RBAC, "rolebindings", "RoleBinding").with(ClusterKinds.RBAC),
                kind(RBAC, "roles", "Role").with(ClusterKinds.RBAC),
                kind(STORAGE, "csidrivers", "CSIDriver").clusterScoped().with(ClusterKinds.CSI_DRIVERS),
                kind(STORAGE, "csinodes", "CSINode").clusterScoped().with(ClusterKinds.PLAIN),
                kind(STORAGE, "storageclasses", "StorageClass").clusterScoped().shortNames("sc")
                        .with(ClusterKinds.STORAGE_CLASSES),
                kind(STORAGE, "volumeattachments", "VolumeAttachment").clusterScoped().subresources("status")
                        .with(ClusterKinds.PLAIN),
                kind(ADMISSION, "mutatingwebhookconfigurations", "MutatingWebhookConfiguration").clusterScoped()
                        .categories("api-extensions").with(ClusterKinds.WEBHOOK_CONFIGURATIONS),
                kind(ADMISSION, "validatingwebhookconfigurations", "ValidatingWebhookConfiguration").clusterScoped()
                        .categories("api-extensions").with(ClusterKinds.WEBHOOK_CONFIGURATIONS),
                kind(APIEXTENSIONS, "customresourcedefinitions", "CustomResourceDefinition").clusterScoped()
                        .shortNames("crd", "crds").categories("api-extensions").subresources("status")
                        .with(dev.kapal.apiserver.crd.CustomResourceDefinitionStrategy.INSTANCE),
                kind(SCHEDULING, "priorityclasses", "PriorityClass").clusterScoped().shortNames("pc")
                        .with(ClusterKinds.PRIORITY_CLASSES),
                kind(COORDINATION, "leases", "Lease").with(ClusterKinds.PLAIN),
                kind(DISCOVERY, "endpointslices", "EndpointSlice").with(ClusterKinds.ENDPOINT_SLICES)));
        return all;
    }

    private static List<ResourceDefinition> core() {
        return List.of(
                kind(CORE, "bindings", "Binding").verbs(CREATE_ONLY).with(SERVED_BY_HANDLER),
                kind(CORE, "configmaps", "ConfigMap").shortNames("cm").with(CoreKinds.CONFIG_MAPS),
                // Upstream's singular for endpoints is "endpoints": the kind itself is plural.
                kind(CORE, "endpoints", "Endpoints").singular("endpoints").shortNames("ep").with(CoreKinds.ENDPOINTS),
                kind(CORE, "events", "Event").shortNames("ev").with(EventKinds.EVENTS),
                kind(CORE, "limitranges", "LimitRange").shortNames("limits").with(CoreKinds.PLAIN),
                // Namespaces are removed through finalization, so there is no deletecollection.
                kind(CORE, "namespaces", "Namespace").clusterScoped().shortNames("ns")
                        .verbs("create", "delete", "get", "list", "patch", "update", "watch")
                        .subresources("finalize", "status").with(CoreKinds.NAMESPACES),
                kind(CORE, "nodes", "Node").clusterScoped().shortNames("no").subresources("proxy", "status")
                        .with(CoreKinds.NODES),
                kind(CORE, "persistentvolumeclaims", "PersistentVolumeClaim").shortNames("pvc").subresources("status")
                        .with(CoreKinds.PERSISTENT_VOLUME_CLAIMS),
                kind(CORE, "persistentvolumes", "PersistentVolume").clusterScoped().shortNames("pv")
                        .subresources("status").with(CoreKinds.PERSISTENT_VOLUMES),
                kind(CORE, "pods", "Pod").shortNames("po").categories("all")
                        .subresources("attach", "binding", "eviction", "exec", "log", "portforward", "status").with(CoreKinds.PODS),
                kind(CORE, "podtemplates", "PodTemplate").with(CoreKinds.POD_TEMPLATES),
                // The RC selector is a plain label map, not a LabelSelector: the scale subresource
                // must render it as "k=v,..." rather than through matchLabels/matchExpressions.
                kind(CORE, "replicationcontrollers", "ReplicationController").shortNames("rc").categories("all")
                        .subresources("scale", "status").scaledWith(CoreKinds.REPLICATION_CONTROLLERS),
                kind(CORE, "resourcequotas", "ResourceQuota").shortNames("quota").subresources("status")
                        .with(CoreKinds.PLAIN),
                kind(CORE, "secrets", "Secret").with(CoreKinds.SECRETS),
                kind(CORE, "serviceaccounts", "ServiceAccount").shortNames("sa").subresources("token").with(CoreKinds.PLAIN),
                kind(CORE, "services", "Service").shortNames("svc").categories("all").subresources("status")
                        .with(CoreKinds.SERVICES));
    }

    private static List<ResourceDefinition> apps() {
        return List.of(
                kind(APPS, "controllerrevisions", "ControllerRevision").with(AppsKinds.CONTROLLER_REVISIONS),
                kind(APPS, "daemonsets", "DaemonSet").shortNames("ds").categories("all").subresources("status")
                        .with(AppsKinds.DAEMON_SETS),
                kind(APPS, "deployments", "Deployment").shortNames("deploy").categories("all")
                        .subresources("scale", "status").scaledWith(AppsKinds.DEPLOYMENTS),
                kind(APPS, "replicasets", "ReplicaSet").shortNames("rs").categories("all")
                        .subresources("scale", "status").scaledWith(AppsKinds.REPLICA_SETS),
                kind(APPS, "statefulsets", "StatefulSet").shortNames("sts").categories("all")
                        .subresources("scale", "status").scaledWith(AppsKinds.STATEFUL_SETS));
    }

    /** Whether {@code definition} is answered by a dedicated handler rather than the generic store. */
    public static boolean isServedByHandler(ResourceDefinition definition) {
        return definition.strategy() == SERVED_BY_HANDLER
                || definition.strategy() instanceof NamedStrategy named && named.delegate() == SERVED_BY_HANDLER;
    }

    /**
     * What discovery publishes about a subresource: the kind its requests and responses carry and
     * its verbs ({@code ResourceInfo} only names subresources). Empty for names Kapal does not know.
     */
    public static Optional<Subresource> subresource(ResourceInfo parent, String name) {
        GroupVersionKind own = parent.gvk();
        return Optional.ofNullable(switch (name) {
            case "status", "ephemeralcontainers", "resize" -> new Subresource(name, own, List.of("get", "patch", "update"));
            case "approval" -> new Subresource(name, own, List.of("get", "patch", "update"));
            case "finalize" -> new Subresource(name, own, List.of("update"));
            case "scale" -> new Subresource(name, new GroupVersionKind("autoscaling", "v1", "Scale"),
                    List.of("get", "patch", "update"));
            case "binding" -> new Subresource(name, new GroupVersionKind("", "v1", "Binding"), CREATE_ONLY);
            case "eviction" -> new Subresource(name, new GroupVersionKind("policy", "v1", "Eviction"), CREATE_ONLY);
            case "token" -> new Subresource(name, new GroupVersionKind("authentication.k8s.io", "v1", "TokenRequest"),
                    CREATE_ONLY);
            case "log" -> new Subresource(name, own, List.of("get"));
            case "exec" -> new Subresource(name, new GroupVersionKind("", "v1", "PodExecOptions"), List.of("create", "get"));
            case "attach" -> new Subresource(name, new GroupVersionKind("", "v1", "PodAttachOptions"), List.of("create", "get"));
            case "portforward" -> new Subresource(name, new GroupVersionKind("", "v1", "PodPortForwardOptions"),
                    List.of("create", "get"));
            case "proxy" -> new Subresource(name, new GroupVersionKind("", "v1", parent.kind() + "ProxyOptions"),
                    List.of("create", "delete", "get", "patch", "update"));
            default -> null;
        });
    }

    /**
     * One subresource as discovery lists it ({@code pods/eviction}: kind {@code policy/v1 Eviction},
     * verbs {@code [create]}).
     */
    public record Subresource(String name, GroupVersionKind kind, List<String> verbs) {
        public Subresource {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
            verbs = List.copyOf(verbs);
        }
    }

    /**
     * The rule object names of a resource must follow, with upstream's messages. Most kinds use
     * DNS-1123 subdomains; namespaces are DNS-1123 labels (they become DNS labels in service
     * names); services are DNS-1035 labels (their names become environment variable prefixes and
     * DNS labels); RBAC objects only need to be a valid URL path segment.
     */
    public enum NameRule {
        DNS1123_SUBDOMAIN,
        DNS1123_LABEL,
        DNS1035_LABEL,
        PATH_SEGMENT;

        /** The problems with {@code name}, empty when valid. */
        public List<String> check(String name) {
            return switch (this) {
                case DNS1123_SUBDOMAIN -> Names.dns1123Subdomain(name);
                case DNS1123_LABEL -> Names.dns1123Label(name);
                case DNS1035_LABEL -> Names.dns1035Label(name);
                case PATH_SEGMENT -> pathSegment(name);
            };
        }

        private static List<String> pathSegment(String name) {
            List<String> errors = new ArrayList<>();
            if (name.equals(".") || name.equals("..")) {
                errors.add("may not be '" + name + "'");
            }
            for (String forbidden : List.of("/", "%")) {
                if (name.contains(forbidden)) {
                    errors.add("may not contain '" + forbidden + "'");
                }
            }
            return errors;
        }
    }

    /** The name rule of a built-in resource (DNS-1123 subdomain unless upstream says otherwise). */
    public static NameRule nameRule(ResourceInfo info) {
        if (info.groupVersion().equals(CORE) && info.plural().equals("namespaces")) {
            return NameRule.DNS1123_LABEL;
        }
        if (info.groupVersion().equals(CORE) && info.plural().equals("services")) {
            return NameRule.DNS1035_LABEL;
        }
        if (info.groupVersion().group().equals(RBAC.group())) {
            return NameRule.PATH_SEGMENT;
        }
        return NameRule.DNS1123_SUBDOMAIN;
    }

    private static ObjectNode priorityClass(String name, long value, String description) {
        ObjectNode object = Json.object();
        object.put("apiVersion", SCHEDULING.apiVersion());
        object.put("kind", "PriorityClass");
        object.putObject("metadata").put("name", name);
        Trees.defaultInt(object, "value", value);
        object.put("description", description);
        object.put("preemptionPolicy", "PreemptLowerPriority");
        return object;
    }
}
