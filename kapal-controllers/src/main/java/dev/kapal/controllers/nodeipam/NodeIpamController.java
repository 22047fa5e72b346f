package dev.kapal.controllers.nodeipam;

import dev.kapal.controllers.nodeutil.Nodes;
import dev.kapal.controllers.runtime.Controller;
import dev.kapal.controllers.runtime.ControllerContext;
import dev.kapal.controllers.runtime.EventRecorder;
import dev.kapal.controllers.runtime.ObjectKey;
import dev.kapal.controllers.runtime.Reconciler;
import dev.kapal.controllers.runtime.Result;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Gives each node {@code spec.podCIDR} and {@code spec.podCIDRs}, as upstream's range allocator
 * does with {@code --allocate-node-cidrs}: one subnet of each cluster CIDR (a {@code /24} of
 * {@code 10.42.0.0/16} by default), in the cluster CIDRs' order.
 *
 * <p>Before the first allocation it takes the CIDRs of every node in the synced cache as used, so a
 * restarted controller never hands out a subnet twice. A node that already has CIDRs keeps them
 * (they are marked used); a deleted node's CIDRs are released. When a cluster CIDR has no subnet
 * left, the node gets a {@code CIDRNotAvailable} event and the key is retried with backoff.
 * Keys are node names.
 */
public final class NodeIpamController implements Reconciler<ObjectKey> {
    public static final String NAME = "nodeipam";
    /** The event source upstream's range allocator uses. */
    static final String COMPONENT = "cidrAllocator";

    /**
     * @param clusterCidrs   the pod networks, at most one per address family
     * @param ipv4MaskSize   the mask size of IPv4 node CIDRs ({@code --node-cidr-mask-size-ipv4}, default 24)
     * @param ipv6MaskSize   the mask size of IPv6 node CIDRs ({@code --node-cidr-mask-size-ipv6}, default 64)
     */
    public record Settings(List<String> clusterCidrs, int ipv4MaskSize, int ipv6MaskSize) {
        public Settings {
            clusterCidrs = List.copyOf(clusterCidrs);
            if (clusterCidrs.isEmpty()) {
                throw new IllegalArgumentException("node IPAM needs a cluster CIDR");
            }
        }

        /** Upstream's mask sizes over the given cluster CIDR. */
        public static Settings defaults(String clusterCidr) {
            return new Settings(List.of(clusterCidr), 24, 64);
        }
    }

    /** What one node holds, remembered so a deleted node's CIDRs can be released. */
    private record Allocation(String uid, List<String> cidrs) {
    }

    private final KubernetesClient client;
    private final SharedIndexInformer<Node> nodes;
    private final List<CidrSet> sets;
    private final EventRecorder events;
    private final Map<String, Allocation> byNode = new HashMap<>();
    private boolean recovered;

    private NodeIpamController(KubernetesClient client, SharedIndexInformer<Node> nodes, List<CidrSet> sets, EventRecorder events) {
        this.client = client;
        this.nodes = nodes;
        this.sets = sets;
        this.events = events;
    }

    public static Controller<ObjectKey> create(ControllerContext context, Settings settings) {
        List<CidrSet> sets = new ArrayList<>();
        for (String cidr : settings.clusterCidrs()) {
            sets.add(new CidrSet(cidr, cidr.contains(":") ? settings.ipv6MaskSize() : settings.ipv4MaskSize()));
        }
        SharedIndexInformer<Node> nodes = context.informers().of(Node.class);
        EventRecorder events = new EventRecorder(context.client(), COMPONENT, "", 1000);
        return Controller.builder(NAME, new NodeIpamController(context.client(), nodes, sets, events))
                .context(context)
                .workers(2)
                .closes(events)
                .watch(nodes, node -> Stream.of(ObjectKey.cluster(node.getMetadata().getName())))
                .build();
    }

