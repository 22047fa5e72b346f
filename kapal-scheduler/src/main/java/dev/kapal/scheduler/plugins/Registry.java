package dev.kapal.scheduler.plugins;

import dev.kapal.scheduler.framework.Plugin;
import dev.kapal.scheduler.framework.Profile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every plugin the scheduler knows, by upstream name, in the default profile's order, with
 * upstream's default score weights. Not yet here (and so not in any profile): InterPodAffinity,
 * PodTopologySpread, NodeResourcesBalancedAllocation, ImageLocality, volume plugins, and real
 * DefaultPreemption ({@link PreemptionDiagnosis} holds its place).
 */
public final class Registry {
    private final Map<String, Supplier<Plugin>> factories = new LinkedHashMap<>();
    private final Map<String, Integer> weights = new LinkedHashMap<>();

    private Registry() {
    }

    /** @param binder how {@link DefaultBinder} writes Bindings */
    public static Registry inTree(DefaultBinder.BindingWriter binder) {
        Registry registry = new Registry();
        registry.add(SchedulingGates.NAME, SchedulingGates::new, 0);
        registry.add(NodeUnschedulable.NAME, NodeUnschedulable::new, 0);
        registry.add(NodeName.NAME, NodeName::new, 0);
        registry.add(TaintToleration.NAME, TaintToleration::new, 3);
        registry.add(NodeAffinity.NAME, NodeAffinity::new, 2);
        registry.add(NodePorts.NAME, NodePorts::new, 0);
        registry.add(NodeResourcesFit.NAME, NodeResourcesFit::new, 1);
        registry.add(PreemptionDiagnosis.NAME, PreemptionDiagnosis::new, 0);
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
