package dev.kapal.controllers.tainteviction;

import dev.kapal.controllers.nodeutil.PodsByNode;
import dev.kapal.controllers.nodeutil.Taints;
import dev.kapal.controllers.runtime.Controller;
import dev.kapal.controllers.runtime.ControllerContext;
import dev.kapal.controllers.runtime.EventRecorder;
import dev.kapal.controllers.runtime.ObjectKey;
import dev.kapal.controllers.runtime.Reconciler;
import dev.kapal.controllers.runtime.Result;
import dev.kapal.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Evicts pods from NoExecute-tainted nodes, as upstream's taint eviction controller:
 * <ul>
 *   <li>a pod that does not tolerate every NoExecute taint of its node is deleted at once;</li>
 *   <li>a pod that tolerates them all with a {@code tolerationSeconds} is deleted when the smallest
 *       of them has passed since this controller first saw the pod tolerating (zero or negative
 *       seconds: at once);</li>
 *   <li>a pod that tolerates them without {@code tolerationSeconds} stays;</li>
 *   <li>a scheduled deletion is cancelled (event "Cancelling deletion of Pod ns/name") when the
 *       taints go or the pod comes to tolerate them forever.</li>
 * </ul>
 * Deleting records a {@code TaintManagerEviction} event ("Marking for deletion Pod ns/name"), adds
 * the {@code DisruptionTarget} condition (reason {@code DeletionByTaintManager}) to the pod's status,
 * then deletes it with its own grace period. Keys are pods and nodes; a node key whose NoExecute
 * taints changed queues its pods.
 */
public final class TaintEvictionController implements Reconciler<TaintEvictionController.Key> {
    public static final String NAME = "taint-eviction-controller";
    static final String DISRUPTION_TARGET = "DisruptionTarget";
    static final String REASON = "DeletionByTaintManager";
    static final String MESSAGE = "Taint manager: deleting due to NoExecute taint";

    /** The work items: a pod to judge, or a node whose taints may have changed. */
    public sealed interface Key permits PodKey, NodeKey {
    }

    public record PodKey(ObjectKey pod) implements Key {
    }

    public record NodeKey(String name) implements Key {
    }

    private final KubernetesClient client;
    private final Clock clock;
    private final SharedIndexInformer<Node> nodes;
    private final SharedIndexInformer<Pod> pods;
    private final WorkQueue<Key> queue;
    private final EventRecorder events;
    /** When each pod's deletion was scheduled (the start of its toleration). */
    private final Map<ObjectKey, Instant> scheduled = new ConcurrentHashMap<>();
    /** The NoExecute taints last seen per node, so heartbeats do not requeue every pod. */
    private final Map<String, List<Taint>> nodeTaints = new ConcurrentHashMap<>();

    TaintEvictionController(KubernetesClient client, Clock clock, SharedIndexInformer<Node> nodes,
                            SharedIndexInformer<Pod> pods, WorkQueue<Key> queue, EventRecorder events) {
        this.client = client;
        this.clock = clock;
        this.nodes = nodes;
        this.pods = pods;
        this.queue = queue;
        this.events = events;
    }

    public static Controller<Key> create(ControllerContext context) {
        KubernetesClient client = context.client();
        SharedIndexInformer<Node> nodes = context.informers().of(Node.class);
        SharedIndexInformer<Pod> pods = PodsByNode.index(context.informers().of(Pod.class));
        WorkQueue<Key> queue = new WorkQueue<>();
        EventRecorder events = new EventRecorder(client, NAME, "", 1000);
        TaintEvictionController reconciler = new TaintEvictionController(client, Clock.systemUTC(), nodes, pods, queue, events);
        return Controller.<Key>builder(NAME, reconciler)
                .context(context)
                .queue(queue)
                .workers(4)
                .closes(events)
                .watch(nodes, node -> Stream.of(new NodeKey(node.getMetadata().getName())))
                .watch(pods, pod -> Stream.of(new PodKey(ObjectKey.of(pod))))
                .build();
    }

    @Override
    public Result reconcile(Key key) {
        return switch (key) {
            case NodeKey node -> reconcileNode(node.name());
            case PodKey pod -> reconcilePod(pod.pod());
        };
    }

