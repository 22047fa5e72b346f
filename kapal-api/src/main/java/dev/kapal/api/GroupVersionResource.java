package dev.kapal.api;

import java.util.Objects;

public record GroupVersionResource(String group, String version, String resource) {
    public GroupVersionResource {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(resource, "resource");
    }

    public GroupVersion groupVersion() {
        return new GroupVersion(group, version);
    }

    /** The resource qualified by group as upstream prints it in errors: {@code deployments.apps}. */
    public String groupResource() {
        return group.isEmpty() ? resource : resource + "." + group;
    }

    @Override
    public String toString() {
        return groupVersion().apiVersion() + "/" + resource;
    }
}
