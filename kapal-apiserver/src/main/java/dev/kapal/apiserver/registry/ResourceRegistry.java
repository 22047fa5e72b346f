package dev.kapal.apiserver.registry;

import dev.kapal.api.GroupVersion;
import dev.kapal.api.GroupVersionKind;
import dev.kapal.api.GroupVersionResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Everything the API server serves, as an immutable snapshot replaced on change (CRDs come and
 * go at run time). Readers take {@link #snapshot()} once per request and see one consistent
 * catalogue; writers are serialized.
 *
 * <p>Order matters: groups and their versions are kept in registration order, which is the order
 * discovery publishes (upstream's group priority: core, then apps, ...; the first version
 * registered for a group is its preferred version).
 */
public final class ResourceRegistry {

    /** An immutable view of the served resources. */
    public record Snapshot(Map<GroupVersionResource, ResourceDefinition> byResource, long generation) {
        public Snapshot {
            byResource = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byResource));
        }

        public Optional<ResourceDefinition> find(GroupVersionResource resource) {
            return Optional.ofNullable(byResource.get(resource));
        }

        public Optional<ResourceDefinition> findKind(GroupVersionKind kind) {
            return byResource.values().stream().filter(d -> d.info().gvk().equals(kind)).findFirst();
        }

        /** The group-versions served, in discovery order. */
        public List<GroupVersion> groupVersions() {
            List<GroupVersion> result = new ArrayList<>();
            for (ResourceDefinition definition : byResource.values()) {
                GroupVersion gv = definition.info().groupVersion();
                if (!result.contains(gv)) {
                    result.add(gv);
                }
            }
            return result;
        }

        /** The resources of one group-version, in registration order. */
        public List<ResourceDefinition> resources(GroupVersion groupVersion) {
            return byResource.values().stream()
                    .filter(d -> d.info().groupVersion().equals(groupVersion))
                    .toList();
        }
    }

    private volatile Snapshot snapshot = new Snapshot(Map.of(), 0);
    private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();

    public Snapshot snapshot() {
        return snapshot;
    }

    /** Adds or replaces definitions (keyed by resource), then tells the listeners. */
    public synchronized void register(List<ResourceDefinition> definitions) {
        Map<GroupVersionResource, ResourceDefinition> next = new LinkedHashMap<>(snapshot.byResource());
        for (ResourceDefinition definition : definitions) {
            next.put(definition.info().gvr(), definition);
        }
        publish(next);
    }

    /** Removes definitions (a CRD deleted or a version no longer served), then tells the listeners. */
    public synchronized void unregister(List<GroupVersionResource> resources) {
        Map<GroupVersionResource, ResourceDefinition> next = new LinkedHashMap<>(snapshot.byResource());
        resources.forEach(next::remove);
        publish(next);
    }

    /** Calls {@code listener} with every new snapshot, on the registering thread, after it is visible. */
    public void addListener(Consumer<Snapshot> listener) {
        listeners.add(listener);
    }

    private void publish(Map<GroupVersionResource, ResourceDefinition> next) {
        snapshot = new Snapshot(next, snapshot.generation() + 1);
        Snapshot published = snapshot;
        listeners.forEach(listener -> listener.accept(published));
    }
}
