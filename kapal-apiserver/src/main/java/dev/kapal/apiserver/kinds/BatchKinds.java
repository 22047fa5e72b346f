package dev.kapal.apiserver.kinds;

import static dev.kapal.apiserver.kinds.KindStrategy.SelectableField.number;

import dev.kapal.apiserver.registry.Strategy;

/** Strategies of the {@code batch/v1} kinds. */
final class BatchKinds {
    private BatchKinds() {
    }

    static final Strategy JOBS = KindStrategy.builder().tracksGeneration().fields(number("status.successful")).build();
    static final Strategy CRON_JOBS = KindStrategy.builder().tracksGeneration().build();
}
