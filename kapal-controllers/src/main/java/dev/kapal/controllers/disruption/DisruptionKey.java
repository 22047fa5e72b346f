package dev.kapal.controllers.disruption;

import dev.kapal.controllers.runtime.ObjectKey;
import java.util.Objects;

/** The disruption controller's two kinds of work, as upstream's two queues. */
public sealed interface DisruptionKey {
    ObjectKey object();

    /** Recompute a PodDisruptionBudget's status. */
    record Budget(ObjectKey object) implements DisruptionKey {
        public Budget {
            Objects.requireNonNull(object, "object");
        }
    }

    /** Reset a pod's DisruptionTarget condition that no deletion followed. */
    record StalePod(ObjectKey object) implements DisruptionKey {
        public StalePod {
            Objects.requireNonNull(object, "object");
        }
    }
}
