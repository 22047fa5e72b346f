package dev.kapal.api;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One entry of the resource catalogue: everything discovery publishes about a resource and
 * everything the generic store needs to route to it.
 *
 * @param groupVersion   the group-version it is served under
 * @param plural         the resource name in URLs ({@code deployments})
 * @param singular       the singular name ({@code deployment})
 * @param kind           the kind of its objects ({@code Deployment})
 * @param listKind       the kind of its lists ({@code DeploymentList})
 * @param namespaced     whether objects live in namespaces
 * @param verbs          the verbs discovery lists, in upstream order
 *                       (create, delete, deletecollection, get, list, patch, update, watch)
 * @param shortNames     kubectl short names ({@code deploy})
 * @param categories     discovery categories ({@code all})
 * @param subresources   subresource names served ({@code status}, {@code scale}, ...)
 * @param storageResource the resource whose storage this one shares; equal to {@code plural} for
 *                       most, different for aliases such as {@code events.events.k8s.io}, which is
 *                       stored with core {@code events}
 */
public record ResourceInfo(
        GroupVersion groupVersion,
        String plural,
        String singular,
        String kind,
        String listKind,
        boolean namespaced,
        List<String> verbs,
        List<String> shortNames,
        List<String> categories,
        Set<String> subresources,
        String storageResource) {

    /** The verbs of an ordinary read-write resource, in the order upstream discovery lists them. */
    public static final List<String> ALL_VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    public ResourceInfo {
        Objects.requireNonNull(groupVersion, "groupVersion");
        Objects.requireNonNull(plural, "plural");
        Objects.requireNonNull(singular, "singular");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(listKind, "listKind");
        verbs = List.copyOf(verbs);
        shortNames = List.copyOf(shortNames);
        categories = List.copyOf(categories);
        subresources = Set.copyOf(subresources);
        Objects.requireNonNull(storageResource, "storageResource");
    }

    public GroupVersionResource gvr() {
        return new GroupVersionResource(groupVersion.group(), groupVersion.version(), plural);
    }

    public GroupVersionKind gvk() {
        return new GroupVersionKind(groupVersion.group(), groupVersion.version(), kind);
    }

    public boolean hasSubresource(String name) {
        return subresources.contains(name);
    }

    /**
     * The storage key prefix of this resource, following Kubernetes' layout
     * {@code /registry/<storageResource>/<namespace>/<name>} (cluster-scoped objects omit the
     * namespace). Built-in kinds use their plural as storage resource; custom resources use
     * {@code <group>/<plural>}, as upstream does.
     */
    public String keyPrefix() {
        return "/registry/" + storageResource + "/";
    }
}
