package dev.kapal.scheduler.framework;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What plugins may read of the cluster beyond nodes and pods: upstream's shared listers. Backed
 * by informers in the scheduler (eventually consistent, like any lister), by plain lists in
 * tests. Callers must not modify the returned objects; implementations are thread-safe.
 */
public interface ClusterView {
    /** The labels of a namespace, empty when it is not known. */
    Optional<Map<String, String>> namespaceLabels(String namespace);

    List<Namespace> namespaces();

    List<Service> services(String namespace);

    List<ReplicationController> replicationControllers(String namespace);

    List<ReplicaSet> replicaSets(String namespace);

    List<StatefulSet> statefulSets(String namespace);

    /** PodDisruptionBudgets of one namespace (DefaultPreemption prefers victims they allow). */
    List<PodDisruptionBudget> podDisruptionBudgets(String namespace);

    /** A cluster with nothing in it but nodes and pods. */
    static ClusterView empty() {
        return new ClusterView() {
            @Override
            public Optional<Map<String, String>> namespaceLabels(String namespace) {
                return Optional.empty();
            }

            @Override
            public List<Namespace> namespaces() {
                return List.of();
            }

            @Override
            public List<Service> services(String namespace) {
                return List.of();
            }

            @Override
            public List<ReplicationController> replicationControllers(String namespace) {
                return List.of();
            }

            @Override
            public List<ReplicaSet> replicaSets(String namespace) {
                return List.of();
            }

            @Override
            public List<StatefulSet> statefulSets(String namespace) {
                return List.of();
            }

            @Override
            public List<PodDisruptionBudget> podDisruptionBudgets(String namespace) {
                return List.of();
            }
        };
    }
}
