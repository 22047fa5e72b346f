package dev.kapal.kubelet;

import dev.kapal.kubelet.runtime.ContainerStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * What the kubelet knows about one container of a pod when it writes the pod's status: the
 * current runtime container (if one was created), the previous attempt's final state (the API's
 * {@code lastState}), the restart count, and the back-off the next restart waits for.
 *
 * @param backOff       present while a restart waits: the message of the {@code CrashLoopBackOff}
 *                      waiting state ({@code back-off 10s restarting failed container=…}), or of
 *                      the waiting reason below
 * @param waitingReason the waiting reason shown with {@code backOff} when it is not
 *                      {@code CrashLoopBackOff}: {@code ErrImagePull}, {@code ImagePullBackOff},
 *                      {@code ErrImageNeverPull}, {@code CreateContainerConfigError}…
 * @param started       for a running container: whether it counts as started (its startup probe,
 *                      if any, succeeded)
 * @param ready         for a running container: whether it is ready (started, and its readiness
 *                      probe, if any, succeeds)
 */
record ContainerView(String name, Optional<ContainerStatus> current, Optional<ContainerStatus> previous,
                     int restartCount, Optional<String> backOff, Optional<String> waitingReason,
                     boolean started, boolean ready) {
    ContainerView {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(backOff, "backOff");
        Objects.requireNonNull(waitingReason, "waitingReason");
    }

    /** A container without probes: started and ready whenever it runs. */
    ContainerView(String name, Optional<ContainerStatus> current, Optional<ContainerStatus> previous, int restartCount,
                  Optional<String> backOff) {
        this(name, current, previous, restartCount, backOff, Optional.empty(), true, true);
    }

    static ContainerView notCreated(String name) {
        return new ContainerView(name, Optional.empty(), Optional.empty(), 0, Optional.empty());
    }
}
