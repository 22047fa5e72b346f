/**
 * What the node controllers share, as upstream's {@code pkg/controller/util/node} and taint helpers:
 * the well-known node taints and how tolerations match them ({@link dev.kapal.controllers.nodeutil.Taints}),
 * changing a node's taints safely against concurrent writers, node conditions and zones
 * ({@link dev.kapal.controllers.nodeutil.Nodes}), and the pods-by-node index on the shared pod
 * informer ({@link dev.kapal.controllers.nodeutil.PodsByNode}).
 */
package dev.kapal.controllers.nodeutil;
