package dev.kapal.controllers.nodelifecycle;

import dev.kapal.controllers.nodeutil.Nodes;
import dev.kapal.controllers.nodeutil.PodsByNode;
import dev.kapal.controllers.nodeutil.Taints;
import dev.kapal.controllers.runtime.Controller;
import dev.kapal.controllers.runtime.ControllerContext;
import dev.kapal.controllers.runtime.EventRecorder;
import dev.kapal.controllers.runtime.ObjectKey;
import dev.kapal.controllers.runtime.Reconciler;
import dev.kapal.controllers.runtime.Result;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream's node lifecycle controller, as four kinds of keys on one queue:
 * <ul>
 *   <li>{@link MonitorPass}, every {@code nodeMonitorPeriod}: for each node, notes when its Ready
 *       heartbeat or its Lease in {@code kube-node-lease} last changed (by this process' clock); a
 *       node silent for longer than the grace period ({@code nodeStartupGracePeriod} while it never
 *       posted a Ready condition) gets Ready, MemoryPressure, DiskPressure and PIDPressure set to
 *       Unknown ({@code NodeStatusUnknown}, "Kubelet stopped posting node status."), a
 *       {@code NodeNotReady} event, and its pods' Ready condition set to False. A node seen not
 *       Ready is queued in its zone's tainting queue; a Ready one loses the NoExecute taints. Then
 *       the zones' states decide the tainting rates: normal rate in normal and fully disrupted
 *       zones, the secondary rate in partially disrupted zones of more than
 *       {@code largeClusterSizeThreshold} nodes (zero in smaller ones), and no tainting at all (and
 *       the NoExecute taints removed) while every zone is fully disrupted.</li>
 *   <li>{@link TaintingPass}, every 100 ms: takes nodes off the zone queues as the rate allows and
 *       gives them {@code node.kubernetes.io/not-ready:NoExecute} (Ready False) or
 *       {@code node.kubernetes.io/unreachable:NoExecute} (Ready Unknown), the two exclusive.</li>
 *   <li>{@link NodeKey}, on every node event: the NoSchedule taints mirror the node's conditions
 *       (not-ready, unreachable, memory/disk/PID pressure, network-unavailable) and
 *       {@code spec.unschedulable} ({@code node.kubernetes.io/unschedulable}); the beta OS and
 *       architecture labels mirror the stable ones.</li>
 *   <li>{@link PodKey}, on pod events: a pod bound to a node last seen not Ready is marked not
 *       ready too.</li>
 * </ul>
 * New and removed nodes get {@code RegisteredNode} and {@code RemovingNode} events. Nodes labelled
 * {@code node.kubernetes.io/exclude-disruption} do not count for zone states.
 */
public final class NodeLifecycleController implements Reconciler<NodeLifecycleController.Key> {
    private static final Logger log = LoggerFactory.getLogger(NodeLifecycleController.class);
    public static final String NAME = "nodelifecycle";
    /** The event source upstream uses. */
    static final String COMPONENT = "node-controller";
    static final String LEASE_NAMESPACE = "kube-node-lease";
    static final String EXCLUDE_DISRUPTION = "node.kubernetes.io/exclude-disruption";
    /** upstream's NodeEvictionPeriod: how often the tainting queues are looked at */
    static final Duration TAINTING_PERIOD = Duration.ofMillis(100);
    private static final int STATUS_UPDATE_RETRIES = 5;
    private static final List<String> KUBELET_CONDITIONS = List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");
    private static final Map<String, Map<String, String>> CONDITION_TAINTS = Map.of(
            "Ready", Map.of("False", Taints.NOT_READY, "Unknown", Taints.UNREACHABLE),
            "MemoryPressure", Map.of("True", Taints.MEMORY_PRESSURE),
            "DiskPressure", Map.of("True", Taints.DISK_PRESSURE),
            "NetworkUnavailable", Map.of("True", Taints.NETWORK_UNAVAILABLE),
            "PIDPressure", Map.of("True", Taints.PID_PRESSURE));
    private static final Set<String> CONDITION_TAINT_KEYS = Set.of(Taints.NOT_READY, Taints.UNREACHABLE,
            Taints.MEMORY_PRESSURE, Taints.DISK_PRESSURE, Taints.NETWORK_UNAVAILABLE, Taints.PID_PRESSURE);
    /** Stable label to the beta label upstream keeps in step with it. */
    private static final Map<String, String> MIRRORED_LABELS = Map.of(
            "kubernetes.io/os", "beta.kubernetes.io/os",
            "kubernetes.io/arch", "beta.kubernetes.io/arch");
    static final Taint NOT_READY_NO_EXECUTE = Taints.of(Taints.NOT_READY, Taints.NO_EXECUTE);
    static final Taint UNREACHABLE_NO_EXECUTE = Taints.of(Taints.UNREACHABLE, Taints.NO_EXECUTE);

    /**
     * kube-controller-manager's node lifecycle settings.
     *
     * @param monitorPeriod           {@code --node-monitor-period} (5 s)
     * @param monitorGracePeriod      {@code --node-monitor-grace-period} (50 s since v1.32)
     * @param startupGracePeriod      {@code --node-startup-grace-period} (60 s)
     * @param evictionRate            {@code --node-eviction-rate}, nodes tainted per second per zone (0.1)
     * @param secondaryEvictionRate   {@code --secondary-node-eviction-rate} for partially disrupted large zones (0.01)
     * @param largeClusterSizeThreshold {@code --large-cluster-size-threshold} (50)
     * @param unhealthyZoneThreshold  {@code --unhealthy-zone-threshold} (0.55)
     */
    public record Settings(Duration monitorPeriod, Duration monitorGracePeriod, Duration startupGracePeriod,
                           double evictionRate, double secondaryEvictionRate, int largeClusterSizeThreshold,
                           double unhealthyZoneThreshold) {
        public Settings {
            Objects.requireNonNull(monitorPeriod, "monitorPeriod");
            Objects.requireNonNull(monitorGracePeriod, "monitorGracePeriod");
            Objects.requireNonNull(startupGracePeriod, "startupGracePeriod");
            if (monitorPeriod.isNegative() || monitorPeriod.isZero()) {
                throw new IllegalArgumentException("node monitor period must be positive");
            }
        }

        /** Upstream's defaults (v1.33). */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(50), Duration.ofSeconds(60), 0.1, 0.01, 50, 0.55);
        }

        public Settings withPeriods(Duration monitor, Duration grace, Duration startupGrace) {
            return new Settings(monitor, grace, startupGrace, evictionRate, secondaryEvictionRate,
                    largeClusterSizeThreshold, unhealthyZoneThreshold);
        }
    }

    /** The work items of this controller. */
    public sealed interface Key permits MonitorPass, TaintingPass, NodeKey, PodKey {
    }

    /** The periodic health check of every node. */
    public record MonitorPass() implements Key {
    }

    /** The periodic drain of the zones' tainting queues. */
    public record TaintingPass() implements Key {
    }

    /** A node whose NoSchedule taints are to be brought in line. */
    public record NodeKey(String name) implements Key {
    }

    /** A pod bound to a node, to be marked not ready if its node is not. */
    public record PodKey(ObjectKey pod) implements Key {
    }

    /** What was last observed of a node, with the local time it was observed. */
    private record Health(Instant probe, Instant readyTransition, NodeCondition ready, ZonedDateTime leaseRenew) {
        Health withProbe(Instant time) {
            return new Health(time, readyTransition, ready, leaseRenew);
        }
    }

    /** The Ready condition before this pass and after it (absent: the node never posted one). */
    private record Observation(NodeCondition observed, Optional<NodeCondition> current) {
    }

    private final KubernetesClient client;
    private final Settings settings;
    private final Clock clock;
    private final SharedIndexInformer<Node> nodes;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<Lease> leases;
    private final EventRecorder events;
    private final Map<String, Health> healths = new ConcurrentHashMap<>();
    private final Set<String> retryPods = ConcurrentHashMap.newKeySet();
    /** Nodes the monitor pass knows (only the monitor pass touches it). */
    private final Map<String, Node> known = new HashMap<>();
    /** Guards the zone states and tainting queues. */
    private final Object zonesLock = new Object();
    private final Map<String, ZoneState> zoneStates = new HashMap<>();
    private final Map<String, RateLimitedTimedQueue> tainters = new HashMap<>();

    NodeLifecycleController(KubernetesClient client, Settings settings, Clock clock, SharedIndexInformer<Node> nodes,
                            SharedIndexInformer<Pod> pods, SharedIndexInformer<Lease> leases, EventRecorder events) {
        this.client = client;
        this.settings = settings;
        this.clock = clock;
        this.nodes = nodes;
        this.pods = pods;
        this.leases = leases;
        this.events = events;
    }

    public static Controller<Key> create(ControllerContext context, Settings settings) {
        KubernetesClient client = context.client();
        SharedIndexInformer<Node> nodes = context.informers().of(Node.class);
        SharedIndexInformer<Pod> pods = PodsByNode.index(context.informers().of(Pod.class));
        SharedIndexInformer<Lease> leases = context.informers().shared("leases in " + LEASE_NAMESPACE,
                () -> client.leases().inNamespace(LEASE_NAMESPACE).runnableInformer(0));
        EventRecorder events = new EventRecorder(client, COMPONENT, "", 1000);
        NodeLifecycleController reconciler = new NodeLifecycleController(client, settings, Clock.systemUTC(),
                nodes, pods, leases, events);
        Controller<Key> controller = Controller.<Key>builder(NAME, reconciler)
                .context(context)
                .workers(4)
                .closes(events)
                .watch(nodes, node -> Stream.of(new NodeKey(node.getMetadata().getName())))
                .watch(pods, pod -> pod.getSpec() == null || pod.getSpec().getNodeName() == null
                        || pod.getSpec().getNodeName().isEmpty() ? Stream.empty() : Stream.of(new PodKey(ObjectKey.of(pod))))
                .watch(leases, lease -> Stream.empty())
                .build();
        controller.enqueue(new MonitorPass());
        controller.enqueue(new TaintingPass());
        return controller;
    }

    @Override
    public Result reconcile(Key key) {
        return switch (key) {
            case MonitorPass pass -> {
                monitorNodeHealth();
                yield Result.requeueAfter(settings.monitorPeriod());
            }
            case TaintingPass pass -> {
                taintingPass();
                yield Result.requeueAfter(TAINTING_PERIOD);
            }
            case NodeKey node -> {
                noScheduleTaintingPass(node.name());
                reconcileNodeLabels(node.name());
                yield Result.done();
            }
            case PodKey pod -> {
                processPod(pod.pod());
                yield Result.done();
            }
        };
    }

    // ---------------------------------------------------------------- NoSchedule taints

    private void noScheduleTaintingPass(String name) {
        Node node = nodes.getIndexer().getByKey(name);
        if (node == null) {
            return;
        }
        List<Taint> wanted = new ArrayList<>();
        if (node.getStatus() != null && node.getStatus().getConditions() != null) {
            for (NodeCondition condition : node.getStatus().getConditions()) {
                String key = CONDITION_TAINTS.getOrDefault(condition.getType(), Map.of()).get(condition.getStatus());
                if (key != null) {
                    wanted.add(Taints.of(key, Taints.NO_SCHEDULE));
                }
            }
        }
        if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
            wanted.add(Taints.of(Taints.UNSCHEDULABLE, Taints.NO_SCHEDULE));
        }
        List<Taint> managed = Taints.of(node).stream()
                .filter(taint -> Taints.NO_SCHEDULE.equals(taint.getEffect()))
                .filter(taint -> Taints.UNSCHEDULABLE.equals(taint.getKey()) || CONDITION_TAINT_KEYS.contains(taint.getKey()))
                .toList();
        List<Taint> add = wanted.stream().filter(taint -> !Taints.contains(managed, taint)).toList();
        List<Taint> remove = managed.stream().filter(taint -> !Taints.contains(wanted, taint)).toList();
        if (!add.isEmpty() || !remove.isEmpty()) {
            Taints.swap(client, name, add, remove);
        }
    }

    /**
     * Upstream still mirrors the stable OS and architecture labels into the beta ones, which old
     * node selectors use: a missing or different beta label gets the stable value.
     */
    private void reconcileNodeLabels(String name) {
        Node node = nodes.getIndexer().getByKey(name);
        if (node == null || node.getMetadata().getLabels() == null) {
            return;
        }
        Map<String, String> labels = node.getMetadata().getLabels();
        Map<String, String> wanted = new LinkedHashMap<>();
        for (var pair : MIRRORED_LABELS.entrySet()) {
            String stable = labels.get(pair.getKey());
            if (stable != null && !stable.equals(labels.get(pair.getValue()))) {
                wanted.put(pair.getValue(), stable);
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        StringBuilder patch = new StringBuilder("{\"metadata\":{\"labels\":{");
        wanted.forEach((key, value) -> patch.append(patch.charAt(patch.length() - 1) == '{' ? "" : ",")
                .append('"').append(key).append("\":\"").append(value).append('"'));
        patch.append("}}}");
        try {
            client.nodes().withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
        } catch (KubernetesClientException failure) {
            if (failure.getCode() != 404) {
                throw failure;
            }
        }
    }

    // ---------------------------------------------------------------- NoExecute taints

    private void taintingPass() {
        List<RateLimitedTimedQueue> queues;
        synchronized (zonesLock) {
            queues = List.copyOf(tainters.values());
        }
        for (RateLimitedTimedQueue queue : queues) {
            queue.tryProcess(name -> {
                Node node = nodes.getIndexer().getByKey(name);
                if (node == null) {
                    return Optional.empty();
                }
                Optional<NodeCondition> ready = Nodes.condition(node, Nodes.READY);
                if (ready.isEmpty()) {
                    return Optional.of(Duration.ofMillis(50));
                }
                synchronized (zonesLock) {
                    if (zoneStates.get(Nodes.zoneKey(node)) == ZoneState.FULL_DISRUPTION && allFullyDisrupted()) {
                        // Master disruption mode began after this node was taken off the queue.
                        return Optional.empty();
                    }
                }
                Taint add;
                Taint opposite;
                switch (ready.get().getStatus()) {
                    case "False" -> {
                        add = NOT_READY_NO_EXECUTE;
                        opposite = UNREACHABLE_NO_EXECUTE;
                    }
                    case "Unknown" -> {
                        add = UNREACHABLE_NO_EXECUTE;
                        opposite = NOT_READY_NO_EXECUTE;
                    }
                    default -> {
                        // Ready again meanwhile: nothing to taint.
                        return Optional.empty();
                    }
                }
                try {
                    Taints.swap(client, name, List.of(add), List.of(opposite));
                    return Optional.empty();
                } catch (KubernetesClientException failure) {
                    log.info("node {}: adding taint {} failed: {}", name, add.getKey(), failure.getMessage());
                    return Optional.of(Duration.ofMillis(50));
                }
            });
        }
    }

    private RateLimitedTimedQueue tainter(Node node) {
        synchronized (zonesLock) {
            return tainters.get(Nodes.zoneKey(node));
        }
    }

    private void addZone(Node node) {
        String zone = Nodes.zoneKey(node);
        synchronized (zonesLock) {
            if (!zoneStates.containsKey(zone)) {
                zoneStates.put(zone, ZoneState.INITIAL);
                tainters.put(zone, new RateLimitedTimedQueue(settings.evictionRate(), clock));
            }
        }
    }

    /** Queues the node for its NoExecute taint; a node that lost the taint in the meantime is queued anew. */
    private void markNodeForTainting(Node node, String status) {
        RateLimitedTimedQueue queue = tainter(node);
        if (queue == null) {
            return;
        }
        List<Taint> taints = Taints.of(node);
        if ((status.equals("False") && !Taints.contains(taints, NOT_READY_NO_EXECUTE))
                || (status.equals("Unknown") && !Taints.contains(taints, UNREACHABLE_NO_EXECUTE))) {
            queue.remove(node.getMetadata().getName());
        }
        queue.add(node.getMetadata().getName());
    }

    /** Removes both NoExecute taints and takes the node off its tainting queue. */
    private void markNodeAsReachable(Node node) {
        List<Taint> taints = Taints.of(node);
        if (Taints.contains(taints, UNREACHABLE_NO_EXECUTE) || Taints.contains(taints, NOT_READY_NO_EXECUTE)) {
            Taints.swap(client, node.getMetadata().getName(), List.of(), List.of(UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE));
        }
        RateLimitedTimedQueue queue = tainter(node);
        if (queue != null) {
            queue.remove(node.getMetadata().getName());
        }
    }

    private void processTaintBasedEviction(Node node, NodeCondition observed) {
        List<Taint> taints = Taints.of(node);
        String name = node.getMetadata().getName();
        switch (observed.getStatus()) {
            case "False" -> {
                if (Taints.contains(taints, UNREACHABLE_NO_EXECUTE)) {
                    Taints.swap(client, name, List.of(NOT_READY_NO_EXECUTE), List.of(UNREACHABLE_NO_EXECUTE));
                } else {
                    markNodeForTainting(node, "False");
                }
            }
            case "Unknown" -> {
                if (Taints.contains(taints, NOT_READY_NO_EXECUTE)) {
                    Taints.swap(client, name, List.of(UNREACHABLE_NO_EXECUTE), List.of(NOT_READY_NO_EXECUTE));
                } else {
                    markNodeForTainting(node, "Unknown");
                }
            }
            case "True" -> markNodeAsReachable(node);
            default -> {
            }
        }
    }

    // ---------------------------------------------------------------- monitoring

    private void monitorNodeHealth() {
        List<Node> all = nodes.getIndexer().list();
        Map<String, Node> current = new LinkedHashMap<>();
        all.forEach(node -> current.put(node.getMetadata().getName(), node));
        for (Node node : all) {
            String name = node.getMetadata().getName();
            if (!known.containsKey(name)) {
                events.record(Nodes.reference(node), "Normal", "RegisteredNode",
                        "Node " + name + " event: Registered Node " + name + " in Controller");
                known.put(name, node);
                addZone(node);
                try {
                    markNodeAsReachable(node);
                } catch (KubernetesClientException failure) {
                    log.info("node {}: removing NoExecute taints failed: {}", name, failure.getMessage());
                }
            } else {
                addZone(node);
            }
        }
        for (var iterator = known.entrySet().iterator(); iterator.hasNext(); ) {
            var entry = iterator.next();
            if (!current.containsKey(entry.getKey())) {
                Node gone = entry.getValue();
                events.record(Nodes.reference(gone), "Normal", "RemovingNode",
                        "Node " + entry.getKey() + " event: Removing Node " + entry.getKey() + " from Controller");
                iterator.remove();
                healths.remove(entry.getKey());
                retryPods.remove(entry.getKey());
            }
        }
        Map<String, List<Optional<NodeCondition>>> zoneConditions = new HashMap<>();
        for (Node cached : all) {
            try {
                monitorNode(cached, zoneConditions);
            } catch (RuntimeException failure) {
                log.info("node {}: health update failed: {}", cached.getMetadata().getName(), failure.getMessage());
            }
        }
        handleDisruption(zoneConditions, all);
    }

    private void monitorNode(Node cached, Map<String, List<Optional<NodeCondition>>> zoneConditions) {
        String name = cached.getMetadata().getName();
        Node node = cached;
        Observation observation = null;
        for (int attempt = 0; observation == null; attempt++) {
            try {
                observation = tryUpdateNodeHealth(node);
            } catch (KubernetesClientException failure) {
                if (attempt >= STATUS_UPDATE_RETRIES || failure.getCode() == 404) {
                    throw failure;
                }
                node = client.nodes().withName(name).get();
                if (node == null) {
                    return;
                }
            }
        }
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        if (!labels.containsKey(EXCLUDE_DISRUPTION)) {
            zoneConditions.computeIfAbsent(Nodes.zoneKey(node), zone -> new ArrayList<>()).add(observation.current());
        }
        if (observation.current().isEmpty()) {
            retryPods.remove(name);
            return;
        }
        String observedStatus = observation.observed().getStatus();
        String currentStatus = observation.current().get().getStatus();
        processTaintBasedEviction(node, observation.observed());
        boolean becameNotReady = !"True".equals(currentStatus) && "True".equals(observedStatus);
        if (becameNotReady) {
            events.record(Nodes.reference(node), "Normal", "NodeNotReady", "Node " + name + " status is now: NodeNotReady");
        }
        if (becameNotReady || (retryPods.contains(name) && !"True".equals(observedStatus))) {
            if (!markPodsNotReady(PodsByNode.on(pods, name), name)) {
                retryPods.add(name);
                return;
            }
        }
        retryPods.remove(name);
    }

    /**
     * Notes fresh heartbeats and, past the grace period, sets the kubelet's conditions Unknown (on a
     * copy: {@code cached} may be the informer's object and is not changed).
     *
     * @throws KubernetesClientException when the status update fails (the caller re-reads and retries)
     */
    private Observation tryUpdateNodeHealth(Node cached) {
        Node node = cached;
        String name = node.getMetadata().getName();
        Instant now = clock.instant();
        Instant created = parse(node.getMetadata().getCreationTimestamp()).orElse(now);
        Health health = healths.get(name);
        Optional<NodeCondition> ready = Nodes.condition(node, Nodes.READY);
        NodeCondition observed;
        Duration grace;
        if (ready.isEmpty()) {
            observed = new NodeConditionBuilder().withType(Nodes.READY).withStatus("Unknown")
                    .withLastHeartbeatTime(node.getMetadata().getCreationTimestamp())
                    .withLastTransitionTime(node.getMetadata().getCreationTimestamp()).build();
            grace = settings.startupGracePeriod();
            health = health != null ? new Health(health.probe(), health.readyTransition(), null, health.leaseRenew())
                    : new Health(created, created, null, null);
        } else {
            observed = new NodeConditionBuilder(ready.get()).build();
            grace = settings.monitorGracePeriod();
        }
        NodeCondition saved = health == null ? null : health.ready();
        ZonedDateTime savedLease = health == null ? null : health.leaseRenew();
        NodeCondition readyCopy = ready.map(condition -> new NodeConditionBuilder(condition).build()).orElse(null);
        if (health == null) {
            health = new Health(now, now, readyCopy, null);
        } else if (saved == null && readyCopy != null) {
            health = new Health(now, now, readyCopy, savedLease);
        } else if (saved != null && readyCopy == null) {
            health = new Health(now, now, null, savedLease);
        } else if (saved != null && !Objects.equals(saved.getLastHeartbeatTime(), readyCopy.getLastHeartbeatTime())) {
            Instant transition = Objects.equals(saved.getLastTransitionTime(), readyCopy.getLastTransitionTime())
                    ? health.readyTransition() : now;
            health = new Health(now, transition, readyCopy, savedLease);
        }
        Lease lease = leases.getIndexer().getByKey(LEASE_NAMESPACE + "/" + name);
        ZonedDateTime renewed = lease == null || lease.getSpec() == null ? null : lease.getSpec().getRenewTime();
        if (renewed != null && (savedLease == null || savedLease.isBefore(renewed))) {
            health = new Health(now, health.readyTransition(), health.ready(), renewed);
        }
        try {
            if (now.isAfter(health.probe().plus(grace))) {
                String stamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
                node = copy(cached);
                if (node.getStatus() == null) {
                    node.setStatus(new io.fabric8.kubernetes.api.model.NodeStatus());
                }
                List<NodeCondition> conditions = node.getStatus().getConditions() == null
                        ? new ArrayList<>() : new ArrayList<>(node.getStatus().getConditions());
                for (String type : KUBELET_CONDITIONS) {
                    Optional<NodeCondition> existing = conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
                    if (existing.isEmpty()) {
                        conditions.add(new NodeConditionBuilder().withType(type).withStatus("Unknown")
                                .withReason("NodeStatusNeverUpdated").withMessage("Kubelet never posted node status.")
                                .withLastHeartbeatTime(node.getMetadata().getCreationTimestamp())
                                .withLastTransitionTime(stamp).build());
                    } else if (!"Unknown".equals(existing.get().getStatus())) {
                        existing.get().setStatus("Unknown");
                        existing.get().setReason("NodeStatusUnknown");
                        existing.get().setMessage("Kubelet stopped posting node status.");
                        existing.get().setLastTransitionTime(stamp);
                    }
                }
                node.getStatus().setConditions(conditions);
                Optional<NodeCondition> updated = Nodes.condition(node, Nodes.READY);
                if (!updated.map(condition -> condition.equals(observed)).orElse(false)) {
                    client.nodes().resource(node).updateStatus();
                    health = new Health(health.probe(), now,
                            updated.map(condition -> new NodeConditionBuilder(condition).build()).orElse(null), renewed != null ? renewed : health.leaseRenew());
                    return new Observation(observed, updated);
                }
            }
            return new Observation(observed, Nodes.condition(node, Nodes.READY));
        } finally {
            healths.put(name, health);
        }
    }

    /** Sets the Ready condition of {@code podsOnNode} to False; false if some update failed. */
    private boolean markPodsNotReady(List<Pod> podsOnNode, String nodeName) {
        boolean allDone = true;
        for (Pod cached : podsOnNode) {
            if (cached.getSpec() == null || !nodeName.equals(cached.getSpec().getNodeName())) {
                continue;
            }
            Pod pod = copy(cached);
            if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
                continue;
            }
            Optional<PodCondition> ready = pod.getStatus().getConditions().stream()
                    .filter(condition -> "Ready".equals(condition.getType())).findFirst();
            if (ready.isEmpty() || "False".equals(ready.get().getStatus())) {
                continue;
            }
            ready.get().setStatus("False");
            ready.get().setLastTransitionTime(clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
            try {
                client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
                events.warning(pod, "NodeNotReady", "Node is not ready");
            } catch (KubernetesClientException failure) {
                if (failure.getCode() != 404) {
                    log.info("pod {}/{}: marking not ready failed: {}", pod.getMetadata().getNamespace(),
                            pod.getMetadata().getName(), failure.getMessage());
                    allDone = false;
                }
            }
        }
        return allDone;
    }

    private void processPod(ObjectKey key) {
        Pod pod = pods.getIndexer().getByKey(key.indexerKey());
        if (pod == null || pod.getSpec() == null || pod.getSpec().getNodeName() == null) {
            return;
        }
        String nodeName = pod.getSpec().getNodeName();
        Health health = healths.get(nodeName);
        if (health == null || health.ready() == null || nodes.getIndexer().getByKey(nodeName) == null) {
            return;
        }
        if (!"True".equals(health.ready().getStatus()) && !markPodsNotReady(List.of(pod), nodeName)) {
            throw new IllegalStateException("pod " + key + " not marked not ready yet");
        }
    }

    // ---------------------------------------------------------------- zones

    private void handleDisruption(Map<String, List<Optional<NodeCondition>>> zoneConditions, List<Node> all) {
        Map<String, ZoneState> newStates = new HashMap<>();
        boolean allAreFullyDisrupted = true;
        for (var entry : zoneConditions.entrySet()) {
            int ready = 0;
            int notReady = 0;
            for (Optional<NodeCondition> condition : entry.getValue()) {
                if (condition.map(c -> "True".equals(c.getStatus())).orElse(false)) {
                    ready++;
                } else {
                    notReady++;
                }
            }
            ZoneState state = ZoneState.of(ready, notReady, settings.unhealthyZoneThreshold());
            if (state != ZoneState.FULL_DISRUPTION) {
                allAreFullyDisrupted = false;
            }
            newStates.put(entry.getKey(), state);
        }
        boolean allWereFullyDisrupted = true;
        List<Node> toMakeReachable = List.of();
        synchronized (zonesLock) {
            for (String zone : zoneConditions.keySet()) {
                zoneStates.putIfAbsent(zone, ZoneState.INITIAL);
                tainters.computeIfAbsent(zone, ignored -> new RateLimitedTimedQueue(settings.evictionRate(), clock));
            }
            zoneStates.keySet().removeIf(zone -> !zoneConditions.containsKey(zone));
            for (ZoneState state : zoneStates.values()) {
                if (state != ZoneState.FULL_DISRUPTION) {
                    allWereFullyDisrupted = false;
                    break;
                }
            }
            if (allAreFullyDisrupted && allWereFullyDisrupted) {
                // Still in master disruption mode. Upstream does nothing more here; a NoExecute taint
                // written by a tainting pass racing the switch would then stay, so take such off.
                toMakeReachable = all;
            } else if (allAreFullyDisrupted) {
                log.info("every node is not Ready: entering master disruption mode, no NoExecute tainting");
                for (String zone : zoneStates.keySet()) {
                    tainters.get(zone).swapLimiter(0);
                    zoneStates.put(zone, ZoneState.FULL_DISRUPTION);
                }
                toMakeReachable = all;
            } else if (allWereFullyDisrupted) {
                log.info("some nodes are Ready: leaving master disruption mode");
                Instant now = clock.instant();
                for (Node node : all) {
                    healths.computeIfPresent(node.getMetadata().getName(),
                            (name, health) -> new Health(now, now, health.ready(), health.leaseRenew()));
                }
                for (String zone : zoneStates.keySet()) {
                    setLimiter(zone, zoneConditions.get(zone).size(), newStates.get(zone));
                    zoneStates.put(zone, newStates.get(zone));
                }
            } else {
                for (String zone : zoneStates.keySet()) {
                    ZoneState state = newStates.get(zone);
                    if (zoneStates.get(zone) != state) {
                        log.info("zone {} is now {}", zone.replace("\u0000", ""), state);
                        setLimiter(zone, zoneConditions.get(zone).size(), state);
                        zoneStates.put(zone, state);
                    }
                }
            }
        }
        for (Node node : toMakeReachable) {
            try {
                markNodeAsReachable(node);
            } catch (KubernetesClientException failure) {
                log.info("node {}: removing NoExecute taints failed: {}", node.getMetadata().getName(), failure.getMessage());
            }
        }
    }

    /** Called with {@link #zonesLock} held. */
    private boolean allFullyDisrupted() {
        return !zoneStates.isEmpty() && zoneStates.values().stream().allMatch(state -> state == ZoneState.FULL_DISRUPTION);
    }

    /** Called with {@link #zonesLock} held. */
    private void setLimiter(String zone, int size, ZoneState state) {
        double rate = switch (state) {
            case NORMAL, FULL_DISRUPTION -> settings.evictionRate();
            case PARTIAL_DISRUPTION -> size > settings.largeClusterSizeThreshold() ? settings.secondaryEvictionRate() : 0;
            case INITIAL -> settings.evictionRate();
        };
        tainters.get(zone).swapLimiter(rate);
    }

    /** The zones' states as of the last monitor pass, by zone key (for tests and metrics). */
    public Map<String, ZoneState> zoneStates() {
        synchronized (zonesLock) {
            return Map.copyOf(zoneStates);
        }
    }

    private Node copy(Node node) {
        return client.getKubernetesSerialization().clone(node);
    }

    private Pod copy(Pod pod) {
        return client.getKubernetesSerialization().clone(pod);
    }

    private static Optional<Instant> parse(String timestamp) {
        if (timestamp == null || timestamp.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(timestamp));
        } catch (RuntimeException invalid) {
            return Optional.empty();
        }
    }
}
