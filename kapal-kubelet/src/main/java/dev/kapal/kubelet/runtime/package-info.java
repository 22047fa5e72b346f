/**
 * The {@code NodeRuntime} seam: the Container Runtime Interface ({@code runtime.v1} image and
 * runtime services) as Java, with small records mirroring the CRI messages' fields the kubelet
 * uses. The kubelet core drives pods only through {@link dev.kapal.kubelet.runtime.NodeRuntime};
 * the simulated runtime lives in {@code runtime.sim}, the containerd (CRI over gRPC) one comes later.
 */
package dev.kapal.kubelet.runtime;
