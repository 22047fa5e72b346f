package dev.kapal.scheduler;

import dev.kapal.scheduler.framework.CycleState;
import dev.kapal.scheduler.framework.NodeInfo;
import dev.kapal.scheduler.framework.PostFilterPlugin;
import dev.kapal.scheduler.framework.PreFilterPlugin;
import dev.kapal.scheduler.framework.Profile;
import dev.kapal.scheduler.framework.Status;
import dev.kapal.scheduler.plugins.FailureMessages;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pure part of a scheduling cycle: PreFilter, Filter (in parallel chunks for large clusters,
 * stopping once enough feasible nodes are found, starting where the last cycle stopped so every
 * node gets its turn), PostFilter on failure, Score, and the pick (highest total, ties broken at
 * random). No API calls, no cache writes.
 */
public final class Algorithm {
    /** Below this many nodes filtering stays on the cycle's thread: handing work off costs more than it saves. */
    static final int PARALLEL_THRESHOLD = 512;
    private static final int MIN_FEASIBLE_NODES_TO_FIND = 100;
    private static final int MIN_FEASIBLE_PERCENTAGE = 5;
    /** Nodes a filtering thread claims at a time: small enough to share, large enough to keep claims rare. */
    private static final int FILTER_BATCH = 64;
    private static final int CLOSED = Integer.MIN_VALUE;

    /** What one cycle decided. */
    public sealed interface Result {
        /** @param evaluated nodes filtered; {@code feasible} of them fit */
        record Scheduled(String nodeName, int evaluated, int feasible) implements Result {
        }

        /**
         * No node fits: the message for the event and condition, each rejected node's status,
         * and the node PostFilter (preemption) made room on, if any.
         */
        record Unschedulable(String message, Map<String, Status> statuses, java.util.Optional<String> nominatedNode)
                implements Result {
            public Unschedulable(String message, Map<String, Status> statuses) {
                this(message, statuses, java.util.Optional.empty());
            }
        }
    }

    /** Pods nominated to a node (preemptors waiting for their victims to go), by node name. */
    public interface Nominations {
        /** The pods nominated to the node, with their requests worked out once. */
        List<Nominated> nominatedTo(String nodeName);

        /** Whether no pod is nominated anywhere (the common case: filtering skips the lookups). */
        default boolean isEmpty() {
            return false;
        }

        Nominations NONE = new Nominations() {
            @Override
            public List<Nominated> nominatedTo(String nodeName) {
                return List.of();
            }

            @Override
            public boolean isEmpty() {
                return true;
            }
        };
    }

    /** A nominated pod, its priority and its requests (exact and with scoring defaults). */
    public record Nominated(Pod pod, int priority, dev.kapal.scheduler.framework.Resources exact,
                            dev.kapal.scheduler.framework.Resources nonZero) {
        public static Nominated of(Pod pod) {
            return new Nominated(pod, dev.kapal.scheduler.plugins.DefaultPreemption.priority(pod),
                    dev.kapal.scheduler.framework.Resources.podRequests(pod, false),
                    dev.kapal.scheduler.framework.Resources.podRequests(pod, true));
        }
    }

    private final ExecutorService filterPool;
    private final int parallelism;
    private final Nominations nominations;
    private int nextStartIndex;

    /** @param filterPool threads for filtering large clusters; {@code parallelism} chunks at most */
    public Algorithm(ExecutorService filterPool, int parallelism) {
        this(filterPool, parallelism, Nominations.NONE);
    }

    /** @param nominations pods of equal or higher priority nominated to a node count there while filtering */
    public Algorithm(ExecutorService filterPool, int parallelism, Nominations nominations) {
        this.filterPool = filterPool;
        this.parallelism = Math.max(1, parallelism);
        this.nominations = java.util.Objects.requireNonNull(nominations, "nominations");
    }

    /** Upstream's numFeasibleNodesToFind: all below 100 nodes, else a percentage (adaptive by default), at least 100. */
    static int feasibleNodesToFind(int percentage, int allNodes) {
        if (allNodes < MIN_FEASIBLE_NODES_TO_FIND || percentage >= 100) {
            return allNodes;
        }
        int adaptive = percentage;
        if (adaptive <= 0) {
            adaptive = Math.max(MIN_FEASIBLE_PERCENTAGE, 50 - allNodes / 125);
        }
        int count = allNodes * adaptive / 100;
        return Math.max(count, MIN_FEASIBLE_NODES_TO_FIND);
    }

