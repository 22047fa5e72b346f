package dev.kapal.scheduler.plugins;

import dev.kapal.scheduler.framework.ClusterView;
import dev.kapal.scheduler.framework.CycleState;
import dev.kapal.scheduler.framework.NodeInfo;
import dev.kapal.scheduler.framework.PodKey;
import dev.kapal.scheduler.framework.PostFilterPlugin;
import dev.kapal.scheduler.framework.PreFilterPlugin;
import dev.kapal.scheduler.framework.Profile;
import dev.kapal.scheduler.framework.Resources;
import dev.kapal.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Preemption as upstream's DefaultPreemption PostFilter. When no node fits:
 * <ol>
 * <li>A pod with {@code preemptionPolicy: Never}, or one whose nominated node still has a
 *     terminating lower-priority pod (room is already being made), does not preempt.</li>
 * <li>Candidate nodes are those whose filter said Unschedulable (not UnschedulableAndUnresolvable).
 *     On each, every pod of lower {@code spec.priority} is removed; if the pod then fits, victims
 *     are reprieved one by one, most important first (higher priority, then earlier start), those
 *     whose PodDisruptionBudget would be violated tried first, keeping every pod it still fits
 *     beside. Upstream's numbers bound the search: at least 100 candidates or 10 % of the nodes,
 *     from a random offset.</li>
 * <li>The node is chosen by, in order: fewest PDB violations, lowest highest victim priority,
 *     lowest sum of victim priorities, fewest victims, latest start of its highest-priority
 *     victims, first found.</li>
 * <li>Its victims are handed to the {@link Evictor} (DisruptionTarget condition, delete, Preempted
 *     event) and the node is returned as the pod's nominated node.</li>
 * </ol>
 * When nothing helps, the message is {@code "preemption: 0/N nodes are available: ..."} with
 * upstream's reasons.
 */
public final class DefaultPreemption implements PostFilterPlugin {
    public static final String NAME = "DefaultPreemption";
    public static final String NOT_HELPFUL = "Preemption is not helpful for scheduling";
    public static final String NO_VICTIMS = "No preemption victims found for incoming pod";
    static final int MIN_CANDIDATE_NODES_PERCENTAGE = 10;
    static final int MIN_CANDIDATE_NODES_ABSOLUTE = 100;

    /** Carries out a preemption through the API. Implementations must not block the caller for long. */
    public interface Evictor {
        /**
         * Marks {@code victim} with the DisruptionTarget condition, deletes it (graceful), and
         * records the {@code Preempted} event on it.
         */
        void evict(Pod victim, Pod preemptor, String nodeName);
    }

    /** A node where preemption would work, with the pods to remove. */
    record Candidate(String nodeName, List<Pod> victims, int pdbViolations, Instant earliestStartOfHighestPriority) {
    }

    private final ClusterView cluster;
    private final Evictor evictor;

    public DefaultPreemption(ClusterView cluster, Evictor evictor) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.evictor = Objects.requireNonNull(evictor, "evictor");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result postFilter(CycleState state, Profile profile, Pod pod, List<NodeInfo> nodes, Map<String, Status> filterStatuses) {
        if ("Never".equals(pod.getSpec().getPreemptionPolicy())) {
            return new Result(Status.unschedulable(NAME), Optional.empty(), "preemption: not eligible due to preemptionPolicy=Never.");
        }
        int priority = priority(pod);
        String nominated = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
        if (nominated != null && !nominated.isEmpty()) {
            Status nominatedStatus = filterStatuses.get(nominated);
            if (nominatedStatus == null || nominatedStatus.code() != Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE) {
                for (NodeInfo node : nodes) {
                    if (node.name().equals(nominated) && node.pods().stream().anyMatch(
                            other -> other.getMetadata().getDeletionTimestamp() != null && priority(other) < priority)) {
                        return new Result(Status.unschedulable(NAME), Optional.empty(),
                                "preemption: not eligible due to a terminating pod on the nominated node.");
                    }
                }
            }
        }
        List<NodeInfo> potential = new ArrayList<>();
        for (NodeInfo node : nodes) {
            Status status = filterStatuses.get(node.name());
            if (status != null && status.code() == Status.Code.UNSCHEDULABLE) {
                potential.add(node);
            }
        }
        Map<String, Status> dryRun = new HashMap<>();
        List<Candidate> candidates = potential.isEmpty() ? List.of() : findCandidates(state, profile, pod, nodes, potential, dryRun);
        if (candidates.isEmpty()) {
            Map<String, Integer> histogram = new TreeMap<>();
            for (NodeInfo node : nodes) {
                Status status = dryRun.get(node.name());
                if (status == null || status.reasons().isEmpty()) {
                    histogram.merge(status == null ? NOT_HELPFUL : NO_VICTIMS, 1, Integer::sum);
                } else {
                    status.reasons().forEach(reason -> histogram.merge(reason, 1, Integer::sum));
                }
            }
            return new Result(Status.unschedulable(NAME), Optional.empty(), "preemption: " + FailureMessages.histogram(nodes.size(), histogram));
        }
        Candidate best = pick(candidates);
        for (Pod victim : best.victims()) {
            evictor.evict(victim, pod, best.nodeName());
        }
        return new Result(Status.success(), Optional.of(best.nodeName()), "");
    }

