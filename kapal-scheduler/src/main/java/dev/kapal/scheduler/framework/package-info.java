/**
 * The scheduling framework: one interface per extension point, the {@link
 * dev.kapal.scheduler.framework.Status} every plugin returns, the per-cycle {@link
 * dev.kapal.scheduler.framework.CycleState}, the immutable {@link dev.kapal.scheduler.framework.NodeInfo}
 * snapshot, and the {@link dev.kapal.scheduler.framework.Profile} that runs a list of plugins.
 */
package dev.kapal.scheduler.framework;
