package dev.kapal.controllers.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * What one {@code reconcile} call asks of its controller. The controller turns it into queue
 * operations in one exhaustive switch (see {@link Controller}):
 * <ul>
 *   <li>{@link Done}: the object is as it should be; its retry history is forgotten.</li>
 *   <li>{@link RequeueAfter}: look again after a delay (waiting for something that does not
 *       send an informer event, such as objects disappearing elsewhere); not a failure, so
 *       the retry history is forgotten too.</li>
 *   <li>{@link Error}: the attempt failed; retry with the per-key exponential backoff.</li>
 * </ul>
 */
public sealed interface Result {
    Done DONE = new Done();

    static Result done() {
        return DONE;
    }

    static Result requeueAfter(Duration delay) {
        return new RequeueAfter(delay);
    }

    static Result error(Throwable cause) {
        return new Error(cause);
    }

    /** Nothing more to do for this key until an informer event enqueues it again. */
    record Done() implements Result {
    }

    /** Reconcile this key again after {@code delay}. */
    record RequeueAfter(Duration delay) implements Result {
        public RequeueAfter {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("negative requeue delay " + delay);
            }
        }
    }

    /** The attempt failed; retried with backoff. */
    record Error(Throwable cause) implements Result {
        public Error {
            Objects.requireNonNull(cause, "cause");
        }
    }
}