    private List<Candidate> findCandidates(CycleState state, Profile profile, Pod pod, List<NodeInfo> all,
                                           List<NodeInfo> potential, Map<String, Status> dryRun) {
        int wanted = Math.min(potential.size(), Math.max(potential.size() * MIN_CANDIDATE_NODES_PERCENTAGE / 100,
                MIN_CANDIDATE_NODES_ABSOLUTE));
        int offset = ThreadLocalRandom.current().nextInt(potential.size());
        boolean crossNode = profile.pluginsOf(PreFilterPlugin.class).stream().anyMatch(plugin ->
                (plugin.name().equals(InterPodAffinity.NAME) || plugin.name().equals(PodTopologySpread.NAME))
                        && !state.skipFilterPlugins().contains(plugin.name()));
        List<PodDisruptionBudget> budgets = new ArrayList<>();
        List<Candidate> nonViolating = new ArrayList<>();
        List<Candidate> violating = new ArrayList<>();
        java.util.Set<String> budgetNamespaces = new java.util.HashSet<>();
        for (int i = 0; i < potential.size(); i++) {
            NodeInfo node = potential.get((offset + i) % potential.size());
            for (Pod other : node.pods()) {
                if (budgetNamespaces.add(other.getMetadata().getNamespace())) {
                    budgets.addAll(cluster.podDisruptionBudgets(other.getMetadata().getNamespace()));
                }
            }
            Optional<Candidate> candidate = selectVictims(state, profile, pod, node, all, crossNode, budgets, dryRun);
            if (candidate.isPresent()) {
                (candidate.get().pdbViolations() == 0 ? nonViolating : violating).add(candidate.get());
                if (!nonViolating.isEmpty() && nonViolating.size() + violating.size() >= wanted) {
                    break;
                }
            }
        }
        List<Candidate> candidates = new ArrayList<>(nonViolating);
        candidates.addAll(violating);
        return candidates;
    }

    /** Upstream's SelectVictimsOnNode. */
    Optional<Candidate> selectVictims(CycleState state, Profile profile, Pod pod, NodeInfo node, List<NodeInfo> all, boolean crossNode,
                                      List<PodDisruptionBudget> budgets, Map<String, Status> dryRun) {
        int priority = priority(pod);
        List<Pod> lower = new ArrayList<>();
        NodeInfo without = node;
        for (Pod other : node.pods()) {
            if (priority(other) < priority) {
                lower.add(other);
                without = without.withoutPod(PodKey.of(other));
            }
        }
        if (lower.isEmpty()) {
            dryRun.put(node.name(), Status.unresolvable(NAME, NO_VICTIMS));
            return Optional.empty();
        }
        // Room promised to nominated pods of equal or higher priority is not up for grabs.
        without = state.withNominatedPods(without);
        Status fits = fits(profile, pod, without, all, crossNode);
        if (!fits.isSuccess()) {
            dryRun.put(node.name(), fits);
            return Optional.empty();
        }
        Map<Pod, Instant> starts = new java.util.IdentityHashMap<>();
        lower.forEach(victim -> starts.put(victim, startTime(victim)));
        Comparator<Pod> moreImportantFirst = Comparator.comparingInt((Pod victim) -> -priority(victim)).thenComparing(starts::get);
        lower.sort(moreImportantFirst);
        List<Pod> violatingPods = new ArrayList<>();
        List<Pod> nonViolatingPods = new ArrayList<>();
        splitByBudgetViolation(lower, budgets, violatingPods, nonViolatingPods);
        List<Pod> victims = new ArrayList<>();
        int violations = 0;
        NodeInfo current = without;
        for (List<Pod> group : List.of(violatingPods, nonViolatingPods)) {
            for (Pod candidate : group) {
                Resources[] requests = node.requestsOf(candidate).orElseGet(() -> new Resources[] {
                        Resources.podRequests(candidate, false), Resources.podRequests(candidate, true)});
                NodeInfo with = current.withPod(candidate, requests[0], requests[1]);
                if (fits(profile, pod, with, all, crossNode).isSuccess()) {
                    current = with;
                } else {
                    victims.add(candidate);
                    if (group == violatingPods) {
                        violations++;
                    }
                }
            }
        }
        victims.sort(moreImportantFirst);
        Instant earliest = Instant.MAX;
        for (Pod victim : victims) {
            if (priority(victim) == priority(victims.getFirst()) && starts.get(victim).isBefore(earliest)) {
                earliest = starts.get(victim);
            }
        }
        return Optional.of(new Candidate(node.name(), List.copyOf(victims), violations, earliest));
    }

