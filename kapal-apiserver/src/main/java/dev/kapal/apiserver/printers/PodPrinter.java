package dev.kapal.apiserver.printers;

import static dev.kapal.apiserver.printers.Cells.items;
import static dev.kapal.apiserver.printers.Cells.number;
import static dev.kapal.apiserver.printers.Cells.string;
import static dev.kapal.apiserver.printers.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pods: NAME READY STATUS RESTARTS AGE, wide IP NODE NOMINATED NODE READINESS GATES. STATUS is
 * upstream's summary of phase, reason, init containers, containers and deletion, which users
 * read more than any other column, so it follows {@code printPod} case by case.
 */
final class PodPrinter implements TablePrinter {
    /** The reason the node lifecycle controller sets on pods of an unreachable node. */
    private static final String NODE_UNREACHABLE_REASON = "NodeLost";

    private static final List<Column> COLUMNS = List.of(
            Column.objectName(),
            Column.text("Ready", "The aggregate readiness state of this pod for accepting traffic."),
            Column.text("Status", "The aggregate status of the containers in this pod."),
            Column.text("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
            Column.age(),
            Column.text("IP", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.").wide(),
            Column.text("Node", "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename").wide(),
            Column.text("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.").wide(),
            Column.text("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates").wide());

    private static final RowCondition SUCCEEDED = new RowCondition("Completed", "True", "Succeeded", "The pod has completed successfully.");
    private static final RowCondition FAILED = new RowCondition("Completed", "True", "Failed", "The pod failed.");

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public Row row(JsonNode pod, Instant now) {
        JsonNode spec = pod.path("spec");
        JsonNode status = pod.path("status");
        String phase = string(status, "phase");
        String reason = string(status, "reason").isEmpty() ? phase : string(status, "reason");
        for (JsonNode condition : items(status, "conditions")) {
            if (string(condition, "type").equals("PodScheduled") && string(condition, "reason").equals("SchedulingGated")) {
                reason = "SchedulingGated";
            }
        }
        long restarts = 0;
        long restartableInitRestarts = 0;
        long totalContainers = items(spec, "containers").size();
        long readyContainers = 0;
        Optional<Instant> lastRestart = Optional.empty();
        Optional<Instant> lastRestartableInitRestart = Optional.empty();

        List<JsonNode> initContainers = items(spec, "initContainers");
        Map<String, JsonNode> initByName = new HashMap<>();
        for (JsonNode container : initContainers) {
            initByName.put(string(container, "name"), container);
            if (restartable(container)) {
                totalContainers++;
            }
        }

        boolean initializing = false;
        List<JsonNode> initStatuses = items(status, "initContainerStatuses");
        for (int i = 0; i < initStatuses.size(); i++) {
            JsonNode container = initStatuses.get(i);
            restarts += number(container, "restartCount");
            Optional<Instant> finished = lastTermination(container);
            lastRestart = later(lastRestart, finished);
            boolean sidecar = restartable(initByName.getOrDefault(string(container, "name"), missing()));
            if (sidecar) {
                restartableInitRestarts += number(container, "restartCount");
                lastRestartableInitRestart = later(lastRestartableInitRestart, finished);
            }
            JsonNode state = container.path("state");
            JsonNode terminated = state.path("terminated");
            JsonNode waiting = state.path("waiting");
            if (terminated.isObject() && number(terminated, "exitCode") == 0) {
                continue;
            }
            if (sidecar && Cells.flag(container, "started")) {
                if (Cells.flag(container, "ready")) {
                    readyContainers++;
                }
                continue;
            }
            if (terminated.isObject()) {
                if (string(terminated, "reason").isEmpty()) {
                    reason = number(terminated, "signal") != 0
                            ? "Init:Signal:" + number(terminated, "signal")
                            : "Init:ExitCode:" + number(terminated, "exitCode");
                } else {
                    reason = "Init:" + string(terminated, "reason");
                }
            } else if (waiting.isObject() && !string(waiting, "reason").isEmpty()
                    && !string(waiting, "reason").equals("PodInitializing")) {
                reason = "Init:" + string(waiting, "reason");
            } else {
                reason = "Init:" + i + "/" + initContainers.size();
            }
            initializing = true;
            break;
        }

        if (!initializing || conditionTrue(status, "Initialized")) {
            restarts = restartableInitRestarts;
            lastRestart = lastRestartableInitRestart;
            boolean hasRunning = false;
            List<JsonNode> statuses = items(status, "containerStatuses");
            // Upstream walks the statuses backwards, so the first container's state wins the reason.
            for (int i = statuses.size() - 1; i >= 0; i--) {
                JsonNode container = statuses.get(i);
                restarts += number(container, "restartCount");
                lastRestart = later(lastRestart, lastTermination(container));
                JsonNode state = container.path("state");
                JsonNode terminated = state.path("terminated");
                if (state.path("waiting").isObject() && !string(state, "waiting", "reason").isEmpty()) {
                    reason = string(state, "waiting", "reason");
                } else if (terminated.isObject() && !string(terminated, "reason").isEmpty()) {
                    reason = string(terminated, "reason");
                } else if (terminated.isObject()) {
                    reason = number(terminated, "signal") != 0
                            ? "Signal:" + number(terminated, "signal")
                            : "ExitCode:" + number(terminated, "exitCode");
                } else if (Cells.flag(container, "ready") && state.path("running").isObject()) {
                    hasRunning = true;
                    readyContainers++;
                }
            }
            if (reason.equals("Completed") && hasRunning) {
                reason = conditionTrue(status, "Ready") ? "Running" : "NotReady";
            }
        }

        if (Cells.deleting(pod) && string(status, "reason").equals(NODE_UNREACHABLE_REASON)) {
            reason = "Unknown";
        } else if (Cells.deleting(pod) && !phase.equals("Succeeded") && !phase.equals("Failed")) {
            reason = "Terminating";
        }

        String restartText = Long.toString(restarts);
        if (restarts != 0 && lastRestart.isPresent()) {
            restartText = restarts + " (" + Durations.human(java.time.Duration.between(lastRestart.get(), now)) + " ago)";
        }

        // Converting v1 to the internal version makes podIP the first of podIPs when both are set.
        String podIp = string(status, "podIP").isEmpty()
                ? items(status, "podIPs").stream().findFirst().map(ip -> string(ip, "ip")).orElse("")
                : string(status, "podIP");
        String readinessGates = "<none>";
        List<JsonNode> gates = items(spec, "readinessGates");
        if (!gates.isEmpty()) {
            int trueConditions = 0;
            for (JsonNode gate : gates) {
                for (JsonNode condition : items(status, "conditions")) {
                    if (string(condition, "type").equals(string(gate, "conditionType"))) {
                        if (string(condition, "status").equals("True")) {
                            trueConditions++;
                        }
                        break;
                    }
                }
            }
            readinessGates = trueConditions + "/" + gates.size();
        }
        List<JsonNode> cells = List.of(
                text(Cells.name(pod)),
                text(readyContainers + "/" + totalContainers),
                text(reason),
                text(restartText),
                Cells.age(pod, now),
                text(orNone(podIp)),
                text(orNone(string(spec, "nodeName"))),
                text(orNone(string(status, "nominatedNodeName"))),
                text(readinessGates));
        List<RowCondition> conditions = switch (phase) {
            case "Succeeded" -> List.of(SUCCEEDED);
            case "Failed" -> List.of(FAILED);
            default -> List.of();
        };
        return new Row(cells, conditions);
    }

    private static JsonNode missing() {
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** A sidecar: an init container with {@code restartPolicy: Always}. */
    private static boolean restartable(JsonNode initContainer) {
        return string(initContainer, "restartPolicy").equals("Always");
    }

    private static Optional<Instant> lastTermination(JsonNode containerStatus) {
        JsonNode terminated = containerStatus.path("lastState").path("terminated");
        if (!terminated.isObject()) {
            return Optional.empty();
        }
        return Durations.parse(string(terminated, "finishedAt"));
    }

    private static Optional<Instant> later(Optional<Instant> current, Optional<Instant> candidate) {
        if (candidate.isEmpty()) {
            return current;
        }
        if (current.isEmpty() || current.get().isBefore(candidate.get())) {
            return candidate;
        }
        return current;
    }

    private static boolean conditionTrue(JsonNode status, String type) {
        for (JsonNode condition : items(status, "conditions")) {
            if (string(condition, "type").equals(type)) {
                return string(condition, "status").equals("True");
            }
        }
        return false;
    }

    private static String orNone(String value) {
        return value.isEmpty() ? "<none>" : value;
    }
}
