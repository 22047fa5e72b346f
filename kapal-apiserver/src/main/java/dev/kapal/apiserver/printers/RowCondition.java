package dev.kapal.apiserver.printers;

import java.util.Objects;

/**
 * A {@code TableRowCondition}. Upstream sets only {@code Completed} (on pods that succeeded or
 * failed), which older kubectl used to hide finished pods.
 */
public record RowCondition(String type, String status, String reason, String message) {
    public RowCondition {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }
}
