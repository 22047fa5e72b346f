package dev.kapal.controllers.namespace;

import dev.kapal.controllers.runtime.Controller;
import dev.kapal.controllers.runtime.ControllerContext;
import dev.kapal.controllers.runtime.ObjectKey;
import dev.kapal.controllers.runtime.Reconciler;
import dev.kapal.controllers.runtime.Result;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.NamespaceConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Deletes the content of namespaces being deleted, then lets them go.
 *
 * <p>For a namespace with a deletionTimestamp that still carries the {@code kubernetes} spec
 * finalizer, each reconcile: discovers the namespaced resources (preferred version of every
 * group); deletes each resource's collection in the namespace; lists what is left; writes the
 * namespace conditions upstream uses ({@code NamespaceDeletionDiscoveryFailure},
 * {@code NamespaceDeletionGroupVersionParsingFailure}, {@code NamespaceDeletionContentFailure},
 * {@code NamespaceContentRemaining}, {@code NamespaceFinalizersRemaining}); and, once nothing is
 * left and nothing failed, removes the finalizer through {@code PUT .../namespaces/{name}/finalize},
 * after which the API server deletes the namespace. Objects that linger (graceful pod deletion,
 * finalizers of their own) make it look again after {@link #CONTENT_RECHECK}.
 */
public final class NamespaceController implements Reconciler<ObjectKey> {
    public static final String NAME = "namespace";
    static final String FINALIZER = "kubernetes";
    /** How soon to look again while content remains (no informer event says it went). */
    static final Duration CONTENT_RECHECK = Duration.ofSeconds(1);
    /**
     * Upstream's namespace deleter deletes with background propagation, so kinds that orphan by
     * default (batch/v1 Jobs, v1 ReplicationControllers) take their dependents with them.
     */
    private static final Map<String, String> BACKGROUND = Map.of("kind", "DeleteOptions", "apiVersion", "v1",
            "propagationPolicy", "Background");

    private final KubernetesClient client;
    private final SharedIndexInformer<Namespace> namespaces;

    private NamespaceController(KubernetesClient client, SharedIndexInformer<Namespace> namespaces) {
        this.client = client;
        this.namespaces = namespaces;
    }

    /** The controller: a namespace informer and four workers. */
    public static Controller<ObjectKey> create(ControllerContext context) {
        SharedIndexInformer<Namespace> informer = context.informers().of(Namespace.class);
        NamespaceController reconciler = new NamespaceController(context.client(), informer);
        return Controller.builder(NAME, reconciler)
                .context(context)
                .workers(4)
                .watch(informer, namespace -> namespace.getMetadata().getDeletionTimestamp() == null
                        ? Stream.empty() : Stream.of(ObjectKey.of(namespace)))
                .build();
    }

    /** A namespaced resource found by discovery. */
    record NamespacedResource(String group, String version, String plural, String kind, List<String> verbs) {
        String groupVersion() {
            return group.isEmpty() ? version : group + "/" + version;
        }

        String collectionPath(String namespace) {
            String prefix = group.isEmpty() ? "/api/v1" : "/apis/" + group + "/" + version;
            return prefix + "/namespaces/" + namespace + "/" + plural;
        }

        String qualifiedName() {
            return group.isEmpty() ? plural : plural + "." + group;
        }
    }

    @Override
    public Result reconcile(ObjectKey key) {
        Namespace cached = namespaces.getIndexer().getByKey(key.indexerKey());
        if (cached == null || cached.getMetadata().getDeletionTimestamp() == null || !hasFinalizer(cached)) {
            return Result.done();
        }
        String namespace = key.name();
        Map<String, String> discoveryFailures = new TreeMap<>();
        List<NamespacedResource> resources = discover(discoveryFailures);
        List<String> deletionFailures = new ArrayList<>();
        Map<String, Integer> remaining = new TreeMap<>();
        Map<String, Integer> finalizersRemaining = new TreeMap<>();
        for (NamespacedResource resource : resources) {
            try {
                deleteAll(resource, namespace);
            } catch (KubernetesClientException failure) {
                if (failure.getCode() != 404) {
                    deletionFailures.add(resource.qualifiedName() + ": " + failure.getMessage());
                }
            }
            try {
                List<GenericKubernetesResource> left = list(resource, namespace);
                if (!left.isEmpty()) {
                    remaining.put(resource.qualifiedName(), left.size());
                    for (GenericKubernetesResource object : left) {
                        for (String finalizer : object.getMetadata().getFinalizers()) {
                            finalizersRemaining.merge(finalizer, 1, Integer::sum);
                        }
                    }
                }
            } catch (KubernetesClientException failure) {
                if (failure.getCode() != 404) {
                    deletionFailures.add(resource.qualifiedName() + ": " + failure.getMessage());
                }
            }
        }
        Namespace current = client.namespaces().withName(namespace).get();
        if (current == null || !hasFinalizer(current)) {
            return Result.done();
        }
        List<NamespaceCondition> conditions = conditions(discoveryFailures, deletionFailures, remaining, finalizersRemaining);
        updateConditions(current, conditions);
        if (!discoveryFailures.isEmpty() || !deletionFailures.isEmpty()) {
            return Result.error(new IllegalStateException("namespace " + namespace + " not emptied: "
                    + Stream.concat(discoveryFailures.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()),
                    deletionFailures.stream()).collect(Collectors.joining("; "))));
        }
        if (!remaining.isEmpty()) {
            return Result.requeueAfter(CONTENT_RECHECK);
        }
        finalizeNamespace(namespace);
        return Result.done();
    }

    private String url(String path) {
        return java.net.URI.create(client.getMasterUrl().toString()).resolve(path).toString();
    }

    private static boolean hasFinalizer(Namespace namespace) {
        return namespace.getSpec() != null && namespace.getSpec().getFinalizers() != null
                && namespace.getSpec().getFinalizers().contains(FINALIZER);
    }

    /** The preferred version of every group's namespaced resources that can be listed and deleted. */
    private List<NamespacedResource> discover(Map<String, String> failures) {
        List<String[]> groupVersions = new ArrayList<>();
        groupVersions.add(new String[] {"", "v1"});
        try {
            for (APIGroup group : client.getApiGroups().getGroups()) {
                var preferred = group.getPreferredVersion() != null ? group.getPreferredVersion()
                        : group.getVersions().isEmpty() ? null : group.getVersions().get(0);
                if (preferred != null) {
                    groupVersions.add(new String[] {group.getName(), preferred.getVersion()});
                }
            }
        } catch (KubernetesClientException failure) {
            failures.put("/apis", failure.getMessage());
        }
        List<NamespacedResource> resources = new ArrayList<>();
        for (String[] groupVersion : groupVersions) {
            String name = groupVersion[0].isEmpty() ? groupVersion[1] : groupVersion[0] + "/" + groupVersion[1];
            try {
                var list = client.getApiResources(name);
                if (list == null) {
                    continue;
                }
                for (APIResource resource : list.getResources()) {
                    List<String> verbs = resource.getVerbs() == null ? List.of() : resource.getVerbs();
                    if (Boolean.TRUE.equals(resource.getNamespaced()) && !resource.getName().contains("/")
                            && verbs.contains("list") && (verbs.contains("delete") || verbs.contains("deletecollection"))) {
                        resources.add(new NamespacedResource(groupVersion[0], groupVersion[1], resource.getName(),
                                resource.getKind(), verbs));
                    }
                }
            } catch (KubernetesClientException failure) {
                failures.put(name, failure.getMessage());
            }
        }
        return resources;
    }

    private void deleteAll(NamespacedResource resource, String namespace) {
        if (resource.verbs().contains("deletecollection")) {
            client.raw(url(resource.collectionPath(namespace)), "DELETE", BACKGROUND);
            return;
        }
        for (GenericKubernetesResource object : list(resource, namespace)) {
            if (object.getMetadata().getDeletionTimestamp() == null) {
                client.raw(url(resource.collectionPath(namespace) + "/" + object.getMetadata().getName()), "DELETE", BACKGROUND);
            }
        }
    }

    private List<GenericKubernetesResource> list(NamespacedResource resource, String namespace) {
        ResourceDefinitionContext context = new ResourceDefinitionContext.Builder()
                .withGroup(resource.group())
                .withVersion(resource.version())
                .withPlural(resource.plural())
                .withKind(resource.kind())
                .withNamespaced(true)
                .build();
        return client.genericKubernetesResources(context).inNamespace(namespace).list().getItems();
    }

    /** The five conditions upstream sets while deleting a namespace, True where there is a problem. */
    static List<NamespaceCondition> conditions(Map<String, String> discoveryFailures, List<String> deletionFailures,
                                               Map<String, Integer> remaining, Map<String, Integer> finalizersRemaining) {
        List<NamespaceCondition> conditions = new ArrayList<>();
        conditions.add(condition("NamespaceDeletionDiscoveryFailure", !discoveryFailures.isEmpty(),
                discoveryFailures.isEmpty() ? "ResourcesDiscovered" : "DiscoveryFailed",
                discoveryFailures.isEmpty() ? "All resources successfully discovered"
                        : "Discovery failed for some groups, " + discoveryFailures.size() + " failing: "
                        + String.join(", ", discoveryFailures.keySet())));
        conditions.add(condition("NamespaceDeletionGroupVersionParsingFailure", false, "ParsedGroupVersions",
                "All legacy kube types successfully parsed"));
        conditions.add(condition("NamespaceDeletionContentFailure", !deletionFailures.isEmpty(),
                deletionFailures.isEmpty() ? "ContentDeleted" : "ContentDeletionFailed",
                deletionFailures.isEmpty() ? "All content successfully deleted, may be waiting on finalization"
                        : "Failed to delete all resource types, " + deletionFailures.size() + " remaining: "
                        + String.join(", ", deletionFailures)));
        conditions.add(condition("NamespaceContentRemaining", !remaining.isEmpty(),
                remaining.isEmpty() ? "ContentRemoved" : "SomeResourcesRemain",
                remaining.isEmpty() ? "All content successfully removed"
                        : "Some resources are remaining: " + remaining.entrySet().stream()
                        .map(e -> e.getKey() + " has " + e.getValue() + " resource instances")
                        .collect(Collectors.joining(", "))));
        conditions.add(condition("NamespaceFinalizersRemaining", !finalizersRemaining.isEmpty(),
                finalizersRemaining.isEmpty() ? "ContentHasNoFinalizers" : "SomeFinalizersRemain",
                finalizersRemaining.isEmpty() ? "All content-preserving finalizers finished"
                        : "Some content in the namespace has finalizers remaining: " + finalizersRemaining.entrySet().stream()
                        .map(e -> e.getKey() + " in " + e.getValue() + " resource instances")
                        .collect(Collectors.joining(", "))));
        return conditions;
    }

    private static NamespaceCondition condition(String type, boolean problem, String reason, String message) {
        return new NamespaceConditionBuilder()
                .withType(type)
                .withStatus(problem ? "True" : "False")
                .withReason(reason)
                .withMessage(message)
                .withLastTransitionTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                .build();
    }

    /** Writes {@code wanted} into the namespace's status, keeping transition times of unchanged conditions. */
    private void updateConditions(Namespace current, List<NamespaceCondition> wanted) {
        List<NamespaceCondition> existing = current.getStatus() == null || current.getStatus().getConditions() == null
                ? List.of() : current.getStatus().getConditions();
        Map<String, NamespaceCondition> byType = new LinkedHashMap<>();
        existing.forEach(condition -> byType.put(condition.getType(), condition));
        boolean changed = false;
        for (NamespaceCondition condition : wanted) {
            NamespaceCondition old = byType.get(condition.getType());
            if (old != null && Objects.equals(old.getStatus(), condition.getStatus())
                    && Objects.equals(old.getReason(), condition.getReason())
                    && Objects.equals(old.getMessage(), condition.getMessage())) {
                continue;
            }
            if (old != null && Objects.equals(old.getStatus(), condition.getStatus())) {
                condition.setLastTransitionTime(old.getLastTransitionTime());
            }
            byType.put(condition.getType(), condition);
            changed = true;
        }
        if (!changed) {
            return;
        }
        current.getStatus().setConditions(new ArrayList<>(byType.values()));
        client.namespaces().resource(current).updateStatus();
    }

    /** Removes the {@code kubernetes} finalizer through the finalize subresource. */
    private void finalizeNamespace(String name) {
        Namespace current = client.namespaces().withName(name).get();
        if (current == null || !hasFinalizer(current)) {
            return;
        }
        List<String> finalizers = new ArrayList<>(current.getSpec().getFinalizers());
        finalizers.remove(FINALIZER);
        current.getSpec().setFinalizers(finalizers);
        client.raw(url("/api/v1/namespaces/" + name + "/finalize"), "PUT", current);
    }
}
