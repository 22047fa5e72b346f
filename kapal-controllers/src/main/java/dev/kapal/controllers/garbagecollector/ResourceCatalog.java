package dev.kapal.controllers.garbagecollector;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What discovery says the API serves: the REST mapping from an owner reference's apiVersion and
 * kind to a resource, and the deletable resources (preferred version of each group, verbs list,
 * watch and delete) the garbage collector monitors. Events are left out, as upstream's collector
 * ignores them.
 *
 * <p>{@link #refresh()} re-reads discovery; a group whose discovery fails keeps what it had. Reads
 * see one consistent snapshot. Thread-safe.
 */
final class ResourceCatalog {
    /** Resources upstream's garbage collector never monitors. */
    private static final Set<String> IGNORED = Set.of("events", "events.events.k8s.io");

    record Snapshot(Map<String, ResourceType> byApiVersionKind, Map<String, ResourceType> preferredByGroupKind,
                    List<ResourceType> monitored) {
    }

    private final KubernetesClient client;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), List.of());

    ResourceCatalog(KubernetesClient client) {
        this.client = client;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    /** Reads discovery again; returns the new snapshot. */
    synchronized Snapshot refresh() {
        Snapshot previous = snapshot;
        Map<String, ResourceType> byApiVersionKind = new LinkedHashMap<>();
        Map<String, ResourceType> preferred = new LinkedHashMap<>();
        List<ResourceType> monitored = new ArrayList<>();
        List<String[]> groupVersions = new ArrayList<>();
        groupVersions.add(new String[] {"", "v1", "true"});
        for (APIGroup group : client.getApiGroups().getGroups()) {
            String preferredVersion = group.getPreferredVersion() != null ? group.getPreferredVersion().getVersion()
                    : group.getVersions().isEmpty() ? "" : group.getVersions().get(0).getVersion();
            for (GroupVersionForDiscovery version : group.getVersions()) {
                groupVersions.add(new String[] {group.getName(), version.getVersion(),
                        Boolean.toString(version.getVersion().equals(preferredVersion))});
            }
        }
        for (String[] groupVersion : groupVersions) {
            String group = groupVersion[0];
            String version = groupVersion[1];
            boolean isPreferred = Boolean.parseBoolean(groupVersion[2]);
            String apiVersion = group.isEmpty() ? version : group + "/" + version;
            List<ResourceType> types = new ArrayList<>();
            try {
                APIResourceList list = client.getApiResources(apiVersion);
                if (list != null) {
                    for (APIResource resource : list.getResources()) {
                        if (resource.getName().contains("/")) {
                            continue;
                        }
                        types.add(new ResourceType(group, version, resource.getName(), resource.getKind(),
                                Boolean.TRUE.equals(resource.getNamespaced()),
                                resource.getVerbs() == null ? List.of() : resource.getVerbs()));
                    }
                }
            } catch (KubernetesClientException failure) {
                // Keep what this group version had (upstream: partial discovery failures keep monitors).
                previous.byApiVersionKind().values().stream()
                        .filter(type -> type.apiVersion().equals(apiVersion))
                        .forEach(types::add);
            }
            for (ResourceType type : types) {
                byApiVersionKind.put(type.apiVersion() + "|" + type.kind(), type);
                if (isPreferred) {
                    preferred.put(type.group() + "|" + type.kind(), type);
                    if (type.deletable() && !IGNORED.contains(type.groupResource())) {
                        monitored.add(type);
                    }
                }
            }
        }
        Snapshot next = new Snapshot(Map.copyOf(byApiVersionKind), Map.copyOf(preferred), List.copyOf(monitored));
        snapshot = next;
        return next;
    }

    /** The resource of {@code apiVersion} and {@code kind}: that exact version, else the group's preferred one. */
    Optional<ResourceType> find(String apiVersion, String kind) {
        Snapshot current = snapshot;
        ResourceType exact = current.byApiVersionKind().get(apiVersion + "|" + kind);
        if (exact != null) {
            return Optional.of(exact);
        }
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        return Optional.ofNullable(current.preferredByGroupKind().get(group + "|" + kind));
    }
}