    @Override
    public Result reconcile(ObjectKey key) {
        recoverOnce();
        Node node = nodes.getIndexer().getByKey(key.indexerKey());
        String name = key.name();
        if (node == null) {
            synchronized (this) {
                Allocation gone = byNode.remove(name);
                if (gone != null) {
                    release(gone.cidrs());
                }
            }
            return Result.done();
        }
        List<String> held = podCidrs(node);
        String uid = Objects.requireNonNullElse(node.getMetadata().getUid(), "");
        if (!held.isEmpty()) {
            synchronized (this) {
                Allocation previous = byNode.get(name);
                if (previous != null && !previous.cidrs().equals(held)) {
                    release(previous.cidrs().stream().filter(cidr -> !held.contains(cidr)).toList());
                }
                held.forEach(this::occupy);
                byNode.put(name, new Allocation(uid, held));
            }
            return Result.done();
        }
        List<String> wanted;
        synchronized (this) {
            Allocation previous = byNode.get(name);
            if (previous != null && previous.uid().equals(uid)) {
                // Allocated already; the cache has not seen the patch yet (or it failed): write it again.
                wanted = previous.cidrs();
            } else {
                if (previous != null) {
                    release(previous.cidrs());
                    byNode.remove(name);
                }
                Optional<List<String>> allocated = allocate();
                if (allocated.isEmpty()) {
                    events.record(Nodes.reference(node), "Normal", "CIDRNotAvailable",
                            "Node " + name + " status is now: CIDRNotAvailable");
                    return Result.error(new IllegalStateException("no pod CIDR left for node " + name));
                }
                wanted = allocated.get();
                byNode.put(name, new Allocation(uid, wanted));
            }
        }
        try {
            String patch = "{\"spec\":{\"podCIDR\":\"" + wanted.get(0) + "\",\"podCIDRs\":["
                    + wanted.stream().map(cidr -> "\"" + cidr + "\"").collect(Collectors.joining(",")) + "]}}";
            client.nodes().withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        } catch (KubernetesClientException failure) {
            synchronized (this) {
                byNode.remove(name);
                release(wanted);
            }
            if (failure.getCode() == 404) {
                return Result.done();
            }
            events.record(Nodes.reference(node), "Normal", "CIDRAssignmentFailed",
                    "Node " + name + " status is now: CIDRAssignmentFailed");
            throw failure;
        }
        return Result.done();
    }

    /** Takes the CIDRs of every cached node as used, once, before anything is allocated. */
    private synchronized void recoverOnce() {
        if (recovered) {
            return;
        }
        for (Node node : nodes.getIndexer().list()) {
            List<String> held = podCidrs(node);
            if (!held.isEmpty()) {
                held.forEach(this::occupy);
                byNode.put(node.getMetadata().getName(),
                        new Allocation(Objects.requireNonNullElse(node.getMetadata().getUid(), ""), held));
            }
        }
        recovered = true;
    }

    private Optional<List<String>> allocate() {
        List<String> cidrs = new ArrayList<>();
        for (CidrSet set : sets) {
            Optional<String> cidr = set.allocate();
            if (cidr.isEmpty()) {
                release(cidrs);
                return Optional.empty();
            }
            cidrs.add(cidr.get());
        }
        return Optional.of(List.copyOf(cidrs));
    }

    private void occupy(String cidr) {
        for (CidrSet set : sets) {
            if (set.occupy(cidr)) {
                return;
            }
        }
    }

    private void release(List<String> cidrs) {
        for (String cidr : cidrs) {
            for (CidrSet set : sets) {
                set.release(cidr);
            }
        }
    }

    static List<String> podCidrs(Node node) {
        if (node.getSpec() == null) {
            return List.of();
        }
        List<String> cidrs = node.getSpec().getPodCIDRs();
        if (cidrs != null && !cidrs.isEmpty()) {
            return List.copyOf(cidrs);
        }
        String single = node.getSpec().getPodCIDR();
        return single == null || single.isEmpty() ? List.of() : List.of(single);
    }
}
