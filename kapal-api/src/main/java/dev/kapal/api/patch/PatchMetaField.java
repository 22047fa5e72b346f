package dev.kapal.api.patch;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What strategic merge patch needs to know about one field of an object type.
 *
 * @param strategies its patch strategies; empty means "replace" for lists and "merge" for maps,
 *                   as upstream treats untagged fields
 * @param mergeKey   for lists of objects merged element-wise, the member identifying an element
 *                   ({@code name} for containers); empty for other fields
 * @param type       the type of the field's value, or for a list the type of its elements, so a
 *                   lookup can descend into it; {@link PatchMetaType#UNKNOWN} when nothing below
 *                   carries patch metadata
 */
public record PatchMetaField(Set<PatchMetaStrategy> strategies, Optional<String> mergeKey, PatchMetaType type) {
    /** A field without patch metadata: maps merge, lists are replaced. */
    public static final PatchMetaField NONE = new PatchMetaField(Set.of(), Optional.empty(), PatchMetaType.UNKNOWN);

    public PatchMetaField {
        strategies = Set.copyOf(strategies);
        Objects.requireNonNull(mergeKey, "mergeKey");
        Objects.requireNonNull(type, "type");
    }

    /** Lists merge element-wise (or as a set of primitives) rather than being replaced. */
    public boolean merges() {
        return strategies.contains(PatchMetaStrategy.MERGE);
    }

    /** Maps are replaced whole rather than merged key by key. */
    public boolean replaces() {
        return strategies.contains(PatchMetaStrategy.REPLACE);
    }

    /** Clients computing patches should send {@code $retainKeys} for this field. */
    public boolean retainsKeys() {
        return strategies.contains(PatchMetaStrategy.RETAIN_KEYS);
    }

    /** The strategies as the struct tag / OpenAPI extension spells them ({@code "merge,retainKeys"}), or "". */
    public String strategyTag() {
        return Arrays.stream(PatchMetaStrategy.values())
                .filter(strategies::contains)
                .map(PatchMetaStrategy::wireName)
                .collect(Collectors.joining(","));
    }
}
