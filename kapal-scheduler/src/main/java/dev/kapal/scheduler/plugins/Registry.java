package dev.kapal.scheduler.plugins;

import dev.kapal.scheduler.framework.Plugin;
import dev.kapal.scheduler.framework.Profile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every plugin the scheduler knows, by upstream name, in upstream's default profile order
 * (SchedulingGates, NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts,
 * NodeResourcesFit, PodTopologySpread, InterPodAffinity, DefaultPreemption,
 * NodeResourcesBalancedAllocation, ImageLocality, DefaultBinder), with upstream's default score
 * weights (TaintToleration 3; NodeAffinity, PodTopologySpread, InterPodAffinity 2; the rest 1).
 * Not here: the volume plugins (no volumes are scheduled yet) and PrioritySort (the queue's order).
 */
public final class Registry {
    private final Map<String, Supplier<Plugin>> factories = new LinkedHashMap<>();
    private final Map<String, Integer> weights = new LinkedHashMap<>();

    private Registry() {
    }

    /**
     * The in-tree plugins over an empty cluster view, with an evictor that refuses: for tests of
     * plugins that need neither listers nor preemption.
     */
    public static Registry inTree(DefaultBinder.BindingWriter binder) {
        return inTree(binder, dev.kapal.scheduler.framework.ClusterView.empty(), (victim, preemptor, node) -> {
            throw new UnsupportedOperationException("this registry cannot evict pods");
        });
    }

    /**
     * @param binder  how {@link DefaultBinder} writes Bindings
     * @param cluster listers for namespaces, services, controllers and PodDisruptionBudgets
     * @param evictor how {@link DefaultPreemption} removes victims
     */
    public static Registry inTree(DefaultBinder.BindingWriter binder, dev.kapal.scheduler.framework.ClusterView cluster,
                                  DefaultPreemption.Evictor evictor) {
        Registry registry = new Registry();
        registry.add(SchedulingGates.NAME, SchedulingGates::new, 0);
        registry.add(NodeUnschedulable.NAME, NodeUnschedulable::new, 0);
        registry.add(NodeName.NAME, NodeName::new, 0);
        registry.add(TaintToleration.NAME, TaintToleration::new, 3);
        registry.add(NodeAffinity.NAME, NodeAffinity::new, 2);
        registry.add(NodePorts.NAME, NodePorts::new, 0);
        registry.add(NodeResourcesFit.NAME, NodeResourcesFit::new, 1);
        registry.add(PodTopologySpread.NAME, () -> new PodTopologySpread(cluster), 2);
        registry.add(InterPodAffinity.NAME, () -> new InterPodAffinity(cluster), 2);
        registry.add(DefaultPreemption.NAME, () -> new DefaultPreemption(cluster, evictor), 0);
        registry.add(NodeResourcesBalancedAllocation.NAME, NodeResourcesBalancedAllocation::new, 1);
        registry.add(ImageLocality.NAME, ImageLocality::new, 1);
        registry.add(DefaultBinder.NAME, () -> new DefaultBinder(binder), 0);
        return registry;
    }

    private void add(String name, Supplier<Plugin> factory, int weight) {
        factories.put(name, factory);
        if (weight > 0) {
            weights.put(name, weight);
        }
    }

    public List<String> names() {
        return List.copyOf(factories.keySet());
    }

    /** A profile with every registered plugin, upstream's weights, adaptive percentageOfNodesToScore. */
    public Profile defaultProfile() {
        return profile(Profile.DEFAULT_SCHEDULER, names(), 0);
    }

    /** A profile with the named plugins in registry order; an unknown name fails loudly. */
    public Profile profile(String schedulerName, List<String> enabled, int percentageOfNodesToScore) {
        for (String name : enabled) {
            if (!factories.containsKey(name)) {
                throw new IllegalArgumentException("unknown scheduler plugin " + name + "; known: " + names());
            }
        }
        List<Plugin> plugins = new ArrayList<>();
        factories.forEach((name, factory) -> {
            if (enabled.contains(name)) {
                plugins.add(factory.get());
            }
        });
        return new Profile(schedulerName, plugins, weights, percentageOfNodesToScore);
    }
}