    /** PreFilter and Filter for the pod on a what-if node; cross-node plugins see it in the whole cluster. */
    private static Status fits(Profile profile, Pod pod, NodeInfo node, List<NodeInfo> all, boolean crossNode) {
        List<NodeInfo> view;
        if (crossNode) {
            List<NodeInfo> replaced = new ArrayList<>(all.size());
            for (NodeInfo other : all) {
                replaced.add(other.name().equals(node.name()) ? node : other);
            }
            view = replaced;
        } else {
            view = List.of(node);
        }
        CycleState state = new CycleState();
        state.setAllNodes(view);
        PreFilterPlugin.Result pre = profile.runPreFilter(state, pod, view);
        if (!pre.status().isSuccess()) {
            return pre.status();
        }
        if (pre.nodeNames().isPresent() && !pre.nodeNames().get().contains(node.name())) {
            return Status.unresolvable(NAME, NOT_HELPFUL);
        }
        return profile.runFilter(state, pod, node);
    }

    /** Upstream's filterPodsWithPDBViolation: a pod violates when a budget selecting it has no disruption left. */
    static void splitByBudgetViolation(List<Pod> pods, List<PodDisruptionBudget> budgets, List<Pod> violating, List<Pod> nonViolating) {
        int[] allowed = new int[budgets.size()];
        for (int i = 0; i < budgets.size(); i++) {
            var status = budgets.get(i).getStatus();
            allowed[i] = status == null || status.getDisruptionsAllowed() == null ? 0 : status.getDisruptionsAllowed();
        }
        for (Pod pod : pods) {
            boolean violated = false;
            Map<String, String> labels = pod.getMetadata().getLabels();
            if (labels != null && !labels.isEmpty()) {
                for (int i = 0; i < budgets.size(); i++) {
                    PodDisruptionBudget budget = budgets.get(i);
                    if (!Objects.equals(budget.getMetadata().getNamespace(), pod.getMetadata().getNamespace())
                            || budget.getSpec() == null || budget.getSpec().getSelector() == null
                            || Selectors.isEmpty(budget.getSpec().getSelector())
                            || !Selectors.matches(budget.getSpec().getSelector(), labels)) {
                        continue;
                    }
                    var disrupted = budget.getStatus() == null ? null : budget.getStatus().getDisruptedPods();
                    if (disrupted != null && disrupted.containsKey(pod.getMetadata().getName())) {
                        continue;
                    }
                    allowed[i]--;
                    if (allowed[i] < 0) {
                        violated = true;
                    }
                }
            }
            (violated ? violating : nonViolating).add(pod);
        }
    }

    /** Upstream's pickOneNodeForPreemption. */
    static Candidate pick(List<Candidate> candidates) {
        for (Candidate candidate : candidates) {
            if (candidate.victims().isEmpty()) {
                return candidate;
            }
        }
        Comparator<Candidate> order = Comparator
                .comparingInt(Candidate::pdbViolations)
                .thenComparingInt(c -> priority(c.victims().getFirst()))
                .thenComparingLong(c -> c.victims().stream().mapToLong(v -> (long) priority(v) + Integer.MAX_VALUE + 1).sum())
                .thenComparingInt(c -> c.victims().size())
                .thenComparing(Candidate::earliestStartOfHighestPriority, Comparator.reverseOrder());
        Candidate best = candidates.getFirst();
        for (Candidate candidate : candidates) {
            if (order.compare(candidate, best) < 0) {
                best = candidate;
            }
        }
        return best;
    }

    /** Higher priority first; among equals the one that started earlier. */
    static final Comparator<Pod> MORE_IMPORTANT_FIRST = Comparator
            .comparingInt((Pod pod) -> -priority(pod))
            .thenComparing(DefaultPreemption::startTime);

    static Instant startTime(Pod pod) {
        String start = pod.getStatus() == null ? null : pod.getStatus().getStartTime();
        if (start == null || start.isEmpty()) {
            start = pod.getMetadata().getCreationTimestamp();
        }
        try {
            return start == null ? Instant.MAX : Instant.parse(start);
        } catch (java.time.format.DateTimeParseException unparseable) {
            return Instant.MAX;
        }
    }

    /** {@code spec.priority}, 0 when unset. */
    public static int priority(Pod pod) {
        Integer priority = pod.getSpec().getPriority();
        return priority == null ? 0 : priority;
    }
}
