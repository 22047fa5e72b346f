package dev.kapal.kubelet;

import dev.kapal.kubelet.runtime.ContainerState;
import dev.kapal.kubelet.runtime.ContainerStatus;
import dev.kapal.kubelet.runtime.PodSandboxState;
import dev.kapal.kubelet.runtime.PodSandboxStatus;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Computes a pod's status the way the kubelet's {@code generateAPIPodStatus} and status manager
 * do, from what the runtime reports: phase (upstream's {@code getPhase}), the kubelet-owned
 * conditions in the kubelet's order (PodReadyToStartContainers, Initialized, Ready,
 * ContainersReady, PodScheduled) with upstream's reasons and messages, readiness gates, container
 * and init container statuses, addresses, start time and QoS class. A pure function: the same
 * observation gives an equal status, so unchanged pods are not written again.
 *
 * <p>Condition transition times are kept from the old status while a condition's status stays
 * the same. Conditions other components own (readiness gates, DisruptionTarget) are not produced
 * here: the status is written as a strategic merge patch, which leaves them alone.
 */
final class PodStatuses {
    static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private PodStatuses() {
    }

    /**
     * What the kubelet observed of one pod.
     *
     * @param sandbox     the pod's newest sandbox, if one was created
     * @param containers  one view per container name (init and app), missing ones count as not created
     * @param terminating the kubelet is ending the pod (deletion requested): a pod whose containers
     *                    all stopped then reaches a terminal phase whatever its restart policy
     * @param previous    the status this kubelet computed last (its status manager's cache), whose
     *                    transition times, start time and addresses carry over; empty to use the
     *                    server's. Readiness gates and PodScheduled always come from the server's.
     */
    record Observation(Pod pod, Optional<PodStatus> previous, Optional<PodSandboxStatus> sandbox,
                       Map<String, ContainerView> containers, List<String> hostIps, Instant startTime,
                       boolean terminating, String runtimeName, Instant now, Optional<Failure> failure) {
        /** Without a failure of the kubelet's own. */
        Observation(Pod pod, Optional<PodStatus> previous, Optional<PodSandboxStatus> sandbox,
                    Map<String, ContainerView> containers, List<String> hostIps, Instant startTime,
                    boolean terminating, String runtimeName, Instant now) {
            this(pod, previous, sandbox, containers, hostIps, startTime, terminating, runtimeName, now, Optional.empty());
        }

        Observation {
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(pod, "pod");
            Objects.requireNonNull(previous, "previous");
            Objects.requireNonNull(sandbox, "sandbox");
            containers = Map.copyOf(containers);
            hostIps = List.copyOf(hostIps);
            Objects.requireNonNull(startTime, "startTime");
            Objects.requireNonNull(runtimeName, "runtimeName");
            Objects.requireNonNull(now, "now");
        }
    }

    /**
     * The kubelet failed the pod itself (upstream's pod sync handlers, {@code ShouldEvict}): the
     * phase is Failed with this reason and message, e.g. {@code DeadlineExceeded}.
     */
    record Failure(String reason, String message) {
        Failure {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }

