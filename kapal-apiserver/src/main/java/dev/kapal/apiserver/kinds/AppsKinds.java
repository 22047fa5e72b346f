package dev.kapal.apiserver.kinds;

import static dev.kapal.apiserver.kinds.KindStrategy.SelectableField.number;

import dev.kapal.apiserver.registry.Strategy;

/** Strategies of the {@code apps/v1} kinds. */
final class AppsKinds {
    private AppsKinds() {
    }

    static final Strategy CONTROLLER_REVISIONS = KindStrategy.builder().build();
    static final Strategy DAEMON_SETS = KindStrategy.builder().tracksGeneration().build();
    static final Strategy DEPLOYMENTS = KindStrategy.builder().tracksGeneration().build();
    static final Strategy REPLICA_SETS = KindStrategy.builder().tracksGeneration().fields(number("status.replicas")).build();
    static final Strategy STATEFUL_SETS = KindStrategy.builder().tracksGeneration().build();
}
