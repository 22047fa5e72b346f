package dev.kapal.scheduler.plugins;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One pod (anti-)affinity term resolved against its owner pod, as upstream's framework
 * AffinityTerm: the namespaces it covers (the owner's own when it names none and has no
 * namespace selector), the namespace selector (null selects no namespace, empty all), the pod
 * label selector, the topology key and, for preferred terms, the weight.
 */
record AffinityTerm(Set<String> namespaces, LabelSelector namespaceSelector, LabelSelector selector,
                    String topologyKey, int weight) {

    static AffinityTerm of(Pod owner, PodAffinityTerm term, int weight) {
        Set<String> namespaces = new HashSet<>(term.getNamespaces() == null ? List.of() : term.getNamespaces());
        if (namespaces.isEmpty() && term.getNamespaceSelector() == null) {
            namespaces.add(owner.getMetadata().getNamespace());
        }
        return new AffinityTerm(Set.copyOf(namespaces), term.getNamespaceSelector(), term.getLabelSelector(),
                term.getTopologyKey() == null ? "" : term.getTopologyKey(), weight);
    }

    /** Whether {@code pod} (in a namespace labelled {@code namespaceLabels}) is selected by this term. */
    boolean matches(Pod pod, Map<String, String> namespaceLabels) {
        boolean inNamespace = namespaces.contains(pod.getMetadata().getNamespace())
                || (namespaceSelector != null && Selectors.matches(namespaceSelector, namespaceLabels));
        return inNamespace && Selectors.matches(selector, pod.getMetadata().getLabels());
    }

    /**
     * The incoming pod's terms have their namespace selector resolved to names once per cycle
     * (upstream's mergeAffinityTermNamespacesIfNotEmpty), so matching existing pods needs no
     * namespace labels.
     */
    AffinityTerm resolveNamespaces(dev.kapal.scheduler.framework.ClusterView cluster) {
        if (namespaceSelector == null) {
            return this;
        }
        Set<String> merged = new HashSet<>(namespaces);
        for (var namespace : cluster.namespaces()) {
            if (Selectors.matches(namespaceSelector, namespace.getMetadata().getLabels())) {
                merged.add(namespace.getMetadata().getName());
            }
        }
        return new AffinityTerm(Set.copyOf(merged), null, selector, topologyKey, weight);
    }

    static List<AffinityTerm> requiredAffinity(Pod pod) {
        var affinity = pod.getSpec().getAffinity();
        if (affinity == null || affinity.getPodAffinity() == null) {
            return List.of();
        }
        return required(pod, affinity.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution());
    }

    static List<AffinityTerm> requiredAntiAffinity(Pod pod) {
        var affinity = pod.getSpec().getAffinity();
        if (affinity == null || affinity.getPodAntiAffinity() == null) {
            return List.of();
        }
        return required(pod, affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution());
    }

    static List<AffinityTerm> preferredAffinity(Pod pod) {
        var affinity = pod.getSpec().getAffinity();
        if (affinity == null || affinity.getPodAffinity() == null) {
            return List.of();
        }
        return preferred(pod, affinity.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution());
    }

    static List<AffinityTerm> preferredAntiAffinity(Pod pod) {
        var affinity = pod.getSpec().getAffinity();
        if (affinity == null || affinity.getPodAntiAffinity() == null) {
            return List.of();
        }
        return preferred(pod, affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution());
    }

    private static List<AffinityTerm> required(Pod pod, List<PodAffinityTerm> terms) {
        if (terms == null || terms.isEmpty()) {
            return List.of();
        }
        List<AffinityTerm> resolved = new ArrayList<>(terms.size());
        for (PodAffinityTerm term : terms) {
            resolved.add(of(pod, term, 0));
        }
        return resolved;
    }

    private static List<AffinityTerm> preferred(Pod pod, List<WeightedPodAffinityTerm> terms) {
        if (terms == null || terms.isEmpty()) {
            return List.of();
        }
        List<AffinityTerm> resolved = new ArrayList<>(terms.size());
        for (WeightedPodAffinityTerm term : terms) {
            if (term.getPodAffinityTerm() != null) {
                resolved.add(of(pod, term.getPodAffinityTerm(), term.getWeight() == null ? 0 : term.getWeight()));
            }
        }
        return resolved;
    }
}
