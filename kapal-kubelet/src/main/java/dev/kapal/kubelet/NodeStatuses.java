package dev.kapal.kubelet;

import dev.kapal.kubelet.runtime.RuntimeStatus;
import dev.kapal.kubelet.runtime.RuntimeVersion;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Node a kubelet registers and the status it reports, with the kubelet's condition set and
 * wording: MemoryPressure, DiskPressure, PIDPressure (all False here: no eviction manager yet)
 * and Ready (True with {@code KubeletReady} while the runtime and its network are ready).
 * A pure function of its inputs: {@link #sameExceptHeartbeats} tells a real change from a
 * heartbeat, so status is patched only when something changed or the report period passed.
 */
final class NodeStatuses {

    private NodeStatuses() {
    }

    /** The Node object of a first registration (labels, annotations, no spec beyond defaults). */
    static Node initialNode(NodeConfig config) {
        return new NodeBuilder()
                .withNewMetadata().withName(config.name()).withLabels(new LinkedHashMap<>(config.labels()))
                .withAnnotations(new LinkedHashMap<>(config.annotations())).endMetadata()
                .withNewSpec().endSpec()
                .build();
    }

    /**
     * The status to report now. {@code previous} is the status last reported (or the one the
     * server has), whose transition times are kept for conditions that did not change.
     */
    static NodeStatus status(NodeConfig config, RuntimeVersion version, RuntimeStatus runtime, Optional<NodeStatus> previous,
                             Instant now) {
        return status(config, version, runtime, previous, now, List.of());
    }

    /** As above, with the node's images ({@link #images}). */
    static NodeStatus status(NodeConfig config, RuntimeVersion version, RuntimeStatus runtime, Optional<NodeStatus> previous,
                             Instant now, List<io.fabric8.kubernetes.api.model.ContainerImage> images) {
        List<NodeCondition> conditions = new ArrayList<>();
        conditions.add(condition(previous, "MemoryPressure", "False", "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available", now));
        conditions.add(condition(previous, "DiskPressure", "False", "KubeletHasNoDiskPressure",
                "kubelet has no disk pressure", now));
        conditions.add(condition(previous, "PIDPressure", "False", "KubeletHasSufficientPID",
                "kubelet has sufficient PID available", now));
        if (runtime.ready()) {
            conditions.add(condition(previous, "Ready", "True", "KubeletReady", "kubelet is posting ready status", now));
        } else {
            conditions.add(condition(previous, "Ready", "False", "KubeletNotReady", notReadyMessage(runtime), now));
        }
        NodeConfig.NodeInfo info = config.info();
        return new NodeStatusBuilder()
                .withCapacity(new LinkedHashMap<>(config.capacity()))
                .withAllocatable(new LinkedHashMap<>(config.allocatable()))
                .withConditions(conditions)
                .withAddresses(config.addresses())
                .withImages(images.isEmpty() ? null : images)
                .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(config.kubeletPort()).endKubeletEndpoint().endDaemonEndpoints()
                .withNewNodeInfo()
                    .withMachineID(info.machineId())
                    .withSystemUUID(info.systemUuid())
                    .withBootID(info.bootId())
                    .withKernelVersion(info.kernelVersion())
                    .withOsImage(info.osImage())
                    .withContainerRuntimeVersion(version.nodeRuntimeVersion())
                    .withKubeletVersion(info.kubeletVersion())
                    .withKubeProxyVersion("")
                    .withOperatingSystem(info.operatingSystem())
                    .withArchitecture(info.architecture())
                .endNodeInfo()
                .build();
    }

    /**
     * The kubelet's {@code status.images}: the runtime's images, largest first, at most 50, each
     * named by its digests then its tags (at most 5 names), as upstream reports them.
     */
    static List<io.fabric8.kubernetes.api.model.ContainerImage> images(List<dev.kapal.kubelet.runtime.Image> images) {
        return images.stream()
                .sorted(java.util.Comparator.comparingLong(dev.kapal.kubelet.runtime.Image::size).reversed())
                .limit(50)
                .map(image -> {
                    List<String> names = new ArrayList<>(image.repoDigests());
                    names.addAll(image.repoTags());
                    return new io.fabric8.kubernetes.api.model.ContainerImage(names.size() > 5 ? names.subList(0, 5) : names,
                            image.size());
                })
                .toList();
    }

    private static String notReadyMessage(RuntimeStatus runtime) {
        List<String> problems = new ArrayList<>();
        for (String type : List.of(RuntimeStatus.RUNTIME_READY, RuntimeStatus.NETWORK_READY)) {
            Optional<RuntimeStatus.Condition> condition = runtime.condition(type);
            if (condition.isEmpty() || !condition.get().status()) {
                String what = type.equals(RuntimeStatus.RUNTIME_READY) ? "container runtime is down"
                        : "container runtime network not ready";
                problems.add(condition.map(c -> what + ": " + type + "=false reason:" + c.reason() + " message:" + c.message())
                        .orElse(what));
            }
        }
        return String.join(",", problems);
    }

    private static NodeCondition condition(Optional<NodeStatus> previous, String type, String status, String reason,
                                           String message, Instant now) {
        String transition = previous.stream().flatMap(old -> old.getConditions().stream())
                .filter(existing -> type.equals(existing.getType()) && status.equals(existing.getStatus()))
                .map(NodeCondition::getLastTransitionTime)
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .orElse(PodStatuses.time(now));
        return new NodeConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastHeartbeatTime(PodStatuses.time(now)).withLastTransitionTime(transition).build();
    }

    /** Whether two statuses differ only in their conditions' heartbeat times. */
    static boolean sameExceptHeartbeats(NodeStatus left, NodeStatus right) {
        return withoutHeartbeats(left).equals(withoutHeartbeats(right));
    }

    private static NodeStatus withoutHeartbeats(NodeStatus status) {
        NodeStatus copy = new NodeStatusBuilder(status).build();
        List<NodeCondition> conditions = new ArrayList<>();
        for (NodeCondition condition : copy.getConditions()) {
            conditions.add(new NodeConditionBuilder(condition).withLastHeartbeatTime(null).build());
        }
        copy.setConditions(conditions);
        return copy;
    }

    /** The label and annotation entries of {@code config} the node lacks or has otherwise. */
    static Map<String, String> missing(Map<String, String> wanted, Map<String, String> actual) {
        Map<String, String> missing = new LinkedHashMap<>();
        wanted.forEach((key, value) -> {
            if (actual == null || !value.equals(actual.get(key))) {
                missing.put(key, value);
            }
        });
        return missing;
    }
}
