package dev.kapal.kubelet;

import dev.kapal.kubelet.runtime.NodeRuntime;
import dev.kapal.kubelet.runtime.ProbeType;
import dev.kapal.kubelet.runtime.SimulatedProbe;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One probe (liveness, readiness or startup) of one container of a pod, as upstream's prober
 * worker: probes the pod's current container every {@code periodSeconds} once
 * {@code initialDelaySeconds} passed since it started, and turns runs into a result with
 * {@code successThreshold}/{@code failureThreshold}.
 *
 * <p>Upstream semantics kept:
 * <ul>
 *   <li>Each new container starts from the initial result: liveness success, readiness failure,
 *       startup unknown (so a container with a startup probe is not started until it passes).</li>
 *   <li>Liveness and readiness do not run until the container is started (its startup probe
 *       succeeded); the startup probe stops once it is.</li>
 *   <li>The result changes only after {@code failureThreshold} consecutive failures or
 *       {@code successThreshold} consecutive successes; a run that errored (the probe could not
 *       be carried out) is thrown away.</li>
 *   <li>A liveness or startup failure holds the worker until a new container appears (the pod
 *       worker kills and restarts this one).</li>
 *   <li>Every failed run records {@code Unhealthy} ({@code Liveness probe failed: <output>}), a
 *       redirect to another host {@code ProbeWarning}, an error
 *       {@code … probe errored and resulted in unknown state: …}.</li>
 * </ul>
 * Every change of the result asks the pod worker to sync. Runs happen on {@code probes} (virtual
 * threads), ticks on the host's timer; a tick while a run is still going is skipped.
 */
final class ProbeWorker {
    /** Upstream's {@code results.Result}. */
    enum Result { SUCCESS, FAILURE, UNKNOWN }

    /** The container the worker probes now. */
    record Target(String containerId, Instant startedAt, String podIp) {
        Target {
            Objects.requireNonNull(containerId, "containerId");
            Objects.requireNonNull(startedAt, "startedAt");
            Objects.requireNonNull(podIp, "podIp");
        }
    }

    /** What the worker needs of its pod. */
    interface Owner {
        Pod pod();

        NodeRuntime runtime();

        /** The startup result of the container now, for gating liveness and readiness. */
        boolean started(String containerName, String containerId);

        void resultChanged();

        void event(String containerName, String type, String reason, String message);
    }

    private final Owner owner;
    private final Container container;
    private final ProbeType type;
    private final Probe spec;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final Executor probes;
    private final AtomicBoolean running = new AtomicBoolean();

    // Guarded by this.
    private Target target;
    private Result result;
    private Result lastResult = Result.UNKNOWN;
    private int resultRun;
    private boolean onHold;
    private ScheduledFuture<?> tick;
    private boolean stopped;

    ProbeWorker(Owner owner, Container container, ProbeType type, Probe spec, Clock clock, ScheduledExecutorService timers,
                Executor probes) {
        this.owner = owner;
        this.container = container;
        this.type = type;
        this.spec = spec;
        this.clock = clock;
        this.timers = timers;
        this.probes = probes;
        this.result = initial(type);
    }

    private static Result initial(ProbeType type) {
        return switch (type) {
            case LIVENESS -> Result.SUCCESS;
            case READINESS -> Result.FAILURE;
            case STARTUP -> Result.UNKNOWN;
        };
    }

    ProbeType type() {
        return type;
    }

    Probe spec() {
        return spec;
    }

    /** The result for {@code containerId}; the initial one for a container not probed yet. */
    synchronized Result result(String containerId) {
        return target != null && target.containerId().equals(containerId) ? result : initial(type);
    }

    /** Whether this (liveness or startup) worker failed the container and is waiting for a new one. */
    synchronized boolean failed(String containerId) {
        return target != null && target.containerId().equals(containerId) && result == Result.FAILURE
                && type != ProbeType.READINESS;
    }

