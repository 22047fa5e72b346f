/**
 * The kubelet core, generic over the {@link dev.kapal.kubelet.runtime.NodeRuntime} seam:
 * {@link dev.kapal.kubelet.KubeletHost} runs the kubelets of one or many nodes (registration,
 * Lease, node status, pod workers, pod status) on a bounded set of threads;
 * {@link dev.kapal.kubelet.SimulatedNodes} describes the simulated nodes {@code sim-0…}.
 */
package dev.kapal.kubelet;
