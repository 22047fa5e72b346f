/**
 * containerd as Kapal runs it, the k3s way: the host packages it needs ({@link
 * dev.kapal.kubelet.runtime.containerd.RuntimePackages}), a private configuration under
 * {@code <data-dir>/agent/containerd} ({@link dev.kapal.kubelet.runtime.containerd.ContainerdSettings}),
 * the child process kept alive ({@link dev.kapal.kubelet.runtime.containerd.ManagedContainerd}) and
 * the air-gap image import ({@link dev.kapal.kubelet.runtime.containerd.ImageImporter}).
 */
package dev.kapal.kubelet.runtime.containerd;
