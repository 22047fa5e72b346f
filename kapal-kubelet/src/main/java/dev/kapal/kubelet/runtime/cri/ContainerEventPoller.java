package dev.kapal.kubelet.runtime.cri;

import dev.kapal.kubelet.runtime.ContainerEvent;
import dev.kapal.kubelet.runtime.ContainerState;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Container events made by listing (the kubelet's generic PLEG): every {@code interval} it lists the
 * runtime's containers, compares each one's state with the previous listing and tells listeners
 * what changed — a new container (CREATED, or STARTED/STOPPED if it already moved on), a state
 * change (STARTED, STOPPED) or a disappearance (DELETED). containerd 1.6 has no
 * {@code GetContainerEvents} stream, so this is how the kubelet learns that a container exited.
 *
 * <p>The first listing is taken when the first listener subscribes and produces no events.
 * A failed listing (the runtime restarting) is skipped. Listeners run on the one polling thread
 * and must return quickly.
 */
final class ContainerEventPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerEventPoller.class);

    /** What a listing gives per container. */
    record Observed(String containerId, String podSandboxId, ContainerState state) {
        Observed {
            Objects.requireNonNull(containerId, "containerId");
            Objects.requireNonNull(podSandboxId, "podSandboxId");
            Objects.requireNonNull(state, "state");
        }
    }

    private final Supplier<List<Observed>> lister;
    private final Duration interval;
    private final Clock clock;
    private final List<Consumer<ContainerEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private Map<String, Observed> previous;
    private ScheduledExecutorService timer;

    ContainerEventPoller(Supplier<List<Observed>> lister, Duration interval, Clock clock) {
        this.lister = Objects.requireNonNull(lister, "lister");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Adds a listener (starting to poll with the first one); closing the handle removes it. */
    AutoCloseable subscribe(Consumer<ContainerEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (lock) {
            if (timer == null) {
                previous = index(lister.get());
                timer = Executors.newSingleThreadScheduledExecutor(task -> Thread.ofPlatform()
                        .name("cri-container-events").daemon().unstarted(task));
                timer.scheduleWithFixedDelay(this::poll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
            }
            listeners.add(listener);
        }
        return () -> listeners.remove(listener);
    }

    /** One listing and its events; package-private so tests can drive it without waiting. */
    void poll() {
        List<Observed> listing;
        try {
            listing = lister.get();
        } catch (RuntimeException e) {
            LOG.debug("container listing failed; trying again next period", e);
            return;
        }
        Map<String, Observed> current = index(listing);
        Map<String, Observed> before;
        synchronized (lock) {
            before = previous;
            previous = current;
        }
        for (Observed now : current.values()) {
            Observed then = before.get(now.containerId());
            if (then == null || then.state() != now.state()) {
                emit(now, switch (now.state()) {
                    case CONTAINER_CREATED -> ContainerEvent.Type.CONTAINER_CREATED_EVENT;
                    case CONTAINER_RUNNING -> ContainerEvent.Type.CONTAINER_STARTED_EVENT;
                    case CONTAINER_EXITED, CONTAINER_UNKNOWN -> ContainerEvent.Type.CONTAINER_STOPPED_EVENT;
                });
            }
        }
        for (Observed gone : before.values()) {
            if (!current.containsKey(gone.containerId())) {
                emit(gone, ContainerEvent.Type.CONTAINER_DELETED_EVENT);
            }
        }
    }

    private void emit(Observed container, ContainerEvent.Type type) {
        ContainerEvent event = new ContainerEvent(container.containerId(), container.podSandboxId(), type, clock.instant());
        for (Consumer<ContainerEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("container event listener failed on {}", event, e);
            }
        }
    }

    private static Map<String, Observed> index(List<Observed> listing) {
        Map<String, Observed> byId = new HashMap<>();
        for (Observed observed : listing) {
            byId.put(observed.containerId(), observed);
        }
        return byId;
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (timer != null) {
                timer.shutdownNow();
            }
        }
        listeners.clear();
    }
}
