package dev.kapal.scheduler.framework;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An immutable view of one node for a scheduling cycle: the Node, the pods on it (bound and
 * assumed), the sum of their requests (exact and with scoring defaults), their host ports, and
 * the node's allocatable resources. Changes produce a new NodeInfo, so a snapshot handed to a
 * cycle never moves under it, and filters may read it from several threads.
 */
public final class NodeInfo {
    private final Node node;
    private final List<Pod> pods;
    /** The requests of {@link #pods}, same order, so removing a pod never re-parses its quantities. */
    private final List<PodRequests> podRequests;
    private final Resources requested;
    private final Resources nonZeroRequested;
    private final List<HostPort> usedPorts;
    private final Resources allocatable;
    private final long allowedPods;
    private final List<Pod> podsWithAffinity;
    private final List<Pod> podsWithRequiredAntiAffinity;
    private final java.util.Map<String, Long> images;

    private record PodRequests(Resources exact, Resources nonZero) {
    }

    private NodeInfo(NodeInfo previous, List<Pod> pods, List<PodRequests> podRequests, Resources requested,
                     Resources nonZeroRequested, List<HostPort> usedPorts) {
        this.node = previous.node;
        this.pods = List.copyOf(pods);
        this.podRequests = List.copyOf(podRequests);
        this.requested = requested;
        this.nonZeroRequested = nonZeroRequested;
        this.usedPorts = List.copyOf(usedPorts);
        this.allocatable = previous.allocatable;
        this.allowedPods = previous.allowedPods;
        this.images = previous.images;
        this.podsWithAffinity = affinityPods(this.pods, false);
        this.podsWithRequiredAntiAffinity = affinityPods(this.pods, true);
    }

    private NodeInfo(Node node, List<Pod> pods, List<PodRequests> podRequests, Resources requested, Resources nonZeroRequested,
                     List<HostPort> usedPorts) {
        this.node = node;
        this.pods = List.copyOf(pods);
        this.podRequests = List.copyOf(podRequests);
        this.requested = requested;
        this.nonZeroRequested = nonZeroRequested;
        this.usedPorts = List.copyOf(usedPorts);
        var status = node == null ? null : node.getStatus();
        var allocatableList = status == null ? null
                : status.getAllocatable() != null && !status.getAllocatable().isEmpty() ? status.getAllocatable() : status.getCapacity();
        this.allocatable = Resources.of(allocatableList);
        long podsAllowed = 0;
        if (allocatableList != null && allocatableList.get("pods") != null) {
            var raw = allocatableList.get("pods");
            podsAllowed = dev.kapal.api.quantity.Quantity.parse(raw.getAmount() + (raw.getFormat() == null ? "" : raw.getFormat())).value();
        }
        this.allowedPods = podsAllowed;
        this.images = imagesOf(node);
        this.podsWithAffinity = affinityPods(this.pods, false);
        this.podsWithRequiredAntiAffinity = affinityPods(this.pods, true);
    }

    private static List<Pod> affinityPods(List<Pod> pods, boolean requiredAntiAffinityOnly) {
        List<Pod> selected = null;
        for (Pod pod : pods) {
            if (requiredAntiAffinityOnly ? hasRequiredAntiAffinity(pod) : hasPodAffinity(pod)) {
                if (selected == null) {
                    selected = new ArrayList<>();
                }
                selected.add(pod);
            }
        }
        return selected == null ? List.of() : List.copyOf(selected);
    }

    private static java.util.Map<String, Long> imagesOf(Node node) {
        var status = node == null ? null : node.getStatus();
        if (status == null || status.getImages() == null || status.getImages().isEmpty()) {
            return java.util.Map.of();
        }
        java.util.Map<String, Long> images = new java.util.HashMap<>();
        for (var image : status.getImages()) {
            if (image.getNames() != null) {
                for (String name : image.getNames()) {
                    images.put(normalizedImageName(name), image.getSizeBytes() == null ? 0L : image.getSizeBytes());
                }
            }
        }
        return java.util.Map.copyOf(images);
    }

    /** An image name with {@code :latest} appended when it has neither tag nor digest, as upstream compares them. */
    public static String normalizedImageName(String image) {
        return image.lastIndexOf(':') <= image.lastIndexOf('/') ? image + ":latest" : image;
    }

    /** The images the node reports ({@code status.images}), by normalized name, with their sizes in bytes. */
    public java.util.Map<String, Long> images() {
        return images;
    }

    /** Whether the pod has any pod affinity or anti-affinity term, required or preferred. */
    public static boolean hasPodAffinity(Pod pod) {
        var affinity = pod.getSpec().getAffinity();
        return affinity != null && (affinity.getPodAffinity() != null || affinity.getPodAntiAffinity() != null);
    }

    /** Whether the pod has a required pod anti-affinity term. */
    public static boolean hasRequiredAntiAffinity(Pod pod) {
        var affinity = pod.getSpec().getAffinity();
        return affinity != null && affinity.getPodAntiAffinity() != null
                && affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() != null
                && !affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().isEmpty();
    }

