package dev.kapal.api;

import java.util.Objects;

public record GroupVersionKind(String group, String version, String kind) {
    public GroupVersionKind {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(kind, "kind");
    }

    public GroupVersion groupVersion() {
        return new GroupVersion(group, version);
    }

    @Override
    public String toString() {
        return groupVersion().apiVersion() + ", Kind=" + kind;
    }
}
