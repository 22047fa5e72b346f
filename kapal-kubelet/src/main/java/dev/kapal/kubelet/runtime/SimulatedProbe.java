package dev.kapal.kubelet.runtime;

import java.util.Objects;

/**
 * A probe answered by a simulated runtime instead of being carried out (see
 * {@link NodeRuntime#simulatedProbe}).
 *
 * @param output what the kubelet reports for a failure ({@code Liveness probe failed: <output>})
 */
public record SimulatedProbe(boolean success, String output) {
    public SimulatedProbe {
        Objects.requireNonNull(output, "output");
    }
}
