/**
 * The Deployment controller ({@code deployment}): rolls a deployment's pod template out through
 * replica sets (RollingUpdate or Recreate), keeps revision history in annotations for kubectl's
 * rollout history and undo, scales proportionally, and reports progress in conditions.
 */
package dev.kapal.controllers.deployment;
