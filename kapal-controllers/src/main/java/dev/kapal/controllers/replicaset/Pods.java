package dev.kapal.controllers.replicaset;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pod facts the replica engine reads, with upstream's meanings: active (not terminal, not being
 * deleted), ready (condition Ready=True), available (ready for at least minReadySeconds), and the
 * order in which surplus pods are deleted ({@link #victimOrder}).
 */
public final class Pods {
    /** Upstream's pod-deletion-cost annotation: lower cost is deleted first. */
    static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

    private Pods() {
    }

    /** Neither Succeeded nor Failed, and not being deleted (upstream's IsPodActive). */
    public static boolean active(Pod pod) {
        String phase = phase(pod);
        return !phase.equals("Succeeded") && !phase.equals("Failed") && pod.getMetadata().getDeletionTimestamp() == null;
    }

    public static String phase(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getPhase() == null ? "" : pod.getStatus().getPhase();
    }

    private static Optional<PodCondition> readyCondition(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream().filter(condition -> "Ready".equals(condition.getType())).findFirst();
    }

    public static boolean ready(Pod pod) {
        return readyCondition(pod).map(condition -> "True".equals(condition.getStatus())).orElse(false);
    }

    /** When the pod last became ready, if it is ready and says so. */
    static Optional<Instant> readySince(Pod pod) {
        return readyCondition(pod).filter(condition -> "True".equals(condition.getStatus()))
                .flatMap(condition -> instant(condition.getLastTransitionTime()));
    }

    /** Ready, and for {@code minReadySeconds} at {@code now} (upstream's IsPodAvailable). */
    public static boolean available(Pod pod, int minReadySeconds, Instant now) {
        if (!ready(pod)) {
            return false;
        }
        if (minReadySeconds == 0) {
            return true;
        }
        Optional<Instant> since = readySince(pod);
        return since.isPresent() && !since.get().plusSeconds(minReadySeconds).isAfter(now);
    }

    static Optional<Instant> instant(String timestamp) {
        if (timestamp == null || timestamp.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(timestamp));
        } catch (DateTimeParseException invalid) {
            return Optional.empty();
        }
    }

    private static int restarts(Pod pod) {
        int most = 0;
        if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
            for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
                most = Math.max(most, status.getRestartCount() == null ? 0 : status.getRestartCount());
            }
        }
        return most;
    }

    private static int phaseRank(Pod pod) {
        return switch (phase(pod)) {
            case "Pending" -> 0;
            case "Unknown" -> 1;
            case "Running" -> 2;
            default -> -1;
        };
    }

    private static int deletionCost(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(DELETION_COST);
        if (value == null) {
            return 0;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException invalid) {
            return 0;
        }
    }

    private static boolean assigned(Pod pod) {
        return pod.getSpec() != null && pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty();
    }

    /**
     * Upstream's ActivePodsWithRanks order, the first deleted first: unassigned before assigned;
     * Pending before Unknown before Running; not ready before ready; lower pod-deletion-cost first;
     * more related pods on the same node ({@code ranks}) first; ready for less time first; more
     * restarts first; newer first. Ready and creation times compare in logarithmic buckets of their
     * age at {@code now} (LogarithmicScaleDown), ties broken by uid.
     *
     * @param ranks for each pod uid, how many related pods share its node
     */
    static Comparator<Pod> victimOrder(Map<String, Integer> ranks, Instant now) {
        return (a, b) -> {
            if (assigned(a) != assigned(b)) {
                return assigned(a) ? 1 : -1;
            }
            if (phaseRank(a) != phaseRank(b)) {
                return Integer.compare(phaseRank(a), phaseRank(b));
            }
            if (ready(a) != ready(b)) {
                return ready(a) ? 1 : -1;
            }
            if (deletionCost(a) != deletionCost(b)) {
                return Integer.compare(deletionCost(a), deletionCost(b));
            }
            int rankA = ranks.getOrDefault(a.getMetadata().getUid(), 0);
            int rankB = ranks.getOrDefault(b.getMetadata().getUid(), 0);
            if (rankA != rankB) {
                return Integer.compare(rankB, rankA);
            }
            if (ready(a) && ready(b)) {
                int byReady = newerFirst(readySince(a), readySince(b), now);
                if (byReady != 0) {
                    return byReady;
                }
            }
            if (restarts(a) != restarts(b)) {
                return Integer.compare(restarts(b), restarts(a));
            }
            int byCreation = newerFirst(instant(a.getMetadata().getCreationTimestamp()),
                    instant(b.getMetadata().getCreationTimestamp()), now);
            if (byCreation != 0) {
                return byCreation;
            }
            return String.valueOf(a.getMetadata().getUid()).compareTo(String.valueOf(b.getMetadata().getUid()));
        };
    }

    /** Absent first, then by logarithmic age bucket, younger first; 0 when in the same bucket. */
    private static int newerFirst(Optional<Instant> a, Optional<Instant> b, Instant now) {
        if (a.isEmpty() || b.isEmpty()) {
            return a.isEmpty() == b.isEmpty() ? 0 : (a.isEmpty() ? -1 : 1);
        }
        if (a.get().equals(b.get())) {
            return 0;
        }
        return Integer.compare(bucket(a.get(), now), bucket(b.get(), now));
    }

    private static int bucket(Instant time, Instant now) {
        long nanos = Duration.between(time, now).toNanos();
        return nanos <= 0 ? -1 : 63 - Long.numberOfLeadingZeros(nanos);
    }

    /** The {@code count} pods to delete from {@code pods}, in deletion order. */
    static List<Pod> victims(List<Pod> pods, int count, Map<String, Integer> ranks, Instant now) {
        if (count >= pods.size()) {
            return List.copyOf(pods);
        }
        return pods.stream().sorted(victimOrder(ranks, now)).limit(count).toList();
    }
}
