package dev.kapal.apiserver.kinds;

import dev.kapal.api.GroupVersion;
import dev.kapal.api.ResourceInfo;
import dev.kapal.apiserver.registry.ResourceDefinition;
import dev.kapal.apiserver.registry.ScaleSpec;
import dev.kapal.apiserver.registry.Strategy;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A terse way to write one catalogue entry. Defaults follow what is true of most built-ins:
 * namespaced, all eight verbs, singular = lower-cased kind, list kind = kind + {@code List},
 * stored under its own plural.
 */
final class KindSpec {
    private final GroupVersion groupVersion;
    private final String plural;
    private final String kind;
    private String singular;
    private boolean namespaced = true;
    private List<String> verbs = ResourceInfo.ALL_VERBS;
    private List<String> shortNames = List.of();
    private List<String> categories = List.of();
    private Set<String> subresources = Set.of();
    private String storageResource;

    private KindSpec(GroupVersion groupVersion, String plural, String kind) {
        this.groupVersion = groupVersion;
        this.plural = plural;
        this.kind = kind;
        this.singular = kind.toLowerCase(Locale.ROOT);
        this.storageResource = plural;
    }

    static KindSpec kind(GroupVersion groupVersion, String plural, String kind) {
        return new KindSpec(groupVersion, plural, kind);
    }

    KindSpec clusterScoped() {
        this.namespaced = false;
        return this;
    }

    KindSpec singular(String value) {
        this.singular = value;
        return this;
    }

    KindSpec verbs(String... values) {
        this.verbs = List.of(values);
        return this;
    }

    KindSpec verbs(List<String> values) {
        this.verbs = List.copyOf(values);
        return this;
    }

    KindSpec shortNames(String... values) {
        this.shortNames = List.of(values);
        return this;
    }

    KindSpec categories(String... values) {
        this.categories = List.of(values);
        return this;
    }

    KindSpec subresources(String... values) {
        this.subresources = Set.of(values);
        return this;
    }

    /** Shares the storage of another resource (same objects served under two groups or versions). */
    KindSpec storedAs(String value) {
        this.storageResource = value;
        return this;
    }

    ResourceInfo info() {
        return new ResourceInfo(groupVersion, plural, singular, kind, kind + "List", namespaced, verbs,
                shortNames, categories, subresources, storageResource);
    }

    ResourceDefinition with(Strategy strategy) {
        ResourceInfo info = info();
        return new ResourceDefinition(info, NamedStrategy.of(strategy, BuiltinKinds.nameRule(info)));
    }

    /** With the {@code scale} subresource mapped onto {@code .spec.replicas} / {@code .status.replicas}. */
    ResourceDefinition scaledWith(Strategy strategy) {
        ResourceInfo info = info();
        return new ResourceDefinition(info, NamedStrategy.of(strategy, BuiltinKinds.nameRule(info)),
                Optional.of(ScaleSpec.WORKLOAD));
    }
}
