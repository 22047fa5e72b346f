package dev.kapal.controllers.it;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kubelet's side of node health, as the tests need it: registers nodes with a Ready condition
 * and a Lease in {@code kube-node-lease}, renews the Leases of the nodes that are alive every
 * 200 ms (posting Ready again if the node lost it), and marks pods running and Ready as a kubelet
 * would. {@link #silence} stops a node's
 * renewals; {@link #revive} posts a fresh Ready heartbeat and renews again.
 */
final class SimulatedKubelets implements AutoCloseable {
    private final KubernetesClient client;
    private final Set<String> alive = ConcurrentHashMap.newKeySet();
    private final Thread renewer;
    private volatile boolean closed;

    SimulatedKubelets(KubernetesClient client) {
        this.client = client;
        this.renewer = Thread.ofVirtual().name("simulated-kubelets").start(this::renewLoop);
    }

    Node register(String name, Map<String, String> labels) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().endSpec().build()).create();
        postReady(name);
        client.leases().inNamespace("kube-node-lease").resource(new LeaseBuilder()
                .withNewMetadata().withName(name).withNamespace("kube-node-lease").endMetadata()
                .withNewSpec().withHolderIdentity(name).withLeaseDurationSeconds(40).withRenewTime(now()).endSpec()
                .build()).create();
        alive.add(name);
        return client.nodes().withName(name).get();
    }

    void silence(String name) {
        alive.remove(name);
    }

    void revive(String name) {
        postReady(name);
        renew(name);
        alive.add(name);
    }

    private void postReady(String name) {
        String stamp = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        for (int attempt = 0; ; attempt++) {
            Node node = client.nodes().withName(name).get();
            NodeCondition ready = new NodeConditionBuilder().withType("Ready").withStatus("True")
                    .withReason("KubeletReady").withMessage("kubelet is posting ready status")
                    .withLastHeartbeatTime(stamp).withLastTransitionTime(stamp).build();
            NodeCondition memory = new NodeConditionBuilder().withType("MemoryPressure").withStatus("False")
                    .withReason("KubeletHasSufficientMemory").withMessage("kubelet has sufficient memory available")
                    .withLastHeartbeatTime(stamp).withLastTransitionTime(stamp).build();
            node.getStatus().setConditions(List.of(memory, ready));
            try {
                client.nodes().resource(node).updateStatus();
                return;
            } catch (KubernetesClientException conflict) {
                if (conflict.getCode() != 409 || attempt > 10) {
                    throw conflict;
                }
            }
        }
    }

    /** Marks the pod Running with Ready and ContainersReady True, as the kubelet reports a started pod. */
    void markRunningAndReady(String namespace, String name) {
        String stamp = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Pod pod = client.pods().inNamespace(namespace).withName(name).get();
        pod.getStatus().setPhase("Running");
        pod.getStatus().setConditions(List.of(
                new PodConditionBuilder().withType("Initialized").withStatus("True").withLastTransitionTime(stamp).build(),
                new PodConditionBuilder().withType("Ready").withStatus("True").withLastTransitionTime(stamp).build(),
                new PodConditionBuilder().withType("ContainersReady").withStatus("True").withLastTransitionTime(stamp).build(),
                new PodConditionBuilder().withType("PodScheduled").withStatus("True").withLastTransitionTime(stamp).build()));
        client.pods().inNamespace(namespace).resource(pod).updateStatus();
    }

    private void renewLoop() {
        while (!closed) {
            for (String name : alive) {
                try {
                    heartbeat(name);
                } catch (RuntimeException failure) {
                    // The next round tries again, as a kubelet does.
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException interrupted) {
                return;
            }
        }
    }

    /**
     * A round of a live kubelet: renew the Lease and, as its status sync does, post Ready again if
     * the node's Ready condition is not True (say the controller marked it Unknown while this
     * process was starved of CPU for longer than the grace period).
     */
    private void heartbeat(String name) {
        renew(name);
        Node node = client.nodes().withName(name).get();
        boolean ready = node != null && node.getStatus() != null && node.getStatus().getConditions() != null
                && node.getStatus().getConditions().stream()
                        .anyMatch(condition -> "Ready".equals(condition.getType()) && "True".equals(condition.getStatus()));
        if (node != null && !ready && alive.contains(name)) {
            postReady(name);
        }
    }

    private void renew(String name) {
        Lease lease = client.leases().inNamespace("kube-node-lease").withName(name).get();
        lease.getSpec().setRenewTime(now());
        client.leases().inNamespace("kube-node-lease").resource(lease).update();
    }

    private static ZonedDateTime now() {
        return ZonedDateTime.now(ZoneOffset.UTC);
    }

    @Override
    public void close() {
        closed = true;
        renewer.interrupt();
    }
}
