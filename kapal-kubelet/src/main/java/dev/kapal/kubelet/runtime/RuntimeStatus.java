package dev.kapal.kubelet.runtime;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * CRI {@code RuntimeStatus}: the conditions {@code RuntimeReady} and {@code NetworkReady}, which
 * the kubelet turns into the node's Ready condition.
 */
public record RuntimeStatus(List<Condition> conditions) {
    public static final String RUNTIME_READY = "RuntimeReady";
    public static final String NETWORK_READY = "NetworkReady";

    /** CRI {@code RuntimeCondition}. */
    public record Condition(String type, boolean status, String reason, String message) {
        public Condition {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }

    public RuntimeStatus {
        conditions = List.copyOf(conditions);
    }

    public Optional<Condition> condition(String type) {
        return conditions.stream().filter(condition -> condition.type().equals(type)).findFirst();
    }

    /** Both required conditions present and true. */
    public boolean ready() {
        return condition(RUNTIME_READY).map(Condition::status).orElse(false)
                && condition(NETWORK_READY).map(Condition::status).orElse(false);
    }
}