    static String time(Instant instant) {
        return RFC3339.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    static PodStatus build(Observation observation) {
        Pod pod = observation.pod();
        PodSpec spec = pod.getSpec();
        PodStatus server = pod.getStatus() != null ? pod.getStatus() : new PodStatus();
        PodStatus old = observation.previous().orElse(server);
        boolean hasInit = !spec.getInitContainers().isEmpty();
        List<io.fabric8.kubernetes.api.model.ContainerStatus> init = new ArrayList<>();
        for (Container container : spec.getInitContainers()) {
            init.add(convert(container, view(observation, container), hasInit, observation));
        }
        List<io.fabric8.kubernetes.api.model.ContainerStatus> app = new ArrayList<>();
        for (Container container : spec.getContainers()) {
            app.add(convert(container, view(observation, container), hasInit, observation));
        }
        String phase = phase(spec, observation, init, app);
        if (observation.failure().isPresent()) {
            phase = "Failed";
        }
        if ("Succeeded".equals(old.getPhase()) || "Failed".equals(old.getPhase())) {
            phase = old.getPhase();  // a terminal phase is final
        }

        List<PodCondition> conditions = new ArrayList<>();
        boolean sandboxReady = observation.sandbox().map(sandbox -> sandbox.state() == PodSandboxState.SANDBOX_READY).orElse(false);
        conditions.add(condition(old, "PodReadyToStartContainers", sandboxReady, "", "", observation.now()));
        conditions.add(initialized(spec, init, app, phase, old, observation.now()));
        PodCondition containersReady = containersReady(spec, init, app, phase, old, observation.now());
        conditions.add(ready(spec, containersReady, old, server, observation.now()));
        conditions.add(containersReady);
        conditions.add(scheduled(server, old, observation.now()));

        PodStatus status = new PodStatus();
        status.setPhase(phase);
        Optional<Failure> failure = observation.failure();
        if (failure.isEmpty() && "Failed".equals(phase) && old.getReason() != null) {
            failure = Optional.of(new Failure(old.getReason(), old.getMessage() == null ? "" : old.getMessage()));
        }
        failure.ifPresent(reason -> {
            status.setReason(reason.reason());
            status.setMessage(reason.message());
        });
        status.setConditions(conditions);
        status.setInitContainerStatuses(init);
        status.setContainerStatuses(app);
        if (!observation.hostIps().isEmpty()) {
            status.setHostIP(observation.hostIps().getFirst());
            status.setHostIPs(observation.hostIps().stream().map(HostIP::new).toList());
        }
        List<String> podIps = podIps(spec, observation, old);
        if (!podIps.isEmpty()) {
            status.setPodIP(podIps.getFirst());
            status.setPodIPs(podIps.stream().map(PodIP::new).toList());
        }
        status.setStartTime(old.getStartTime() != null ? old.getStartTime() : time(observation.startTime()));
        status.setQosClass(old.getQosClass() != null ? old.getQosClass() : qosClass(spec));
        return status;
    }

    private static ContainerView view(Observation observation, Container container) {
        return observation.containers().getOrDefault(container.getName(), ContainerView.notCreated(container.getName()));
    }

    private static List<String> podIps(PodSpec spec, Observation observation, PodStatus old) {
        if (Boolean.TRUE.equals(spec.getHostNetwork())) {
            return observation.hostIps();
        }
        Optional<PodSandboxStatus> sandbox = observation.sandbox();
        if (sandbox.isPresent() && sandbox.get().ip().isPresent()) {
            List<String> ips = new ArrayList<>();
            ips.add(sandbox.get().ip().get());
            ips.addAll(sandbox.get().additionalIps());
            return ips;
        }
        // A stopped sandbox gave its address back; the kubelet keeps reporting the one the pod had.
        if (old.getPodIPs() != null && !old.getPodIPs().isEmpty()) {
            return old.getPodIPs().stream().map(PodIP::getIp).toList();
        }
        return old.getPodIP() != null ? List.of(old.getPodIP()) : List.of();
    }

    // ---------------------------------------------------------------- containers

    private static io.fabric8.kubernetes.api.model.ContainerStatus convert(Container container, ContainerView view,
                                                                           boolean hasInit, Observation observation) {
        ContainerStatusBuilder status = new ContainerStatusBuilder()
                .withName(container.getName())
                .withRestartCount(view.restartCount())
                .withImage(view.current().map(current -> current.image().image()).orElse(container.getImage()))
                .withImageID(view.current().map(ContainerStatus::imageRef).orElse(""))
                .withReady(false)
                .withStarted(false);
        view.current().ifPresent(current -> status.withContainerID(observation.runtimeName() + "://" + current.id()));
        ContainerStateBuilder state = new ContainerStateBuilder();
        if (view.backOff().isPresent()) {
            state.withNewWaiting().withReason(view.waitingReason().orElse("CrashLoopBackOff")).withMessage(view.backOff().get())
                    .endWaiting();
        } else if (view.current().isEmpty()) {
            state.withNewWaiting().withReason(hasInit ? "PodInitializing" : "ContainerCreating").endWaiting();
        } else {
            ContainerStatus current = view.current().get();
            switch (current.state()) {
                case CONTAINER_CREATED -> state.withNewWaiting().withReason("ContainerCreating").endWaiting();
                case CONTAINER_RUNNING -> {
                    state.withNewRunning().withStartedAt(time(current.startedAt().orElse(current.createdAt()))).endRunning();
                    status.withStarted(view.started()).withReady(view.started() && view.ready() && !observation.terminating());
                }
                case CONTAINER_EXITED -> state.withTerminated(terminated(current, observation.runtimeName()));
                case CONTAINER_UNKNOWN -> state.withTerminated(new ContainerStateTerminatedBuilder()
                        .withExitCode(137).withReason("ContainerStatusUnknown")
                        .withMessage("The container could not be located when the pod was terminated").build());
            }
        }
        status.withState(state.build());
        status.withLastState(view.previous()
                .map(previous -> new ContainerStateBuilder().withTerminated(terminated(previous, observation.runtimeName())).build())
                .orElseGet(() -> new ContainerStateBuilder().build()));
        return status.build();
    }

    private static ContainerStateTerminated terminated(ContainerStatus container, String runtimeName) {
        ContainerStateTerminatedBuilder terminated = new ContainerStateTerminatedBuilder()
                .withExitCode(container.exitCode())
                .withReason(container.reason().isEmpty() ? (container.exitCode() == 0 ? "Completed" : "Error") : container.reason())
                .withContainerID(runtimeName + "://" + container.id());
        if (!container.message().isEmpty()) {
            terminated.withMessage(container.message());
        }
        container.startedAt().ifPresent(started -> terminated.withStartedAt(time(started)));
        container.finishedAt().ifPresent(finished -> terminated.withFinishedAt(time(finished)));
        return terminated.build();
    }

    private static boolean isSidecar(Container container) {
        return "Always".equals(container.getRestartPolicy());
    }

    private static boolean running(io.fabric8.kubernetes.api.model.ContainerStatus status) {
        return status.getState().getRunning() != null;
    }

    private static Optional<Integer> exitCode(io.fabric8.kubernetes.api.model.ContainerStatus status) {
        if (status.getState().getTerminated() != null) {
            return Optional.of(status.getState().getTerminated().getExitCode());
        }
        return Optional.empty();
    }

    private static Optional<Integer> lastExitCode(io.fabric8.kubernetes.api.model.ContainerStatus status) {
        return status.getLastState() != null && status.getLastState().getTerminated() != null
                ? Optional.of(status.getLastState().getTerminated().getExitCode()) : Optional.empty();
    }

    // ---------------------------------------------------------------- phase

    /** Upstream's {@code getPhase}, for the container states this kubelet produces. */
    private static String phase(PodSpec spec, Observation observation,
                                List<io.fabric8.kubernetes.api.model.ContainerStatus> init,
                                List<io.fabric8.kubernetes.api.model.ContainerStatus> app) {
        String restartPolicy = spec.getRestartPolicy() == null ? "Always" : spec.getRestartPolicy();
        int pendingInit = 0;
        int failedInit = 0;
        for (int index = 0; index < init.size(); index++) {
            io.fabric8.kubernetes.api.model.ContainerStatus status = init.get(index);
            if (isSidecar(spec.getInitContainers().get(index))) {
                if (!running(status) && !status.getStarted() && exitCode(status).isEmpty() && lastExitCode(status).isEmpty()) {
                    pendingInit++;
                }
                continue;
            }
            Optional<Integer> exit = exitCode(status);
            if (exit.isPresent() && exit.get() == 0) {
                continue;
            }
            if (exit.isPresent() || lastExitCode(status).map(code -> code != 0).orElse(false)) {
                failedInit++;
            } else {
                pendingInit++;
            }
        }
        boolean anyAppStarted = app.stream().anyMatch(status -> running(status) || exitCode(status).isPresent()
                || lastExitCode(status).isPresent());
        if (!anyAppStarted) {
            if (failedInit > 0 && ("Never".equals(restartPolicy) || observation.terminating())) {
                return "Failed";
            }
            if (pendingInit > 0 || failedInit > 0) {
                return observation.terminating() && init.stream().noneMatch(PodStatuses::running) ? "Failed" : "Pending";
            }
        }
        int running = 0;
        int waiting = 0;
        int stopped = 0;
        int succeeded = 0;
        for (io.fabric8.kubernetes.api.model.ContainerStatus status : app) {
            if (running(status)) {
                running++;
            } else if (exitCode(status).isPresent()) {
                stopped++;
                if (exitCode(status).get() == 0) {
                    succeeded++;
                }
            } else if (lastExitCode(status).isPresent()) {
                stopped++;
                if (lastExitCode(status).get() == 0) {
                    succeeded++;
                }
            } else {
                waiting++;
            }
        }
        if (waiting > 0) {
            return observation.terminating() && running == 0 ? "Failed" : "Pending";
        }
        if (running > 0) {
            return "Running";
        }
        if (stopped > 0) {
            if (observation.terminating()) {
                return stopped == succeeded ? "Succeeded" : "Failed";
            }
            if ("Always".equals(restartPolicy)) {
                return "Running";
            }
            if (stopped == succeeded) {
                return "Succeeded";
            }
            return "Never".equals(restartPolicy) ? "Failed" : "Running";
        }
        return "Pending";
    }

    // ---------------------------------------------------------------- conditions

    private static PodCondition condition(PodStatus old, String type, boolean status, String reason, String message, Instant now) {
        String value = status ? "True" : "False";
        String transition = old.getConditions().stream()
                .filter(existing -> type.equals(existing.getType()) && value.equals(existing.getStatus()))
                .map(PodCondition::getLastTransitionTime).filter(Objects::nonNull).findFirst()
                .orElse(time(now));
        PodConditionBuilder condition = new PodConditionBuilder().withType(type).withStatus(value).withLastTransitionTime(transition);
        if (!reason.isEmpty()) {
            condition.withReason(reason);
        }
        if (!message.isEmpty()) {
            condition.withMessage(message);
        }
        return condition.build();
    }

    private static PodCondition initialized(PodSpec spec, List<io.fabric8.kubernetes.api.model.ContainerStatus> init,
                                            List<io.fabric8.kubernetes.api.model.ContainerStatus> app,
                                            String phase, PodStatus old, Instant now) {
        if (spec.getInitContainers().isEmpty()) {
            return condition(old, "Initialized", true, "", "", now);
        }
        if ("Succeeded".equals(phase)) {
            return condition(old, "Initialized", true, "PodCompleted", "", now);
        }
        List<String> incomplete = new ArrayList<>();
        for (int index = 0; index < init.size(); index++) {
            io.fabric8.kubernetes.api.model.ContainerStatus status = init.get(index);
            boolean done = isSidecar(spec.getInitContainers().get(index))
                    ? status.getStarted() || running(status)
                    : exitCode(status).map(code -> code == 0).orElse(false);
            if (!done) {
                incomplete.add(status.getName());
            }
        }
        boolean appStarted = app.stream().anyMatch(status -> running(status) || exitCode(status).isPresent()
                || lastExitCode(status).isPresent());
        if (incomplete.isEmpty() || appStarted) {
            return condition(old, "Initialized", true, "", "", now);
        }
        return condition(old, "Initialized", false, "ContainersNotInitialized",
                "containers with incomplete status: " + goList(incomplete), now);
    }

    private static PodCondition containersReady(PodSpec spec, List<io.fabric8.kubernetes.api.model.ContainerStatus> init,
                                                List<io.fabric8.kubernetes.api.model.ContainerStatus> app,
                                                String phase, PodStatus old, Instant now) {
        if ("Succeeded".equals(phase)) {
            return condition(old, "ContainersReady", false, "PodCompleted", "", now);
        }
        if ("Failed".equals(phase)) {
            return condition(old, "ContainersReady", false, "PodFailed", "", now);
        }
        List<String> unready = new ArrayList<>();
        for (int index = 0; index < init.size(); index++) {
            if (isSidecar(spec.getInitContainers().get(index)) && !init.get(index).getReady()) {
                unready.add(init.get(index).getName());
            }
        }
        for (io.fabric8.kubernetes.api.model.ContainerStatus status : app) {
            if (!status.getReady()) {
                unready.add(status.getName());
            }
        }
        if (!unready.isEmpty()) {
            return condition(old, "ContainersReady", false, "ContainersNotReady",
                    "containers with unready status: " + goList(unready), now);
        }
        return condition(old, "ContainersReady", true, "", "", now);
    }

    private static PodCondition ready(PodSpec spec, PodCondition containersReady, PodStatus old, PodStatus server, Instant now) {
        if (!"True".equals(containersReady.getStatus())) {
            return condition(old, "Ready", false, nonNull(containersReady.getReason()), nonNull(containersReady.getMessage()), now);
        }
        List<String> unreadyGates = new ArrayList<>();
        for (PodReadinessGate gate : spec.getReadinessGates()) {
            String type = gate.getConditionType();
            Optional<PodCondition> found = server.getConditions().stream().filter(existing -> type.equals(existing.getType())).findFirst();
            if (found.isEmpty()) {
                unreadyGates.add("corresponding condition of pod readiness gate \"" + type + "\" does not exist.");
            } else if (!"True".equals(found.get().getStatus())) {
                unreadyGates.add("the status of pod readiness gate \"" + type + "\" is not \"True\", but " + found.get().getStatus());
            }
        }
        if (!unreadyGates.isEmpty()) {
            return condition(old, "Ready", false, "ReadinessGatesNotReady", String.join(", ", unreadyGates), now);
        }
        return condition(old, "Ready", true, "", "", now);
    }

    /** The scheduler's PodScheduled condition as the server has it, else the one this kubelet wrote before. */
    private static PodCondition scheduled(PodStatus server, PodStatus old, Instant now) {
        return java.util.stream.Stream.concat(server.getConditions().stream(), old.getConditions().stream())
                .filter(existing -> "PodScheduled".equals(existing.getType()) && "True".equals(existing.getStatus()))
                .findFirst()
                .map(existing -> new PodConditionBuilder(existing).build())
                .orElseGet(() -> condition(old, "PodScheduled", true, "", "", now));
    }

    /** Go's {@code %s} of a {@code []string}: {@code [a b]}. */
    private static String goList(List<String> names) {
        return "[" + String.join(" ", names) + "]";
    }

    private static String nonNull(String text) {
        return text == null ? "" : text;
    }

    // ---------------------------------------------------------------- QoS

    /** Upstream's {@code GetPodQOS}, used only when the API server did not set {@code qosClass}. */
    static String qosClass(PodSpec spec) {
        List<Container> all = new ArrayList<>(spec.getInitContainers());
        all.addAll(spec.getContainers());
        boolean any = false;
        boolean guaranteed = true;
        for (Container container : all) {
            ResourceRequirements resources = container.getResources();
            Map<String, Quantity> requests = resources == null || resources.getRequests() == null ? Map.of() : resources.getRequests();
            Map<String, Quantity> limits = resources == null || resources.getLimits() == null ? Map.of() : resources.getLimits();
            for (String resource : List.of("cpu", "memory")) {
                Quantity request = requests.get(resource);
                Quantity limit = limits.get(resource);
                if (request != null && !isZero(request) || limit != null && !isZero(limit)) {
                    any = true;
                }
                if (limit == null || isZero(limit)) {
                    guaranteed = false;
                } else if (request != null && Quantity.getAmountInBytes(request).compareTo(Quantity.getAmountInBytes(limit)) != 0) {
                    guaranteed = false;
                }
            }
        }
        if (!any) {
            return "BestEffort";
        }
        return guaranteed ? "Guaranteed" : "Burstable";
    }

    private static boolean isZero(Quantity quantity) {
        return Quantity.getAmountInBytes(quantity).signum() == 0;
    }
}
