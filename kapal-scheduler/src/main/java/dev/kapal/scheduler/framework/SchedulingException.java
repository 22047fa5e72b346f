package dev.kapal.scheduler.framework;

/** A plugin returned Error: the cycle ends and the pod goes to backoff. */
public final class SchedulingException extends RuntimeException {
    private final transient Status status;

    public SchedulingException(Status status) {
        super(status.plugin() + ": " + status.message());
        this.status = status;
    }

    public Status status() {
        return status;
    }
}
