package dev.kapal.controllers.garbagecollector;

import java.util.Objects;

/**
 * What a garbage-collector worker is asked to do with one node of the graph: upstream's two
 * queues, {@code attemptToDelete} and {@code attemptToOrphan}, as one sealed key type.
 */
public sealed interface WorkItem {
    Identity identity();

    /** Decide whether the object must go (all owners absent, or owners waiting in the foreground) and act. */
    record AttemptToDelete(Identity identity) implements WorkItem {
        public AttemptToDelete {
            Objects.requireNonNull(identity, "identity");
        }
    }

    /** Remove the owner's references from its dependents, then its {@code orphan} finalizer. */
    record AttemptToOrphan(Identity identity) implements WorkItem {
        public AttemptToOrphan {
            Objects.requireNonNull(identity, "identity");
        }
    }
}
