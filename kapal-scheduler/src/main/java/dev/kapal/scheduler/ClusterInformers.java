package dev.kapal.scheduler;

import dev.kapal.scheduler.framework.ClusterView;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link ClusterView} the scheduler's plugins read, over informers on namespaces, services,
 * replication controllers, replica sets, stateful sets and PodDisruptionBudgets, plus the
 * PriorityClasses the scheduler resolves pod priorities with. {@link #start()} once; the view is
 * eventually consistent with the API, like any lister.
 */
final class ClusterInformers implements ClusterView, AutoCloseable {
    private final SharedIndexInformer<Namespace> namespaces;
    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<ReplicationController> replicationControllers;
    private final SharedIndexInformer<ReplicaSet> replicaSets;
    private final SharedIndexInformer<StatefulSet> statefulSets;
    private final SharedIndexInformer<PodDisruptionBudget> budgets;
    private final SharedIndexInformer<PriorityClass> priorityClasses;
    private final List<SharedIndexInformer<?>> all = new ArrayList<>();

    ClusterInformers(KubernetesClient client) {
        namespaces = add(client.namespaces().runnableInformer(0));
        services = add(client.services().inAnyNamespace().runnableInformer(0));
        replicationControllers = add(client.replicationControllers().inAnyNamespace().runnableInformer(0));
        replicaSets = add(client.apps().replicaSets().inAnyNamespace().runnableInformer(0));
        statefulSets = add(client.apps().statefulSets().inAnyNamespace().runnableInformer(0));
        budgets = add(client.policy().v1().podDisruptionBudget().inAnyNamespace().runnableInformer(0));
        priorityClasses = add(client.scheduling().v1().priorityClasses().runnableInformer(0));
    }

    private <T extends HasMetadata> SharedIndexInformer<T> add(SharedIndexInformer<T> informer) {
        all.add(informer);
        return informer;
    }

    /** Starts every informer; completes when all have synced. */
    CompletableFuture<Void> start() {
        return CompletableFuture.allOf(all.stream().map(informer -> informer.start().toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    /** A PriorityClass by name. */
    Optional<PriorityClass> priorityClass(String name) {
        return Optional.ofNullable(priorityClasses.getIndexer().getByKey(name));
    }

    @Override
    public Optional<Map<String, String>> namespaceLabels(String namespace) {
        Namespace found = namespaces.getIndexer().getByKey(namespace);
        if (found == null) {
            return Optional.empty();
        }
        Map<String, String> labels = found.getMetadata().getLabels();
        return Optional.of(labels == null ? Map.of() : labels);
    }

    @Override
    public List<Namespace> namespaces() {
        return namespaces.getIndexer().list();
    }

    @Override
    public List<Service> services(String namespace) {
        return inNamespace(services, namespace);
    }

    @Override
    public List<ReplicationController> replicationControllers(String namespace) {
        return inNamespace(replicationControllers, namespace);
    }

    @Override
    public List<ReplicaSet> replicaSets(String namespace) {
        return inNamespace(replicaSets, namespace);
    }

    @Override
    public List<StatefulSet> statefulSets(String namespace) {
        return inNamespace(statefulSets, namespace);
    }

    @Override
    public List<PodDisruptionBudget> podDisruptionBudgets(String namespace) {
        return inNamespace(budgets, namespace);
    }

    private static <T> List<T> inNamespace(SharedIndexInformer<T> informer, String namespace) {
        return informer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
    }

    @Override
    public void close() {
        all.forEach(SharedIndexInformer::close);
    }
}
