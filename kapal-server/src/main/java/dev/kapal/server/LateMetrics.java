package dev.kapal.server;

import dev.kapal.apiserver.metrics.MetricsSource;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The API server's view of the metrics of a component made after it (the scheduler, the
 * controller manager): made before both, {@link #serve served} once the component starts, empty
 * until then. The writer must keep {@link MetricsSource}'s contract (thread-safe, quick, never
 * throws) and write nothing while its component does not run (another server leads).
 */
final class LateMetrics implements MetricsSource {
    private volatile Consumer<StringBuilder> writer;

    /** From now on {@code /metrics} includes what {@code metrics} writes. */
    void serve(Consumer<StringBuilder> metrics) {
        this.writer = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public void writeTo(StringBuilder out) {
        Consumer<StringBuilder> current = writer;
        if (current != null) {
            current.accept(out);
        }
    }
}
