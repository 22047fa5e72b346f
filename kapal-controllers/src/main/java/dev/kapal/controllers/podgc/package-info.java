/** The pod garbage collector (kube-controller-manager's {@code podgc}): terminated, orphaned and unscheduled terminating pods. */
package dev.kapal.controllers.podgc;
