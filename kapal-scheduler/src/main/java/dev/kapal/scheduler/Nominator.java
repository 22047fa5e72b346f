package dev.kapal.scheduler;

import dev.kapal.scheduler.framework.PodKey;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which unbound pods are nominated to which node: a preemptor waits there while its victims
 * terminate, and lower-priority pods must not take the room meanwhile. Fed by the scheduler's
 * own preemptions and by {@code status.nominatedNodeName} of pods it sees; a pod leaves when it
 * is bound or deleted. Thread-safe.
 */
final class Nominator implements Algorithm.Nominations {
    private final Map<PodKey, String> nodeOf = new HashMap<>();
    private final Map<String, Map<PodKey, Algorithm.Nominated>> byNode = new HashMap<>();
    private volatile int count;

    synchronized void nominate(Pod pod, String nodeName) {
        PodKey key = PodKey.of(pod);
        remove(key);
        nodeOf.put(key, nodeName);
        count = nodeOf.size();
        byNode.computeIfAbsent(nodeName, ignored -> new HashMap<>()).put(key, Algorithm.Nominated.of(pod));
    }

    /** A newer copy of an unbound pod: follows its {@code status.nominatedNodeName}, keeps ours otherwise. */
    synchronized void update(Pod pod) {
        String nominated = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
        PodKey key = PodKey.of(pod);
        if (nominated != null && !nominated.isEmpty()) {
            nominate(pod, nominated);
        } else if (nodeOf.containsKey(key)) {
            byNode.get(nodeOf.get(key)).put(key, Algorithm.Nominated.of(pod));
        }
    }

    synchronized void remove(PodKey key) {
        String node = nodeOf.remove(key);
        count = nodeOf.size();
        if (node != null) {
            Map<PodKey, Algorithm.Nominated> pods = byNode.get(node);
            pods.remove(key);
            if (pods.isEmpty()) {
                byNode.remove(node);
            }
        }
    }

    synchronized Optional<String> nodeOf(PodKey key) {
        return Optional.ofNullable(nodeOf.get(key));
    }

    @Override
    public boolean isEmpty() {
        return count == 0;
    }

    @Override
    public synchronized List<Algorithm.Nominated> nominatedTo(String nodeName) {
        Map<PodKey, Algorithm.Nominated> pods = byNode.get(nodeName);
        return pods == null ? List.of() : new ArrayList<>(pods.values());
    }
}
