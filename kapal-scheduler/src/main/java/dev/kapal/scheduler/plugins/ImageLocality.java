package dev.kapal.scheduler.plugins;

import dev.kapal.scheduler.framework.CycleState;
import dev.kapal.scheduler.framework.NodeInfo;
import dev.kapal.scheduler.framework.PreScorePlugin;
import dev.kapal.scheduler.framework.ScorePlugin;
import dev.kapal.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Score: nodes that already hold the pod's images (from {@code node.status.images}) win, as
 * upstream: for each container (init containers included) whose image the node has, the image
 * size times the share of nodes that have it (so an image everywhere does not sway the choice);
 * the sum is clamped to [23 MiB, 1000 MiB × containers] and scaled to 0..100. Image names
 * without a tag or digest are compared as {@code :latest}.
 */
public final class ImageLocality implements PreScorePlugin, ScorePlugin {
    public static final String NAME = "ImageLocality";
    static final long MIB = 1024 * 1024;
    static final long MIN_THRESHOLD = 23 * MIB;
    static final long MAX_CONTAINER_THRESHOLD = 1000 * MIB;

    private static final CycleState.Key<Spread> KEY = new CycleState.Key<>(NAME, Spread.class);

    /** How many nodes hold each of the pod's images, out of how many nodes. */
    private record Spread(Map<String, Integer> nodesWithImage, int totalNodes, List<String> podImages) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasibleNodes) {
        List<String> images = podImages(pod);
        List<NodeInfo> nodes = state.allNodes().isEmpty() ? feasibleNodes : state.allNodes();
        Map<String, Integer> counts = new HashMap<>();
        for (NodeInfo node : nodes) {
            Map<String, Long> held = node.images();
            if (held.isEmpty()) {
                continue;
            }
            for (String image : images) {
                if (held.containsKey(image)) {
                    counts.merge(image, 1, Integer::sum);
                }
            }
        }
        state.write(KEY, new Spread(counts, nodes.size(), images));
        return Status.success();
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        Spread spread = state.read(KEY).orElse(null);
        if (spread == null || spread.nodesWithImage().isEmpty()) {
            return 0;
        }
        Map<String, Long> held = nodeImages(node);
        long sum = 0;
        for (String image : spread.podImages()) {
            Long size = held.get(image);
            if (size != null) {
                sum += (long) (size * ((double) spread.nodesWithImage().getOrDefault(image, 0) / spread.totalNodes()));
            }
        }
        long maxThreshold = MAX_CONTAINER_THRESHOLD * spread.podImages().size();
        sum = Math.max(MIN_THRESHOLD, Math.min(maxThreshold, sum));
        return MAX_SCORE * (sum - MIN_THRESHOLD) / (maxThreshold - MIN_THRESHOLD);
    }

    /** One entry per container, init containers first, names normalized. */
    private static List<String> podImages(Pod pod) {
        List<String> images = new ArrayList<>();
        for (List<Container> containers : List.of(
                pod.getSpec().getInitContainers() == null ? List.<Container>of() : pod.getSpec().getInitContainers(),
                pod.getSpec().getContainers() == null ? List.<Container>of() : pod.getSpec().getContainers())) {
            for (Container container : containers) {
                if (container.getImage() != null) {
                    images.add(normalize(container.getImage()));
                }
            }
        }
        return images;
    }

    private static Map<String, Long> nodeImages(NodeInfo node) {
        return node.images();
    }

    /** Appends {@code :latest} when the name has neither tag nor digest. */
    static String normalize(String image) {
        return NodeInfo.normalizedImageName(image);
    }
}
