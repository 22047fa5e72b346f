package dev.kapal.scheduler.plugins;

import dev.kapal.scheduler.framework.BindPlugin;
import dev.kapal.scheduler.framework.CycleState;
import dev.kapal.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Objects;

/** Binds through the API ({@code pods/binding}) with the function the scheduler gives it. */
public final class DefaultBinder implements BindPlugin {
    public static final String NAME = "DefaultBinder";

    /** Creates the Binding; blocking; returns Error with the API's message when it fails. */
    @FunctionalInterface
    public interface BindingWriter {
        Status bind(Pod pod, String nodeName);
    }

    private final BindingWriter writer;

    public DefaultBinder(BindingWriter writer) {
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status bind(CycleState state, Pod pod, String nodeName) {
        return writer.bind(pod, nodeName);
    }
}