    private Result reconcileNode(String name) {
        Node node = nodes.getIndexer().getByKey(name);
        List<Taint> taints = node == null ? List.of() : comparable(Taints.noExecute(node));
        List<Taint> previous = node == null ? nodeTaints.remove(name) : nodeTaints.put(name, taints);
        if ((previous == null ? List.of() : previous).equals(taints)) {
            return Result.done();
        }
        for (Pod pod : PodsByNode.on(pods, name)) {
            queue.add(new PodKey(ObjectKey.of(pod)));
        }
        return Result.done();
    }

    /** Taints without their time, so re-stamped taints do not count as a change. */
    private static List<Taint> comparable(List<Taint> taints) {
        List<Taint> plain = new ArrayList<>();
        for (Taint taint : taints) {
            plain.add(new Taint(taint.getEffect(), taint.getKey(), null, taint.getValue()));
        }
        plain.sort((a, b) -> (a.getKey() + "\u0000" + a.getValue()).compareTo(b.getKey() + "\u0000" + b.getValue()));
        return plain;
    }

    private Result reconcilePod(ObjectKey key) {
        Pod pod = pods.getIndexer().getByKey(key.indexerKey());
        if (pod == null || pod.getMetadata().getDeletionTimestamp() != null) {
            scheduled.remove(key);
            return Result.done();
        }
        String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        Node node = nodeName == null || nodeName.isEmpty() ? null : nodes.getIndexer().getByKey(nodeName);
        List<Taint> taints = node == null ? List.of() : Taints.noExecute(node);
        if (taints.isEmpty()) {
            cancel(key);
            return Result.done();
        }
        List<Toleration> tolerations = pod.getSpec().getTolerations() == null ? List.of() : pod.getSpec().getTolerations();
        OptionalLong seconds = Taints.tolerationSeconds(tolerations, taints);
        Instant now = clock.instant();
        if (seconds.isPresent() && seconds.getAsLong() == Long.MAX_VALUE) {
            cancel(key);
            return Result.done();
        }
        Instant start = scheduled.computeIfAbsent(key, ignored -> now);
        Instant due = seconds.isEmpty() ? now : start.plusSeconds(seconds.getAsLong());
        if (now.isBefore(due)) {
            return Result.requeueAfter(Duration.between(now, due));
        }
        evict(pod);
        scheduled.remove(key);
        return Result.done();
    }

    private void cancel(ObjectKey key) {
        if (scheduled.remove(key) != null) {
            events.record(podReference(key), "Normal", "TaintManagerEviction", "Cancelling deletion of Pod " + key);
        }
    }

    /** Event, DisruptionTarget condition, delete; a pod already gone is fine. */
    private void evict(Pod cached) {
        ObjectKey key = ObjectKey.of(cached);
        events.record(podReference(key), "Normal", "TaintManagerEviction", "Marking for deletion Pod " + key);
        try {
            addDisruptionTarget(key);
            client.pods().inNamespace(key.namespace()).withName(key.name()).delete();
        } catch (KubernetesClientException failure) {
            if (failure.getCode() != 404) {
                throw failure;
            }
        }
    }

    private void addDisruptionTarget(ObjectKey key) {
        for (int attempt = 0; ; attempt++) {
            Pod pod = client.pods().inNamespace(key.namespace()).withName(key.name()).get();
            if (pod == null) {
                return;
            }
            List<PodCondition> conditions = pod.getStatus() == null || pod.getStatus().getConditions() == null
                    ? new ArrayList<>() : new ArrayList<>(pod.getStatus().getConditions());
            if (conditions.stream().anyMatch(c -> DISRUPTION_TARGET.equals(c.getType()) && "True".equals(c.getStatus())
                    && REASON.equals(c.getReason()))) {
                return;
            }
            conditions.removeIf(c -> DISRUPTION_TARGET.equals(c.getType()));
            conditions.add(new PodConditionBuilder().withType(DISRUPTION_TARGET).withStatus("True")
                    .withReason(REASON).withMessage(MESSAGE)
                    .withLastTransitionTime(clock.instant().truncatedTo(ChronoUnit.SECONDS).toString()).build());
            if (pod.getStatus() == null) {
                pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
            }
            pod.getStatus().setConditions(conditions);
            try {
                client.pods().inNamespace(key.namespace()).resource(pod).updateStatus();
                return;
            } catch (KubernetesClientException failure) {
                if (failure.getCode() != 409 || attempt >= 4) {
                    throw failure;
                }
            }
        }
    }

    private static ObjectReference podReference(ObjectKey key) {
        return new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod")
                .withNamespace(key.namespace()).withName(key.name()).build();
    }
}
