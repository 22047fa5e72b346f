/**
 * The garbage collector (kube-controller-manager's {@code garbagecollector}): a graph of
 * ownerReferences over every deletable resource found by discovery, and the workers that delete
 * dependents whose owners are gone, run foreground deletion and orphan dependents.
 */
package dev.kapal.controllers.garbagecollector;
