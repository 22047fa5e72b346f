package dev.kapal.apiserver.registry;

import dev.kapal.api.ResourceInfo;
import java.util.Objects;
import java.util.Optional;

/**
 * A resource the API server serves: its catalogue entry, its strategy and, when it has a
 * {@code scale} subresource, how scale maps onto it. Built-in kinds are declared as constants of
 * these; custom resources get one per served version of their CRD.
 */
public record ResourceDefinition(ResourceInfo info, Strategy strategy, Optional<ScaleSpec> scale) {
    public ResourceDefinition {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(scale, "scale");
    }

    public ResourceDefinition(ResourceInfo info, Strategy strategy) {
        this(info, strategy, Optional.empty());
    }
}
