package dev.kapal.controllers.podgc;

import dev.kapal.controllers.runtime.Controller;
import dev.kapal.controllers.runtime.ControllerContext;
import dev.kapal.controllers.runtime.ObjectKey;
import dev.kapal.controllers.runtime.Reconciler;
import dev.kapal.controllers.runtime.Result;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes pods nobody else will, as kube-controller-manager's pod GC does every
 * {@link Settings#period()} (20 s):
 * <ol>
 *   <li>terminated pods (phase Succeeded or Failed) beyond {@link Settings#terminatedPodThreshold()}
 *       (upstream's {@code --terminated-pod-gc-threshold}, 12,500; 0 disables), evicted ones first,
 *       then oldest first;</li>
 *   <li>terminating pods on nodes that are not Ready and carry the
 *       {@code node.kubernetes.io/out-of-service} taint;</li>
 *   <li>pods bound to nodes that do not exist: a node missing from the cache is quarantined for
 *       {@link Settings#quarantine()} (40 s) and then confirmed absent with a live GET; its pods
 *       get the {@code DisruptionTarget} condition (reason {@code DeletionByPodGC}) and phase Failed;</li>
 *   <li>terminating pods never scheduled.</li>
 * </ol>
 * Every deletion is forced (grace period 0); a pod not yet terminal is first marked Failed in its
 * status, as upstream does. The work runs as one periodic key on the controller runtime.
 */
public final class PodGarbageCollector implements Reconciler<ObjectKey> {
    /** The {@code --controllers} name (upstream's alias; 1.28+ also {@code pod-garbage-collector-controller}). */
    public static final String NAME = "podgc";
    static final String OUT_OF_SERVICE_TAINT = "node.kubernetes.io/out-of-service";
    private static final ObjectKey TICK = ObjectKey.cluster("podgc");
    private static final Logger log = LoggerFactory.getLogger(PodGarbageCollector.class);

    /**
     * @param terminatedPodThreshold terminated pods kept before the oldest are deleted (≤ 0: never)
     * @param period                 how often the collector looks
     * @param quarantine             how long a node must be missing before its pods go
     */
    public record Settings(int terminatedPodThreshold, Duration period, Duration quarantine) {
        public Settings {
            Objects.requireNonNull(period, "period");
            Objects.requireNonNull(quarantine, "quarantine");
        }

        /** Upstream's defaults: 12,500 terminated pods, every 20 s, 40 s quarantine. */
        public static Settings defaults() {
            return new Settings(12_500, Duration.ofSeconds(20), Duration.ofSeconds(40));
        }
    }

    private final KubernetesClient client;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<Node> nodes;
    private final Settings settings;
    private final Clock clock;
    /** Node names seen missing from the cache, and since when. */
    private final Map<String, Instant> missingSince = new HashMap<>();

    private PodGarbageCollector(KubernetesClient client, SharedIndexInformer<Pod> pods, SharedIndexInformer<Node> nodes,
                                Settings settings, Clock clock) {
        this.client = client;
        this.pods = pods;
        this.nodes = nodes;
        this.settings = settings;
        this.clock = clock;
    }

    public static Controller<ObjectKey> create(ControllerContext context) {
        return create(context, Settings.defaults());
    }

    public static Controller<ObjectKey> create(ControllerContext context, Settings settings) {
        SharedIndexInformer<Pod> pods = context.informers().of(Pod.class);
        SharedIndexInformer<Node> nodes = context.informers().of(Node.class);
        Controller<ObjectKey> controller = Controller.builder(NAME,
                        new PodGarbageCollector(context.client(), pods, nodes, settings, Clock.systemUTC()))
                .context(context)
                .watch(pods, ignored -> Stream.empty())
                .watch(nodes, ignored -> Stream.empty())
                .build();
        controller.enqueue(TICK);
        return controller;
    }

    @Override
    public Result reconcile(ObjectKey key) {
        List<Pod> all = pods.getIndexer().list();
        if (settings.terminatedPodThreshold() > 0) {
            gcTerminated(all);
        }
        gcTerminatingOutOfService(all);
        gcOrphaned(all);
        gcUnscheduledTerminating(all);
        return Result.requeueAfter(settings.period());
    }

    static boolean isTerminated(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private void gcTerminated(List<Pod> all) {
        List<Pod> terminated = new ArrayList<>(all.stream().filter(PodGarbageCollector::isTerminated).toList());
        int excess = terminated.size() - settings.terminatedPodThreshold();
        if (excess <= 0) {
            return;
        }
        terminated.sort(EVICTED_THEN_OLDEST);
        log.info("garbage collecting {} terminated pods", excess);
        for (Pod pod : terminated.subList(0, excess)) {
            markFailedAndDelete(pod, Optional.empty());
        }
    }

    /** Upstream's byEvictionAndCreationTimestamp: evicted pods first, then by creation time, then name. */
    static final Comparator<Pod> EVICTED_THEN_OLDEST = Comparator
            .comparing((Pod pod) -> !"Evicted".equals(pod.getStatus() == null ? null : pod.getStatus().getReason()))
            .thenComparing(pod -> creation(pod))
            .thenComparing(pod -> pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName());

    private static Instant creation(Pod pod) {
        String created = pod.getMetadata().getCreationTimestamp();
        return created == null ? Instant.EPOCH : Instant.parse(created);
    }

    private void gcTerminatingOutOfService(List<Pod> all) {
        for (Pod pod : all) {
            if (pod.getMetadata().getDeletionTimestamp() == null || isTerminated(pod) || nodeName(pod).isEmpty()) {
                continue;
            }
            Node node = nodes.getIndexer().getByKey(nodeName(pod));
            if (node != null && !ready(node) && outOfService(node)) {
                log.info("garbage collecting pod {}/{} terminating on out-of-service node {}",
                        pod.getMetadata().getNamespace(), pod.getMetadata().getName(), nodeName(pod));
                markFailedAndDelete(pod, Optional.empty());
            }
        }
    }

    private static boolean ready(Node node) {
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return false;
        }
        for (NodeCondition condition : node.getStatus().getConditions()) {
            if ("Ready".equals(condition.getType())) {
                return "True".equals(condition.getStatus());
            }
        }
        return false;
    }

    private static boolean outOfService(Node node) {
        return node.getSpec() != null && node.getSpec().getTaints() != null
                && node.getSpec().getTaints().stream().anyMatch(taint -> OUT_OF_SERVICE_TAINT.equals(taint.getKey()));
    }

    private static String nodeName(Pod pod) {
        return pod.getSpec() == null || pod.getSpec().getNodeName() == null ? "" : pod.getSpec().getNodeName();
    }

    private void gcOrphaned(List<Pod> all) {
        Instant now = clock.instant();
        Set<String> missingNow = new HashSet<>();
        for (Pod pod : all) {
            String node = nodeName(pod);
            if (!node.isEmpty() && nodes.getIndexer().getByKey(node) == null) {
                missingNow.add(node);
            }
        }
        missingSince.keySet().retainAll(missingNow);
        Set<String> deletedNodes = new HashSet<>();
        for (String node : missingNow) {
            Instant since = missingSince.computeIfAbsent(node, ignored -> now);
            if (Duration.between(since, now).compareTo(settings.quarantine()) < 0) {
                continue;
            }
            if (nodes.getIndexer().getByKey(node) != null) {
                continue;
            }
            try {
                if (client.nodes().withName(node).get() == null) {
                    deletedNodes.add(node);
                }
            } catch (KubernetesClientException failure) {
                log.debug("podgc: checking node {} failed: {}", node, failure.getMessage());
            }
        }
        if (deletedNodes.isEmpty()) {
            return;
        }
        for (Pod pod : all) {
            if (!deletedNodes.contains(nodeName(pod))) {
                continue;
            }
            log.info("garbage collecting pod {}/{} bound to deleted node {}", pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(), nodeName(pod));
            markFailedAndDelete(pod, Optional.of(new PodConditionBuilder()
                    .withType("DisruptionTarget")
                    .withStatus("True")
                    .withReason("DeletionByPodGC")
                    .withMessage("PodGC: node no longer exists")
                    .build()));
        }
        missingSince.keySet().removeAll(deletedNodes);
    }

    private void gcUnscheduledTerminating(List<Pod> all) {
        for (Pod pod : all) {
            if (pod.getMetadata().getDeletionTimestamp() != null && nodeName(pod).isEmpty()) {
                log.info("garbage collecting unscheduled terminating pod {}/{}", pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName());
                markFailedAndDelete(pod, Optional.empty());
            }
        }
    }

    /** Marks a pod that is not terminal Failed (with {@code condition}), then force-deletes it. */
    private void markFailedAndDelete(Pod pod, Optional<PodCondition> condition) {
        String namespace = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        try {
            if (!isTerminated(pod)) {
                client.pods().inNamespace(namespace).withName(name).editStatus(current -> {
                    if (current.getStatus() == null) {
                        current.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
                    }
                    current.getStatus().setPhase("Failed");
                    condition.ifPresent(wanted -> setCondition(current, wanted, clock.instant()));
                    return current;
                });
            }
            client.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
        } catch (KubernetesClientException failure) {
            if (failure.getCode() != 404) {
                log.info("podgc: deleting pod {}/{} failed: {}", namespace, name, failure.getMessage());
            }
        }
    }

    private static void setCondition(Pod pod, PodCondition wanted, Instant now) {
        List<PodCondition> conditions = pod.getStatus().getConditions() == null ? new ArrayList<>()
                : new ArrayList<>(pod.getStatus().getConditions());
        String stamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
        boolean found = false;
        for (PodCondition existing : conditions) {
            if (wanted.getType().equals(existing.getType())) {
                if (!Objects.equals(existing.getStatus(), wanted.getStatus())) {
                    existing.setLastTransitionTime(stamp);
                }
                existing.setStatus(wanted.getStatus());
                existing.setReason(wanted.getReason());
                existing.setMessage(wanted.getMessage());
                found = true;
            }
        }
        if (!found) {
            wanted.setLastTransitionTime(stamp);
            conditions.add(wanted);
        }
        pod.getStatus().setConditions(conditions);
    }
}
