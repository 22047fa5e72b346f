package dev.kapal.controllers.garbagecollector;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Objects;

/**
 * One resource as discovery describes it: where it lives in the API and what can be done with it.
 */
record ResourceType(String group, String version, String plural, String kind, boolean namespaced, List<String> verbs) {
    ResourceType {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(plural, "plural");
        Objects.requireNonNull(kind, "kind");
        verbs = List.copyOf(verbs);
    }

    String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** {@code plural.group} (just the plural in the core group), as upstream names resources in logs. */
    String groupResource() {
        return group.isEmpty() ? plural : plural + "." + group;
    }

    /** The path of one object ({@code namespace} ignored for cluster-scoped resources). */
    String objectPath(String namespace, String name) {
        String prefix = group.isEmpty() ? "/api/v1" : "/apis/" + group + "/" + version;
        return prefix + (namespaced ? "/namespaces/" + namespace : "") + "/" + plural + "/" + name;
    }

    ResourceDefinitionContext context() {
        return new ResourceDefinitionContext.Builder()
                .withGroup(group)
                .withVersion(version)
                .withPlural(plural)
                .withKind(kind)
                .withNamespaced(namespaced)
                .build();
    }

    /** Whether the garbage collector can watch it and delete from it. */
    boolean deletable() {
        return verbs.contains("list") && verbs.contains("watch") && verbs.contains("delete");
    }
}
