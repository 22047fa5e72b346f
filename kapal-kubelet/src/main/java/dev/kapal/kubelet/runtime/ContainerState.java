package dev.kapal.kubelet.runtime;

/**
 * CRI {@code ContainerState}. A container goes CREATED → RUNNING → EXITED and never back; a new
 * attempt is a new container. UNKNOWN is what a runtime says when it lost track.
 */
public enum ContainerState { CONTAINER_CREATED, CONTAINER_RUNNING, CONTAINER_EXITED, CONTAINER_UNKNOWN }
