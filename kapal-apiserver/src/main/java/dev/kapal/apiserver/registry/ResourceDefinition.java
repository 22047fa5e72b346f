package dev.kapal.apiserver.registry;

import dev.kapal.api.ResourceInfo;
import java.util.Objects;
import java.util.Optional;

/**
 * A resource the API server serves: its catalogue entry, its strategy, how the {@code scale}
 * subresource maps onto it (when it has one), and how its objects convert to the stored version
 * (when storage is shared with another version). Built-in kinds are declared as constants of
 * these; custom resources get one per served version of their CRD.
 */
public record ResourceDefinition(ResourceInfo info, Strategy strategy, Optional<ScaleSpec> scale, Conversion conversion) {
    public ResourceDefinition {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(scale, "scale");
        Objects.requireNonNull(conversion, "conversion");
    }

    public ResourceDefinition(ResourceInfo info, Strategy strategy, Optional<ScaleSpec> scale) {
        this(info, strategy, scale, Conversion.NONE);
    }

    public ResourceDefinition(ResourceInfo info, Strategy strategy) {
        this(info, strategy, Optional.empty(), Conversion.NONE);
    }

    /** The same definition with objects converted to and from another stored version. */
    public ResourceDefinition convertedWith(Conversion value) {
        return new ResourceDefinition(info, strategy, scale, value);
    }
}
