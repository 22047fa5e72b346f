/** The disruption controller (kube-controller-manager's {@code disruption}): PodDisruptionBudget status. */
package dev.kapal.controllers.disruption;