    /** A node with no pods yet. */
    public static NodeInfo of(Node node) {
        return new NodeInfo(node, List.of(), List.of(), Resources.ZERO, Resources.ZERO, List.of());
    }

    /** A node and the given pods on it. */
    public static NodeInfo of(Node node, List<Pod> pods) {
        NodeInfo info = of(node);
        for (Pod pod : pods) {
            info = info.withPod(pod);
        }
        return info;
    }

    /** The Node object; empty while pods are known on a node the informer has not delivered yet. */
    public Optional<Node> node() {
        return Optional.ofNullable(node);
    }

    /** The Node object of a node that is known; callers in a cycle only see known nodes. */
    public Node requireNode() {
        if (node == null) {
            throw new IllegalStateException("node not known yet");
        }
        return node;
    }

    public String name() {
        return node.getMetadata().getName();
    }

    public List<Pod> pods() {
        return pods;
    }

    /** The pods here with any pod affinity or anti-affinity (InterPodAffinity scores against them). */
    public List<Pod> podsWithAffinity() {
        return podsWithAffinity;
    }

    /** The pods here with required pod anti-affinity (every incoming pod must respect them). */
    public List<Pod> podsWithRequiredAntiAffinity() {
        return podsWithRequiredAntiAffinity;
    }

    /** The node's labels; empty when it has none. */
    public java.util.Map<String, String> labels() {
        var labels = node == null ? null : node.getMetadata().getLabels();
        return labels == null ? java.util.Map.of() : labels;
    }

    public Resources requested() {
        return requested;
    }

    public Resources nonZeroRequested() {
        return nonZeroRequested;
    }

    public List<HostPort> usedPorts() {
        return usedPorts;
    }

    public Resources allocatable() {
        return allocatable;
    }

    /** {@code status.allocatable.pods}: how many pods the node takes. */
    public long allowedPods() {
        return allowedPods;
    }

    public NodeInfo withNode(Node newNode) {
        return new NodeInfo(newNode, pods, podRequests, requested, nonZeroRequested, usedPorts);
    }

    public NodeInfo withPod(Pod pod) {
        return withPod(pod, Resources.podRequests(pod, false), Resources.podRequests(pod, true));
    }

    /** With the pod, whose requests (exact and with scoring defaults) the caller already knows. */
    public NodeInfo withPod(Pod pod, Resources exactRequests, Resources nonZeroRequests) {
        List<Pod> newPods = new ArrayList<>(pods.size() + 1);
        newPods.addAll(pods);
        newPods.add(pod);
        List<HostPort> ports = usedPorts;
        List<HostPort> podPorts = HostPort.of(pod);
        if (!podPorts.isEmpty()) {
            ports = new ArrayList<>(usedPorts);
            ports.addAll(podPorts);
        }
        List<PodRequests> newRequests = new ArrayList<>(podRequests.size() + 1);
        newRequests.addAll(podRequests);
        newRequests.add(new PodRequests(exactRequests, nonZeroRequests));
        return new NodeInfo(this, newPods, newRequests, requested.plus(exactRequests), nonZeroRequested.plus(nonZeroRequests), ports);
    }

    public NodeInfo withPods(List<Pod> more) {
        NodeInfo info = this;
        for (Pod pod : more) {
            info = info.withPod(pod);
        }
        return info;
    }

    /** Without the pod of that key (by namespace and name); unchanged if it is not here. */
    public NodeInfo withoutPod(PodKey key) {
        List<Pod> remaining = new ArrayList<>(pods.size());
        List<PodRequests> remainingRequests = new ArrayList<>(pods.size());
        Pod removed = null;
        PodRequests removedRequests = null;
        for (int i = 0; i < pods.size(); i++) {
            Pod pod = pods.get(i);
            if (removed == null && key.name().equals(pod.getMetadata().getName())
                    && key.namespace().equals(pod.getMetadata().getNamespace())) {
                removed = pod;
                removedRequests = podRequests.get(i);
            } else {
                remaining.add(pod);
                remainingRequests.add(podRequests.get(i));
            }
        }
        if (removed == null) {
            return this;
        }
        List<HostPort> ports = usedPorts;
        List<HostPort> podPorts = HostPort.of(removed);
        if (!podPorts.isEmpty()) {
            ports = new ArrayList<>(usedPorts);
            for (HostPort port : podPorts) {
                ports.remove(port);
            }
        }
        return new NodeInfo(this, remaining, remainingRequests, requested.minus(removedRequests.exact()),
                nonZeroRequested.minus(removedRequests.nonZero()), ports);
    }

    /** The requests of a pod on this node as counted here (exact, then with scoring defaults); empty if it is not here. */
    public java.util.Optional<Resources[]> requestsOf(Pod pod) {
        for (int i = 0; i < pods.size(); i++) {
            if (pods.get(i) == pod) {
                return java.util.Optional.of(new Resources[] {podRequests.get(i).exact(), podRequests.get(i).nonZero()});
            }
        }
        return java.util.Optional.empty();
    }
}
