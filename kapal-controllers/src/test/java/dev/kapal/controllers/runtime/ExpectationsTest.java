package dev.kapal.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Expectations: raised before writes, lowered by observations, expired after five minutes. */
class ExpectationsTest {
    private final AtomicLong clock = new AtomicLong();
    private final Expectations<ObjectKey> expectations = new Expectations<>(clock::get);
    private final ObjectKey key = new ObjectKey("ns", "rs");

    @Test
    void aKeyWithoutExpectationsIsSatisfied() {
        assertThat(expectations.satisfied(key)).isTrue();
    }

    @Test
    void creationsMustAllBeObserved() {
        expectations.expectCreations(key, 3);
        expectations.creationObserved(key);
        expectations.creationObserved(key);
        assertThat(expectations.satisfied(key)).isFalse();
        assertThat(expectations.pending(key)).isEqualTo(new Expectations.Pending(1, 0));
        expectations.creationObserved(key);
        assertThat(expectations.satisfied(key)).isTrue();
    }

    @Test
    void deletionsAreTrackedByObjectSoARepeatedObservationCountsOnce() {
        expectations.expectDeletions(key, Set.of("ns/a", "ns/b"));
        expectations.deletionObserved(key, "ns/a");
        expectations.deletionObserved(key, "ns/a");
        assertThat(expectations.satisfied(key)).isFalse();
        expectations.deletionObserved(key, "ns/b");
        assertThat(expectations.satisfied(key)).isTrue();
    }

    @Test
    void unmetExpectationsExpireAfterFiveMinutes() {
        expectations.expectCreations(key, 1);
        clock.addAndGet(Duration.ofMinutes(5).toNanos());
        assertThat(expectations.satisfied(key)).isFalse();
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(expectations.satisfied(key)).isTrue();
    }

    @Test
    void forgettingAKeyClearsIt() {
        expectations.expectCreations(key, 5);
        expectations.forget(key);
        assertThat(expectations.satisfied(key)).isTrue();
        expectations.creationObserved(key);
        assertThat(expectations.satisfied(key)).isTrue();
    }
}
