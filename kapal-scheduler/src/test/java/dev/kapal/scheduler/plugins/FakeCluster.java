package dev.kapal.scheduler.plugins;

import dev.kapal.scheduler.framework.ClusterView;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A hand-written ClusterView over plain lists the test fills. */
final class FakeCluster implements ClusterView {
    final List<Namespace> namespaces = new ArrayList<>();
    final List<Service> services = new ArrayList<>();
    final List<ReplicaSet> replicaSets = new ArrayList<>();
    final List<PodDisruptionBudget> budgets = new ArrayList<>();

    FakeCluster namespace(String name, Map<String, String> labels) {
        namespaces.add(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build());
        return this;
    }

    @Override
    public Optional<Map<String, String>> namespaceLabels(String namespace) {
        return namespaces.stream().filter(n -> n.getMetadata().getName().equals(namespace)).findFirst()
                .map(n -> n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels());
    }

    @Override
    public List<Namespace> namespaces() {
        return namespaces;
    }

    @Override
    public List<Service> services(String namespace) {
        return services.stream().filter(s -> s.getMetadata().getNamespace().equals(namespace)).toList();
    }

    @Override
    public List<ReplicationController> replicationControllers(String namespace) {
        return List.of();
    }

    @Override
    public List<ReplicaSet> replicaSets(String namespace) {
        return replicaSets.stream().filter(s -> s.getMetadata().getNamespace().equals(namespace)).toList();
    }

    @Override
    public List<StatefulSet> statefulSets(String namespace) {
        return List.of();
    }

    @Override
    public List<PodDisruptionBudget> podDisruptionBudgets(String namespace) {
        return budgets.stream().filter(b -> b.getMetadata().getNamespace().equals(namespace)).toList();
    }
}
