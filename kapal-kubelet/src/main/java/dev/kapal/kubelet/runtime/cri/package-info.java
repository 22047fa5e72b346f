/**
 * The CRI client: a gRPC channel to a container runtime's unix socket ({@link
 * dev.kapal.kubelet.runtime.cri.CriClient}) with the {@code runtime.v1} stubs generated from
 * {@code src/main/proto/api.proto} (package {@code runtime.cri.v1}).
 */
package dev.kapal.kubelet.runtime.cri;
