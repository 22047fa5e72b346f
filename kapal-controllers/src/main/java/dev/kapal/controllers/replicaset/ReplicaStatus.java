package dev.kapal.controllers.replicaset;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The status both replica kinds share, independent of the fabric8 type, and its JSON form for a
 * merge patch of the {@code status} subresource (every field written, so a patch also clears).
 */
public record ReplicaStatus(int replicas, int fullyLabeledReplicas, int readyReplicas, int availableReplicas,
                            long observedGeneration, List<Condition> conditions) {
    public static final ReplicaStatus EMPTY = new ReplicaStatus(0, 0, 0, 0, 0, List.of());
    /** Upstream's ReplicaSetReplicaFailure / ReplicationControllerReplicaFailure condition type. */
    public static final String REPLICA_FAILURE = "ReplicaFailure";

    public ReplicaStatus {
        conditions = List.copyOf(conditions);
    }

    /** One status condition; empty strings stand for absent fields. */
    public record Condition(String type, String status, String reason, String message, String lastTransitionTime) {
        public Condition {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(lastTransitionTime, "lastTransitionTime");
        }
    }

    public Optional<Condition> condition(String type) {
        return conditions.stream().filter(condition -> condition.type().equals(type)).findFirst();
    }

    /** This status with {@code condition} replacing any of its type. */
    public ReplicaStatus withCondition(Condition condition) {
        List<Condition> next = new ArrayList<>(conditions);
        next.removeIf(existing -> existing.type().equals(condition.type()));
        next.add(condition);
        return new ReplicaStatus(replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration, next);
    }

    public ReplicaStatus withoutCondition(String type) {
        List<Condition> next = new ArrayList<>(conditions);
        next.removeIf(existing -> existing.type().equals(type));
        return new ReplicaStatus(replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration, next);
    }

    /** {@code {"status": {...}}} with every field present ({@code conditions: null} when none). */
    public String mergePatch() {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        ObjectNode status = patch.putObject("status");
        status.put("replicas", replicas);
        status.put("fullyLabeledReplicas", fullyLabeledReplicas);
        status.put("readyReplicas", readyReplicas);
        status.put("availableReplicas", availableReplicas);
        status.put("observedGeneration", observedGeneration);
        if (conditions.isEmpty()) {
            status.putNull("conditions");
        } else {
            ArrayNode list = status.putArray("conditions");
            for (Condition condition : conditions) {
                ObjectNode node = list.addObject();
                node.put("type", condition.type());
                node.put("status", condition.status());
                putIfPresent(node, "reason", condition.reason());
                putIfPresent(node, "message", condition.message());
                putIfPresent(node, "lastTransitionTime", condition.lastTransitionTime());
            }
        }
        return patch.toString();
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (!value.isEmpty()) {
            node.put(field, value);
        }
    }
}
