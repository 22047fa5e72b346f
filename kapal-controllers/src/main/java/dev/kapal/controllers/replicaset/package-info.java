/**
 * The ReplicaSet ({@code replicaset}) and ReplicationController ({@code replicationcontroller})
 * controllers: one engine, {@link dev.kapal.controllers.replicaset.ReplicaSetController}, over
 * either kind ({@link dev.kapal.controllers.replicaset.ReplicaKind}), that keeps the number of
 * active pods a controller owns equal to its replicas and reports their state in its status.
 */
package dev.kapal.controllers.replicaset;
