/** The scheduler's view of the cluster: nodes and the pods assigned or assumed to them. */
package dev.kapal.scheduler.cache;