    /** Runs one cycle for {@code pod} over {@code nodes}; not thread-safe (one scheduling thread). */
    public Result schedule(Profile profile, CycleState state, Pod pod, List<NodeInfo> nodes) throws InterruptedException {
        if (nodes.isEmpty()) {
            return new Result.Unschedulable("no nodes available to schedule pods", Map.of());
        }
        state.setAllNodes(nodes);
        state.setNominatedPods(node -> withNominated(pod, node));
        PreFilterPlugin.Result pre = profile.runPreFilter(state, pod, nodes);
        if (!pre.status().isSuccess()) {
            Map<String, Status> statuses = new HashMap<>();
            nodes.forEach(node -> statuses.put(node.name(), pre.status()));
            return new Result.Unschedulable("0/" + nodes.size() + " nodes are available: " + pre.status().message() + ".", statuses);
        }
        List<NodeInfo> candidates = nodes;
        if (pre.nodeNames().isPresent()) {
            var names = pre.nodeNames().get();
            candidates = nodes.stream().filter(node -> names.contains(node.name())).toList();
        }
        Map<String, Status> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        // A pod that preempted tries its nominated node first (upstream's evaluateNominatedNode).
        String nominated = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
        if (nominated != null && !nominated.isEmpty()) {
            for (NodeInfo node : candidates) {
                if (node.name().equals(nominated) && filterOne(profile, state, pod, node).isSuccess()) {
                    return new Result.Scheduled(nominated, 1, 1);
                }
            }
        }
        int toFind = feasibleNodesToFind(profile.percentageOfNodesToScore(), candidates.size());
        List<NodeInfo> feasible = filter(profile, state, pod, candidates, toFind, statuses);
        if (feasible.isEmpty()) {
            Map<String, Integer> histogram = new TreeMap<>();
            for (Status status : statuses.values()) {
                for (String reason : status.reasons()) {
                    histogram.merge(reason, 1, Integer::sum);
                }
            }
            String message = FailureMessages.histogram(nodes.size(), histogram);
            PostFilterPlugin.Result post = profile.runPostFilter(state, pod, nodes, statuses);
            if (!post.message().isEmpty()) {
                message = message + " " + post.message();
            }
            return new Result.Unschedulable(message, statuses,
                    post.status().isSuccess() ? post.nominatedNode() : java.util.Optional.empty());
        }
        if (feasible.size() == 1) {
            return new Result.Scheduled(feasible.getFirst().name(), statuses.size() + 1, 1);
        }
        long[] scores = profile.runScore(state, pod, feasible);
        int best = 0;
        int ties = 1;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
                ties = 1;
            } else if (scores[i] == scores[best] && ThreadLocalRandom.current().nextInt(++ties) == 0) {
                best = i;
            }
        }
        return new Result.Scheduled(feasible.get(best).name(), statuses.size() + feasible.size(), feasible.size());
    }

    /**
     * The filters for one node, as upstream's RunFilterPluginsWithNominatedPods: first with the
     * pods of equal or higher priority nominated to the node added (so a preemptor's room is not
     * taken), then, if that passed, without them (they may never come).
     */
    private Status filterOne(Profile profile, CycleState state, Pod pod, NodeInfo node) {
        if (!nominations.isEmpty()) {
            NodeInfo withNominated = withNominated(pod, node);
            if (withNominated != node) {
                Status status = profile.runFilter(state, pod, withNominated);
                if (!status.isSuccess()) {
                    return status;
                }
            }
        }
        return profile.runFilter(state, pod, node);
    }

    /** The node with the pods of equal or higher priority nominated to it added; the same object when there are none. */
    private NodeInfo withNominated(Pod pod, NodeInfo node) {
        if (nominations.isEmpty()) {
            return node;
        }
        List<Nominated> nominatedHere = nominations.nominatedTo(node.name());
        if (nominatedHere.isEmpty()) {
            return node;
        }
        int priority = dev.kapal.scheduler.plugins.DefaultPreemption.priority(pod);
        dev.kapal.scheduler.framework.PodKey self = dev.kapal.scheduler.framework.PodKey.of(pod);
        NodeInfo withNominated = node;
        for (Nominated other : nominatedHere) {
            if (other.priority() >= priority && !dev.kapal.scheduler.framework.PodKey.of(other.pod()).equals(self)) {
                withNominated = withNominated.withPod(other.pod(), other.exact(), other.nonZero());
            }
        }
        return withNominated;
    }

    private List<NodeInfo> filter(Profile profile, CycleState state, Pod pod, List<NodeInfo> nodes, int toFind,
                                  Map<String, Status> statuses) throws InterruptedException {
        int size = nodes.size();
        int start = nextStartIndex % size;
        if (size < PARALLEL_THRESHOLD || parallelism == 1) {
            List<NodeInfo> feasible = new ArrayList<>(Math.min(toFind, size));
            int evaluated = 0;
            while (evaluated < size && feasible.size() < toFind) {
                NodeInfo node = nodes.get((start + evaluated) % size);
                evaluated++;
                Status status = filterOne(profile, state, pod, node);
                if (status.isSuccess()) {
                    feasible.add(node);
                } else {
                    statuses.put(node.name(), status);
                }
            }
            nextStartIndex = (start + evaluated) % size;
            return feasible;
        }
        // The ring from the start is cut into small batches that the cycle's own thread and up to
        // parallelism - 1 helpers claim in order. The cycle's thread works too, so on a busy
        // machine (helpers not yet running) it never sits idle waiting for a hand-off; helpers that
        // start late find the work done. Stopping early leaves no earlier region unvisited.
        NodeInfo[] found = new NodeInfo[size];
        AtomicInteger feasibleCount = new AtomicInteger();
        AtomicInteger highestEvaluated = new AtomicInteger();
        AtomicInteger nextBatch = new AtomicInteger();
        int batches = (size + FILTER_BATCH - 1) / FILTER_BATCH;
        Runnable work = () -> {
            for (int batch = nextBatch.getAndIncrement(); batch < batches && feasibleCount.get() < toFind;
                 batch = nextBatch.getAndIncrement()) {
                int end = Math.min(size, (batch + 1) * FILTER_BATCH);
                int offset = batch * FILTER_BATCH;
                for (; offset < end && feasibleCount.get() < toFind; offset++) {
                    NodeInfo node = nodes.get((start + offset) % size);
                    Status status = filterOne(profile, state, pod, node);
                    if (status.isSuccess()) {
                        found[offset] = node;
                        feasibleCount.incrementAndGet();
                    } else {
                        statuses.put(node.name(), status);
                    }
                }
                int evaluatedTo = offset;
                highestEvaluated.accumulateAndGet(evaluatedTo, Math::max);
            }
        };
        int helpers = Math.min(parallelism - 1, batches - 1);
        // Helpers inside the work, plus CLOSED once the cycle's thread is done: a helper that
        // starts after that does nothing, so the cycle waits only for helpers already working.
        AtomicInteger gate = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<RuntimeException> failed = new java.util.concurrent.atomic.AtomicReference<>();
        for (int helper = 0; helper < helpers; helper++) {
            filterPool.execute(() -> {
                int inside;
                do {
                    inside = gate.get();
                    if (inside < 0) {
                        return;
                    }
                } while (!gate.compareAndSet(inside, inside + 1));
                try {
                    work.run();
                } catch (RuntimeException failure) {
                    failed.compareAndSet(null, failure);
                    nextBatch.set(batches);
                } finally {
                    gate.decrementAndGet();
                }
            });
        }
        try {
            work.run();
        } catch (RuntimeException failure) {
            failed.compareAndSet(null, failure);
            nextBatch.set(batches);
        }
        int inside;
        do {
            inside = gate.get();
        } while (!gate.compareAndSet(inside, inside | CLOSED));
        while (gate.get() != CLOSED) {
            Thread.yield();
        }
        if (failed.get() != null) {
            throw failed.get();
        }
        List<NodeInfo> feasible = new ArrayList<>(Math.min(feasibleCount.get(), toFind));
        for (NodeInfo node : found) {
            if (node != null && feasible.size() < toFind) {
                feasible.add(node);
            }
        }
        nextStartIndex = (start + highestEvaluated.get()) % size;
        return feasible;
    }
}
