package dev.kapal.controllers.nodeutil;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import java.util.Map;
import java.util.Optional;

/** Reading nodes as the node controllers do: conditions, zones, and event references. */
public final class Nodes {
    public static final String READY = "Ready";
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";
    public static final String REGION_LABEL = "topology.kubernetes.io/region";
    private static final String BETA_ZONE_LABEL = "failure-domain.beta.kubernetes.io/zone";
    private static final String BETA_REGION_LABEL = "failure-domain.beta.kubernetes.io/region";

    private Nodes() {
    }

    /** The node's condition of {@code type}, if it has one. */
    public static Optional<NodeCondition> condition(Node node, String type) {
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return node.getStatus().getConditions().stream().filter(condition -> type.equals(condition.getType())).findFirst();
    }

    /**
     * The zone key upstream groups nodes by for disruption handling: region and zone labels
     * (stable, else beta) joined by {@code ":\0:"}; empty when the node has neither.
     */
    public static String zoneKey(Node node) {
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        String region = labels.getOrDefault(REGION_LABEL, labels.getOrDefault(BETA_REGION_LABEL, ""));
        String zone = labels.getOrDefault(ZONE_LABEL, labels.getOrDefault(BETA_ZONE_LABEL, ""));
        if (region.isEmpty() && zone.isEmpty()) {
            return "";
        }
        return region + ":\u0000:" + zone;
    }

    /** A reference to the node for events (upstream's node events carry kind, name and uid). */
    public static ObjectReference reference(Node node) {
        return new ObjectReferenceBuilder()
                .withApiVersion("v1")
                .withKind("Node")
                .withName(node.getMetadata().getName())
                .withUid(node.getMetadata().getUid())
                .build();
    }
}
