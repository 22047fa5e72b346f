package dev.kapal.kubelet.runtime;

/** CRI {@code PodSandboxState}: a sandbox is ready (running, networked) or not (stopped). */
public enum PodSandboxState { SANDBOX_READY, SANDBOX_NOTREADY }
