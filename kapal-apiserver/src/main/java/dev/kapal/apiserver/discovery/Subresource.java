package dev.kapal.apiserver.discovery;

import dev.kapal.api.GroupVersionKind;
import dev.kapal.api.ResourceInfo;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What discovery publishes for a subresource: its verbs and the kind it answers with, as
 * upstream's API installer derives them from the subresource's storage. Subresources that answer
 * with their parent's kind ({@code status}) take it from the parent; the others name their own
 * group, version and kind ({@code scale} answers {@code autoscaling/v1 Scale}).
 *
 * @param name            the subresource name ({@code status})
 * @param verbs           the verbs, in upstream's (sorted) order
 * @param responseKind    the kind it answers with; empty when it is the parent's
 * @param explicitGroupVersion whether the legacy APIResource entry names {@code group} and
 *                        {@code version} (upstream does so for kinds from another group-version)
 */
public record Subresource(String name, List<String> verbs, Optional<GroupVersionKind> responseKind, boolean explicitGroupVersion) {

    private static final List<String> READ_WRITE = List.of("get", "patch", "update");
    private static final List<String> CONNECT_GET = List.of("create", "get");
    private static final List<String> PROXY = List.of("create", "delete", "get", "patch", "update");

    public Subresource {
        Objects.requireNonNull(name, "name");
        verbs = List.copyOf(verbs);
        Objects.requireNonNull(responseKind, "responseKind");
    }

    /**
     * The discovery entry for subresource {@code name} of {@code parent}.
     *
     * @throws IllegalArgumentException for a subresource discovery does not know; every served
     *                                  subresource must be described here, so a new one fails the
     *                                  discovery tests instead of being published with guessed verbs
     */
    public static Subresource of(ResourceInfo parent, String name) {
        String version = parent.groupVersion().version();
        String group = parent.groupVersion().group();
        return switch (name) {
            case "status", "approval", "ephemeralcontainers", "resize" -> sameKind(name, READ_WRITE);
            case "finalize" -> sameKind(name, List.of("update"));
            case "log" -> sameKind(name, List.of("get"));
            case "scale" -> other(name, READ_WRITE, new GroupVersionKind("autoscaling", "v1", "Scale"));
            case "binding" -> local(name, List.of("create"), new GroupVersionKind(group, version, "Binding"));
            case "eviction" -> other(name, List.of("create"), new GroupVersionKind("policy", "v1", "Eviction"));
            case "token" -> other(name, List.of("create"), new GroupVersionKind("authentication.k8s.io", "v1", "TokenRequest"));
            case "exec" -> local(name, CONNECT_GET, new GroupVersionKind(group, version, "PodExecOptions"));
            case "attach" -> local(name, CONNECT_GET, new GroupVersionKind(group, version, "PodAttachOptions"));
            case "portforward" -> local(name, CONNECT_GET, new GroupVersionKind(group, version, "PodPortForwardOptions"));
            case "proxy" -> local(name, PROXY, new GroupVersionKind(group, version, parent.kind() + "ProxyOptions"));
            default -> throw new IllegalArgumentException(
                    "discovery does not know subresource " + parent.plural() + "/" + name + " of " + parent.gvk());
        };
    }

    /** The kind this subresource answers with, given its parent. */
    public GroupVersionKind responseKind(ResourceInfo parent) {
        return responseKind.orElse(parent.gvk());
    }

    private static Subresource sameKind(String name, List<String> verbs) {
        return new Subresource(name, verbs, Optional.empty(), false);
    }

    private static Subresource local(String name, List<String> verbs, GroupVersionKind kind) {
        return new Subresource(name, verbs, Optional.of(kind), false);
    }

    private static Subresource other(String name, List<String> verbs, GroupVersionKind kind) {
        return new Subresource(name, verbs, Optional.of(kind), true);
    }
}
