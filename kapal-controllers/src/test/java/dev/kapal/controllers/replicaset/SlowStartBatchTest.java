package dev.kapal.controllers.replicaset;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Upstream's slow start: batches of 1, 2, 4, …; a failing batch ends the run. */
class SlowStartBatchTest {
    @Test
    void allCallsRunInDoublingBatchesWhenNoneFails() {
        AtomicInteger calls = new AtomicInteger();
        ReplicaSetController.BatchOutcome outcome = ReplicaSetController.slowStartBatch(10, 1, calls::incrementAndGet);
        assertThat(outcome.successes()).isEqualTo(10);
        assertThat(outcome.failure()).isEmpty();
        assertThat(calls).hasValue(10);
    }

    @Test
    void aFailureStopsAfterItsBatchSoOnlySevenOfTwentyAreTried() {
        AtomicInteger calls = new AtomicInteger();
        List<Integer> started = new CopyOnWriteArrayList<>();
        ReplicaSetController.BatchOutcome outcome = ReplicaSetController.slowStartBatch(20, 1, () -> {
            int call = calls.incrementAndGet();
            started.add(call);
            if (call == 5) {
                throw new KubernetesClientException("quota exceeded");
            }
        });
        // Batches 1 and 2 succeed (3 calls); the batch of 4 has the failure; nothing after it runs.
        assertThat(calls).hasValue(7);
        assertThat(outcome.successes()).isEqualTo(6);
        assertThat(outcome.failure()).hasValueSatisfying(failure -> assertThat(failure).hasMessage("quota exceeded"));
    }
}
