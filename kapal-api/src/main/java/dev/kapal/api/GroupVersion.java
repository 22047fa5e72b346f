package dev.kapal.api;

import java.util.Objects;

/** An API group and version; the core group is the empty string ({@code v1}). */
public record GroupVersion(String group, String version) {
    public static final GroupVersion CORE_V1 = new GroupVersion("", "v1");

    public GroupVersion {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(version, "version");
    }

    /** Parses an {@code apiVersion} field: {@code v1} or {@code apps/v1}. */
    public static GroupVersion parse(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0
                ? new GroupVersion("", apiVersion)
                : new GroupVersion(apiVersion.substring(0, slash), apiVersion.substring(slash + 1));
    }

    /** The {@code apiVersion} string as it appears in objects. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** The URL prefix this group-version is served under. */
    public String pathPrefix() {
        return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    }

    @Override
    public String toString() {
        return apiVersion();
    }
}
