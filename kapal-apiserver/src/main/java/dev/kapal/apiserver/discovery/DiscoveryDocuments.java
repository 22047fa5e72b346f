package dev.kapal.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.GroupVersion;
import dev.kapal.api.GroupVersionKind;
import dev.kapal.api.Json;
import dev.kapal.api.ResourceInfo;
import dev.kapal.apiserver.registry.ResourceDefinition;
import dev.kapal.apiserver.registry.ResourceRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Renders the discovery documents of one registry snapshot as JSON trees, with upstream's field
 * names, field order and omission rules (Go's {@code omitempty}), so clients that compare or
 * cache them see what a real API server sends.
 *
 * <p>Ordering: groups and versions follow the registry (its registration order is the
 * discovery priority; the first version of a group is preferred). Resources within a version are
 * sorted by name with each subresource right after its parent ({@code pods},
 * {@code pods/status}, {@code podtemplates}), as upstream sorts the paths it installs.
 */
final class DiscoveryDocuments {
    private final ResourceRegistry.Snapshot snapshot;
    private final String serverAddress;
    /** Group name to its versions, preferred first; core ("") included. */
    private final Map<String, List<GroupVersion>> groups = new LinkedHashMap<>();

    DiscoveryDocuments(ResourceRegistry.Snapshot snapshot, String serverAddress) {
        this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
        this.serverAddress = Objects.requireNonNull(serverAddress, "serverAddress");
        for (GroupVersion groupVersion : snapshot.groupVersions()) {
            groups.computeIfAbsent(groupVersion.group(), group -> new ArrayList<>()).add(groupVersion);
        }
    }

    /** The named groups (core excluded), in discovery order. */
    List<String> groupNames() {
        return groups.keySet().stream().filter(group -> !group.isEmpty()).toList();
    }

    List<GroupVersion> versions(String group) {
        return groups.getOrDefault(group, List.of());
    }

    /** {@code /api}: APIVersions. */
    ObjectNode apiVersions() {
        ObjectNode node = Json.object();
        node.put("kind", "APIVersions");
        ArrayNode versions = node.putArray("versions");
        versions(GroupVersion.CORE_V1.group()).forEach(version -> versions.add(version.version()));
        ObjectNode address = node.putArray("serverAddressByClientCIDRs").addObject();
        address.put("clientCIDR", "0.0.0.0/0");
        address.put("serverAddress", serverAddress);
        return node;
    }

    /** {@code /apis}: APIGroupList. */
    ObjectNode apiGroupList() {
        ObjectNode node = Json.object();
        node.put("kind", "APIGroupList");
        node.put("apiVersion", "v1");
        ArrayNode list = node.putArray("groups");
        for (String group : groupNames()) {
            list.add(groupBody(Json.object(), group));
        }
        return node;
    }

    /** {@code /apis/<group>}: APIGroup, empty for an unknown group. */
    Optional<ObjectNode> apiGroup(String group) {
        if (group.isEmpty() || !groups.containsKey(group)) {
            return Optional.empty();
        }
        ObjectNode node = Json.object();
        node.put("kind", "APIGroup");
        node.put("apiVersion", "v1");
        return Optional.of(groupBody(node, group));
    }

    private ObjectNode groupBody(ObjectNode node, String group) {
        List<GroupVersion> versions = versions(group);
        node.put("name", group);
        ArrayNode array = node.putArray("versions");
        versions.forEach(version -> array.add(groupVersionForDiscovery(version)));
        node.set("preferredVersion", groupVersionForDiscovery(versions.getFirst()));
        return node;
    }

    private static ObjectNode groupVersionForDiscovery(GroupVersion groupVersion) {
        ObjectNode node = Json.object();
        node.put("groupVersion", groupVersion.apiVersion());
        node.put("version", groupVersion.version());
        return node;
    }

    /** {@code /api/v1} or {@code /apis/<group>/<version>}: APIResourceList, empty if not served. */
    Optional<ObjectNode> apiResourceList(GroupVersion groupVersion) {
        List<ResourceDefinition> definitions = snapshot.resources(groupVersion);
        if (definitions.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode node = Json.object();
        node.put("kind", "APIResourceList");
        if (!groupVersion.group().isEmpty()) {
            // Upstream's legacy /api/v1 list carries no apiVersion; group lists do.
            node.put("apiVersion", "v1");
        }
        node.put("groupVersion", groupVersion.apiVersion());
        ArrayNode resources = node.putArray("resources");
        for (Entry entry : entries(definitions)) {
            resources.add(entry.subresource()
                    .map(sub -> subresourceEntry(entry.info(), sub))
                    .orElseGet(() -> resourceEntry(entry.info())));
        }
        return Optional.of(node);
    }

    private static ObjectNode resourceEntry(ResourceInfo info) {
        ObjectNode node = Json.object();
        node.put("name", info.plural());
        node.put("singularName", info.singular());
        node.put("namespaced", info.namespaced());
        node.put("kind", info.kind());
        putStrings(node, "verbs", info.verbs(), true);
        putStrings(node, "shortNames", info.shortNames(), false);
        putStrings(node, "categories", info.categories(), false);
        if (isStored(info)) {
            node.put("storageVersionHash", storageVersionHash(info.gvk()));
        }
        return node;
    }

    private static ObjectNode subresourceEntry(ResourceInfo parent, Subresource subresource) {
        ObjectNode node = Json.object();
        node.put("name", parent.plural() + "/" + subresource.name());
        node.put("singularName", ""); // upstream never fills it for subresources, and never omits it
        node.put("namespaced", parent.namespaced());
        GroupVersionKind kind = subresource.responseKind(parent);
        if (subresource.explicitGroupVersion()) {
            node.put("group", kind.group());
            node.put("version", kind.version());
        }
        node.put("kind", kind.kind());
        putStrings(node, "verbs", subresource.verbs(), true);
        return node;
    }

    /**
     * Upstream publishes a storage version hash for every stored resource and none for virtual
     * ones (bindings, reviews). Everything stored can be watched; nothing virtual can.
     */
    private static boolean isStored(ResourceInfo info) {
        return info.verbs().contains("watch");
    }

    /**
     * The storage version hash: base64 of the first 8 bytes of SHA-256 over
     * {@code group/version/kind}, the same derivation upstream uses, so clients that compare
     * hashes across servers (the storage version migrator) agree with ours.
     */
    static String storageVersionHash(GroupVersionKind kind) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((kind.group() + "/" + kind.version() + "/" + kind.kind()).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(digest, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** {@code /api} or {@code /apis} aggregated: APIGroupDiscoveryList. */
    ObjectNode aggregated(boolean core, DiscoveryMediaType mediaType) {
        ObjectNode node = Json.object();
        node.put("kind", DiscoveryMediaType.AGGREGATED_KIND);
        node.put("apiVersion", mediaType.apiVersion());
        node.putObject("metadata");
        ArrayNode items = node.putArray("items");
        List<String> names = core ? (groups.containsKey("") ? List.of("") : List.of()) : groupNames();
        for (String group : names) {
            ObjectNode item = items.addObject();
            ObjectNode metadata = item.putObject("metadata");
            if (!group.isEmpty()) {
                metadata.put("name", group);
            }
            // Go serializes the zero metav1.Time as null even under omitempty; clients expect it.
            metadata.putNull("creationTimestamp");
            ArrayNode versions = item.putArray("versions");
            for (GroupVersion groupVersion : versions(group)) {
                ObjectNode version = versions.addObject();
                version.put("version", groupVersion.version());
                ArrayNode resources = version.putArray("resources");
                aggregatedResources(snapshot.resources(groupVersion)).forEach(resources::add);
                version.put("freshness", "Current");
            }
        }
        return node;
    }

    private static List<ObjectNode> aggregatedResources(List<ResourceDefinition> definitions) {
        List<ObjectNode> result = new ArrayList<>();
        // By name, not by position: "foo-bar" sorts between "foo" and "foo/status".
        Map<String, ObjectNode> parents = new LinkedHashMap<>();
        List<Entry> entries = entries(definitions);
        for (Entry entry : entries) {
            if (entry.subresource().isEmpty()) {
                ResourceInfo info = entry.info();
                ObjectNode resource = Json.object();
                resource.put("resource", info.plural());
                resource.set("responseKind", kindNode(info.gvk()));
                resource.put("scope", info.namespaced() ? "Namespaced" : "Cluster");
                resource.put("singularResource", info.singular());
                putStrings(resource, "verbs", info.verbs(), true);
                putStrings(resource, "shortNames", info.shortNames(), false);
                putStrings(resource, "categories", info.categories(), false);
                parents.put(info.plural(), resource);
                result.add(resource);
            }
        }
        for (Entry entry : entries) {
            if (entry.subresource().isPresent()) {
                Subresource subresource = entry.subresource().get();
                ObjectNode sub = parents.get(entry.info().plural()).withArrayProperty("subresources").addObject();
                sub.put("subresource", subresource.name());
                sub.set("responseKind", kindNode(subresource.responseKind(entry.info())));
                putStrings(sub, "verbs", subresource.verbs(), true);
            }
        }
        return result;
    }

    private static ObjectNode kindNode(GroupVersionKind kind) {
        ObjectNode node = Json.object();
        node.put("group", kind.group());
        node.put("version", kind.version());
        node.put("kind", kind.kind());
        return node;
    }

    private static void putStrings(ObjectNode node, String field, List<String> values, boolean always) {
        if (values.isEmpty() && !always) {
            return;
        }
        ArrayNode array = node.putArray(field);
        values.forEach(array::add);
    }

    /** A resource or one of its subresources, in the order discovery lists them. */
    private record Entry(ResourceInfo info, Optional<Subresource> subresource) {
        String name() {
            return subresource.map(sub -> info.plural() + "/" + sub.name()).orElse(info.plural());
        }
    }

    private static List<Entry> entries(List<ResourceDefinition> definitions) {
        List<Entry> entries = new ArrayList<>();
        for (ResourceDefinition definition : definitions) {
            ResourceInfo info = definition.info();
            entries.add(new Entry(info, Optional.empty()));
            for (String name : info.subresources()) {
                entries.add(new Entry(info, Optional.of(Subresource.of(info, name))));
            }
        }
        // '/' sorts before letters, so a parent's subresources come before the next resource.
        entries.sort(Comparator.comparing(Entry::name));
        return entries;
    }
}
