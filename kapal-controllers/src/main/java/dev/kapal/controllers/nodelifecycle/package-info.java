/**
 * The node lifecycle controller ({@code nodelifecycle}, upstream's {@code node-lifecycle-controller}):
 * watches node heartbeats (the Ready condition and the {@code kube-node-lease} Lease), marks silent
 * nodes' conditions Unknown and their pods not ready, keeps the condition and
 * {@code unschedulable} NoSchedule taints in step with the node, and adds the not-ready/unreachable
 * NoExecute taints through per-zone rate-limited queues that slow down or stop in large outages
 * ({@link dev.kapal.controllers.nodelifecycle.ZoneState}). Evicting pods off NoExecute taints is the
 * taint eviction controller's job.
 */
package dev.kapal.controllers.nodelifecycle;
