package dev.kapal.scheduler.cache;

import dev.kapal.scheduler.framework.NodeInfo;
import dev.kapal.scheduler.framework.PodKey;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Nodes and the pods on them, fed by informers (bound pods) and by the scheduler itself
 * (assumed pods: chosen for a node but not yet bound). Contract:
 * <ul>
 * <li>{@link #assume} adds a pod to its node at once, so the next cycle sees the room taken, before
 *     the binding reaches the API; {@link #forget} undoes it when binding fails.</li>
 * <li>When the informer later delivers the bound pod, {@link #addOrUpdatePod} replaces the assumed
 *     copy (no double counting); a pod deleted before binding finished disappears either way.</li>
 * <li>{@link #snapshot} returns immutable NodeInfos of the known nodes, in a stable order, for one
 *     cycle; later changes do not affect it.</li>
 * <li>Terminated pods (Succeeded/Failed) take no room and are not tracked.</li>
 * </ul>
 * Thread-safe; every method is short and holds one lock.
 */
public final class SchedulerCache {
    private record PodState(Pod pod, String nodeName, boolean assumed) {
    }

    private final Map<String, NodeInfo> nodes = new LinkedHashMap<>();
    private final Map<PodKey, PodState> pods = new HashMap<>();
    /**
     * The known nodes in snapshot order and each one's index there; a change to one node's pods
     * replaces its slot, so a snapshot is one array copy rather than a walk over every node.
     * Rebuilt from {@link #nodes} only when a node appears, goes, or becomes (in)visible.
     */
    private NodeInfo[] ordered = new NodeInfo[0];
    private final Map<String, Integer> positions = new HashMap<>();
    private List<NodeInfo> snapshot = List.of();
    private boolean structureChanged;
    private boolean contentChanged;
    /** The snapshot's nodes holding pods with required anti-affinity; recomputed when such pods come or go. */
    private List<NodeInfo> withRequiredAntiAffinity = List.of();
    private boolean antiAffinityChanged;

    public synchronized void addOrUpdateNode(Node node) {
        String name = node.getMetadata().getName();
        NodeInfo existing = nodes.get(name);
        put(name, existing == null ? NodeInfo.of(node) : existing.withNode(node));
    }

    public synchronized void removeNode(String name) {
        NodeInfo existing = nodes.get(name);
        if (existing == null) {
            return;
        }
        if (existing.pods().isEmpty()) {
            remove(name);
        } else {
            // Pods still point at it; keep their accounting until they go, but hide the node.
            put(name, NodeInfo.of(null, List.of()).withPods(existing.pods()));
        }
    }

    private void put(String name, NodeInfo info) {
        NodeInfo previous = nodes.put(name, info);
        if (!info.podsWithRequiredAntiAffinity().isEmpty()
                || previous != null && !previous.podsWithRequiredAntiAffinity().isEmpty()) {
            antiAffinityChanged = true;
        }
        Integer position = positions.get(name);
        if (position != null && info.node().isPresent()) {
            ordered[position] = info;
            contentChanged = true;
        } else if (position != null || info.node().isPresent() || previous != null && previous.node().isPresent()) {
            structureChanged = true;
        }
    }

    private void remove(String name) {
        NodeInfo previous = nodes.remove(name);
        antiAffinityChanged = true;
        if (previous != null && previous.node().isPresent()) {
            structureChanged = true;
        }
    }

    /** A pod the informer reports with {@code spec.nodeName} set. */
    public synchronized void addOrUpdatePod(Pod pod) {
        PodKey key = PodKey.of(pod);
        String nodeName = pod.getSpec().getNodeName();
        if (isTerminated(pod) || nodeName == null || nodeName.isEmpty()) {
            removePod(key);
            return;
        }
        removeFromNode(key);
        pods.put(key, new PodState(pod, nodeName, false));
        addToNode(nodeName, pod);
    }

    public synchronized void removePod(PodKey key) {
        removeFromNode(key);
        pods.remove(key);
    }

    /** The scheduler chose {@code nodeName} for the pod; count it there until bound or forgotten. */
    public synchronized void assume(Pod pod, String nodeName) {
        PodKey key = PodKey.of(pod);
        removeFromNode(key);
        pods.put(key, new PodState(pod, nodeName, true));
        addToNode(nodeName, pod);
    }

    /** Binding failed: drop the assumed pod (a bound copy from the informer is kept). */
    public synchronized void forget(PodKey key) {
        PodState state = pods.get(key);
        if (state != null && state.assumed()) {
            removePod(key);
        }
    }

    public synchronized boolean isAssumed(PodKey key) {
        PodState state = pods.get(key);
        return state != null && state.assumed();
    }

    public synchronized Optional<String> nodeOf(PodKey key) {
        return Optional.ofNullable(pods.get(key)).map(PodState::nodeName);
    }

    /** The known nodes with their pods, immutable, for one scheduling cycle. */
    public synchronized List<NodeInfo> snapshot() {
        if (structureChanged) {
            List<NodeInfo> known = new ArrayList<>(nodes.size());
            positions.clear();
            for (NodeInfo info : nodes.values()) {
                if (info.node().isPresent()) {
                    positions.put(info.name(), known.size());
                    known.add(info);
                }
            }
            ordered = known.toArray(NodeInfo[]::new);
            structureChanged = false;
            contentChanged = true;
            antiAffinityChanged = true;
        }
        if (contentChanged) {
            snapshot = java.util.Collections.unmodifiableList(java.util.Arrays.asList(ordered.clone()));
            contentChanged = false;
        }
        if (antiAffinityChanged) {
            List<NodeInfo> with = new ArrayList<>();
            for (NodeInfo info : snapshot) {
                if (!info.podsWithRequiredAntiAffinity().isEmpty()) {
                    with.add(info);
                }
            }
            withRequiredAntiAffinity = List.copyOf(with);
            antiAffinityChanged = false;
        }
        return snapshot;
    }

    /** The nodes of the last {@link #snapshot()} that hold pods with required pod anti-affinity. */
    public synchronized List<NodeInfo> nodesWithRequiredAntiAffinity() {
        return withRequiredAntiAffinity;
    }

    public synchronized int nodeCount() {
        return (int) nodes.values().stream().filter(n -> n.node().isPresent()).count();
    }

    private void addToNode(String nodeName, Pod pod) {
        NodeInfo info = nodes.get(nodeName);
        put(nodeName, (info == null ? NodeInfo.of(null, List.of()) : info).withPod(pod));
    }

    private void removeFromNode(PodKey key) {
        PodState state = pods.get(key);
        if (state == null) {
            return;
        }
        NodeInfo info = nodes.get(state.nodeName());
        if (info != null) {
            NodeInfo without = info.withoutPod(key);
            if (without.node().isEmpty() && without.pods().isEmpty()) {
                remove(state.nodeName());
            } else {
                put(state.nodeName(), without);
            }
        }
    }

    static boolean isTerminated(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }
}
