package dev.kapal.api.patch;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * One patch strategy of a field, as Kubernetes spells it in the {@code patchStrategy} struct tag
 * and the {@code x-kubernetes-patch-strategy} OpenAPI extension. A field may carry several
 * ({@code "merge,retainKeys"}); a field carrying none is replaced whole by a patch, like a
 * field tagged {@code replace}.
 */
public enum PatchMetaStrategy {
    /** Lists merge element by element (by merge key, or as a set of primitives); the default for maps. */
    MERGE("merge"),
    /** The patch value replaces the field whole, maps included. */
    REPLACE("replace"),
    /**
     * Clients send {@code $retainKeys} with the keys to keep, so that switching a union member
     * (a volume source, a deployment strategy type) clears the old one. Applying honours the
     * directive wherever it appears; the strategy only tells clients to send it.
     */
    RETAIN_KEYS("retainKeys");

    private final String wireName;

    PatchMetaStrategy(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * Parses a tag value such as {@code "merge,retainKeys"}. Unknown words are refused rather than
     * ignored: a table or schema that misspells one would otherwise silently replace lists.
     *
     * @throws IllegalArgumentException on an unknown strategy
     */
    public static Set<PatchMetaStrategy> parse(String tag) {
        Set<PatchMetaStrategy> strategies = EnumSet.noneOf(PatchMetaStrategy.class);
        for (String word : tag.split(",")) {
            String trimmed = word.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            strategies.add(fromWireName(trimmed));
        }
        return Set.copyOf(strategies);
    }

    private static PatchMetaStrategy fromWireName(String word) {
        for (PatchMetaStrategy strategy : values()) {
            if (strategy.wireName.equals(word)) {
                return strategy;
            }
        }
        throw new IllegalArgumentException("unknown patch strategy " + word.toLowerCase(Locale.ROOT));
    }
}
