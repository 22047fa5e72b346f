package dev.kapal.controllers.replicaset;

import dev.kapal.api.selector.LabelSelector;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerCondition;
import io.fabric8.kubernetes.api.model.ReplicationControllerStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the replica engine needs to know about the kind it manages: its names, how to read
 * replicas, selector, template and status from an object. The two kinds differ only in these
 * (a ReplicationController's selector is a plain label map, a ReplicaSet's a LabelSelector).
 */
public sealed interface ReplicaKind<T extends HasMetadata> permits ReplicaKind.ReplicaSets, ReplicaKind.ReplicationControllers {
    /** The name for {@code --controllers}. */
    String controllerName();

    /** The event source component, as upstream names it. */
    String component();

    String apiVersion();

    String kind();

    Class<T> type();

    int replicas(T object);

    int minReadySeconds(T object);

    /** The selector, or empty when it cannot be read (then the object is left alone, as upstream). */
    Optional<LabelSelector> selector(T object);

    PodTemplateSpec template(T object);

    ReplicaStatus status(T object);

    /** {@code apps/v1} ReplicaSets. */
    record ReplicaSets() implements ReplicaKind<ReplicaSet> {
        @Override
        public String controllerName() {
            return "replicaset";
        }

        @Override
        public String component() {
            return "replicaset-controller";
        }

        @Override
        public String apiVersion() {
            return "apps/v1";
        }

        @Override
        public String kind() {
            return "ReplicaSet";
        }

        @Override
        public Class<ReplicaSet> type() {
            return ReplicaSet.class;
        }

        @Override
        public int replicas(ReplicaSet object) {
            Integer replicas = object.getSpec().getReplicas();
            return replicas == null ? 1 : replicas;
        }

        @Override
        public int minReadySeconds(ReplicaSet object) {
            Integer seconds = object.getSpec().getMinReadySeconds();
            return seconds == null ? 0 : seconds;
        }

        @Override
        public Optional<LabelSelector> selector(ReplicaSet object) {
            if (object.getSpec().getSelector() == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(LabelSelector.fromJson(Serialization.jsonMapper().valueToTree(object.getSpec().getSelector())));
            } catch (RuntimeException invalid) {
                return Optional.empty();
            }
        }

        @Override
        public PodTemplateSpec template(ReplicaSet object) {
            return object.getSpec().getTemplate();
        }

        @Override
        public ReplicaStatus status(ReplicaSet object) {
            ReplicaSetStatus status = object.getStatus();
            if (status == null) {
                return ReplicaStatus.EMPTY;
            }
            List<ReplicaStatus.Condition> conditions = status.getConditions() == null ? List.of()
                    : status.getConditions().stream().map(ReplicaSets::condition).toList();
            return new ReplicaStatus(value(status.getReplicas()), value(status.getFullyLabeledReplicas()),
                    value(status.getReadyReplicas()), value(status.getAvailableReplicas()),
                    status.getObservedGeneration() == null ? 0 : status.getObservedGeneration(), conditions);
        }

        private static ReplicaStatus.Condition condition(ReplicaSetCondition condition) {
            return new ReplicaStatus.Condition(condition.getType(), condition.getStatus(), nonNull(condition.getReason()),
                    nonNull(condition.getMessage()), nonNull(condition.getLastTransitionTime()));
        }
    }

    /** core/v1 ReplicationControllers. */
    record ReplicationControllers() implements ReplicaKind<ReplicationController> {
        @Override
        public String controllerName() {
            return "replicationcontroller";
        }

        @Override
        public String component() {
            return "replication-controller";
        }

        @Override
        public String apiVersion() {
            return "v1";
        }

        @Override
        public String kind() {
            return "ReplicationController";
        }

        @Override
        public Class<ReplicationController> type() {
            return ReplicationController.class;
        }

        @Override
        public int replicas(ReplicationController object) {
            Integer replicas = object.getSpec().getReplicas();
            return replicas == null ? 1 : replicas;
        }

        @Override
        public int minReadySeconds(ReplicationController object) {
            Integer seconds = object.getSpec().getMinReadySeconds();
            return seconds == null ? 0 : seconds;
        }

        @Override
        public Optional<LabelSelector> selector(ReplicationController object) {
            Map<String, String> selector = object.getSpec().getSelector();
            return Optional.of(LabelSelector.fromLabels(selector == null ? Map.of() : selector));
        }

        @Override
        public PodTemplateSpec template(ReplicationController object) {
            return object.getSpec().getTemplate();
        }

        @Override
        public ReplicaStatus status(ReplicationController object) {
            ReplicationControllerStatus status = object.getStatus();
            if (status == null) {
                return ReplicaStatus.EMPTY;
            }
            List<ReplicaStatus.Condition> conditions = status.getConditions() == null ? List.of()
                    : status.getConditions().stream().map(ReplicationControllers::condition).toList();
            return new ReplicaStatus(value(status.getReplicas()), value(status.getFullyLabeledReplicas()),
                    value(status.getReadyReplicas()), value(status.getAvailableReplicas()),
                    status.getObservedGeneration() == null ? 0 : status.getObservedGeneration(), conditions);
        }

        private static ReplicaStatus.Condition condition(ReplicationControllerCondition condition) {
            return new ReplicaStatus.Condition(condition.getType(), condition.getStatus(), nonNull(condition.getReason()),
                    nonNull(condition.getMessage()), nonNull(condition.getLastTransitionTime()));
        }
    }

    private static int value(Integer value) {
        return value == null ? 0 : value;
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }
}