    /**
     * The container is running: probe it (from its start plus the initial delay). A new container
     * id resets the result and resumes a held worker.
     */
    synchronized void running(String containerId, Instant startedAt, String podIp) {
        if (stopped) {
            return;
        }
        if (target != null && target.containerId().equals(containerId)) {
            if (!podIp.equals(target.podIp())) {
                target = new Target(containerId, target.startedAt(), podIp);
            }
            return;
        }
        target = new Target(containerId, startedAt, podIp);
        result = initial(type);
        lastResult = Result.UNKNOWN;
        resultRun = 0;
        onHold = false;
        cancelTick();
        long period = Math.max(1, seconds(spec.getPeriodSeconds(), 10)) * 1000L;
        long initialDelay = Math.max(0, Duration.between(clock.instant(),
                startedAt.plusSeconds(Math.max(0, seconds(spec.getInitialDelaySeconds(), 0)))).toMillis());
        try {
            tick = timers.scheduleAtFixedRate(this::tick, initialDelay, period, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // The host is closing.
        }
    }

    /** The container is not running (exited, or not created yet): stop probing until it runs again. */
    synchronized void notRunning() {
        cancelTick();
    }

    /** The pod is ending: no more probes. */
    synchronized void stop() {
        stopped = true;
        cancelTick();
    }

    private void cancelTick() {
        if (tick != null) {
            tick.cancel(false);
            tick = null;
        }
    }

    private void tick() {
        if (!running.compareAndSet(false, true)) {
            return;  // the previous run is still going
        }
        try {
            probes.execute(() -> {
                try {
                    probe();
                } finally {
                    running.set(false);
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            running.set(false);
        }
    }

    /** One run, with upstream's gating, thresholds and events. */
    void probe() {
        Target current;
        synchronized (this) {
            if (stopped || onHold || target == null) {
                return;
            }
            current = target;
        }
        Instant now = clock.instant();
        if (now.isBefore(current.startedAt().plusSeconds(Math.max(0, seconds(spec.getInitialDelaySeconds(), 0))))) {
            return;
        }
        boolean started = owner.started(container.getName(), current.containerId());
        if (type == ProbeType.STARTUP ? started : !started) {
            return;
        }
        Pod pod = owner.pod();
        if (pod.getMetadata().getDeletionTimestamp() != null && type != ProbeType.READINESS) {
            return;  // upstream stops liveness and startup probes once deletion is requested
        }
        ProbeRunner.Outcome outcome = carryOut(pod, current);
        String name = type.display();
        if (outcome.errored()) {
            owner.event(container.getName(), "Warning", "Unhealthy",
                    name + " probe errored and resulted in unknown state: " + outcome.error());
            return;
        }
        Result run = switch (outcome.result()) {
            case SUCCESS -> Result.SUCCESS;
            case WARNING -> {
                owner.event(container.getName(), "Warning", "ProbeWarning", name + " probe warning: " + outcome.output());
                yield Result.SUCCESS;
            }
            case FAILURE -> {
                owner.event(container.getName(), "Warning", "Unhealthy", name + " probe failed: " + outcome.output());
                yield Result.FAILURE;
            }
            case UNKNOWN -> Result.FAILURE;
        };
        boolean changed;
        synchronized (this) {
            if (stopped || target == null || !target.containerId().equals(current.containerId())) {
                return;  // a new container came meanwhile: this run is about the old one
            }
            if (lastResult == run) {
                resultRun++;
            } else {
                lastResult = run;
                resultRun = 1;
            }
            int threshold = run == Result.FAILURE ? Math.max(1, seconds(spec.getFailureThreshold(), 3))
                    : Math.max(1, seconds(spec.getSuccessThreshold(), 1));
            if (resultRun < threshold) {
                return;
            }
            changed = result != run;
            result = run;
            if (type != ProbeType.READINESS && run == Result.FAILURE) {
                onHold = true;
                resultRun = 0;
            }
        }
        if (changed) {
            owner.resultChanged();
        }
    }

    private ProbeRunner.Outcome carryOut(Pod pod, Target current) {
        NodeRuntime runtime = owner.runtime();
        Map<String, String> annotations = pod.getMetadata().getAnnotations() == null ? Map.of() : pod.getMetadata().getAnnotations();
        Optional<SimulatedProbe> simulated = runtime.simulatedProbe(current.containerId(), type, annotations);
        if (simulated.isPresent()) {
            return ProbeRunner.Outcome.of(simulated.get().success() ? ProbeRunner.Result.SUCCESS : ProbeRunner.Result.FAILURE,
                    simulated.get().output());
        }
        return ProbeRunner.run(runtime, spec, container, current.containerId(), current.podIp());
    }

    private static int seconds(Integer value, int fallback) {
        return value == null || value == 0 ? fallback : value;
    }
}
