/**
 * The simulated container runtime: {@link dev.kapal.kubelet.runtime.sim.SimRuntime} keeps
 * sandboxes and containers in memory, takes pod addresses from the node's pod CIDR and lets
 * containers finish when their annotations ask, all on a shared timer thread.
 */
package dev.kapal.kubelet.runtime.sim;
