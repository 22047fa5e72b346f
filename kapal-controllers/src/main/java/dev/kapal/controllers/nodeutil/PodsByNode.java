package dev.kapal.controllers.nodeutil;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;

/**
 * The {@code spec.nodeName} index on the shared pod informer, added once however many node
 * controllers ask for it. Call {@link #index} before the informer starts.
 */
public final class PodsByNode {
    public static final String INDEX = "spec.nodeName";

    private PodsByNode() {
    }

    /** Adds the index to {@code pods} unless it has it; returns {@code pods}. */
    public static SharedIndexInformer<Pod> index(SharedIndexInformer<Pod> pods) {
        synchronized (pods) {
            if (!pods.getIndexer().getIndexers().containsKey(INDEX)) {
                pods.addIndexers(Map.of(INDEX, pod -> pod.getSpec() == null || pod.getSpec().getNodeName() == null
                        || pod.getSpec().getNodeName().isEmpty() ? List.of() : List.of(pod.getSpec().getNodeName())));
            }
        }
        return pods;
    }

    /** The cached pods bound to {@code nodeName}. */
    public static List<Pod> on(SharedIndexInformer<Pod> pods, String nodeName) {
        return pods.getIndexer().byIndex(INDEX, nodeName);
    }
}
