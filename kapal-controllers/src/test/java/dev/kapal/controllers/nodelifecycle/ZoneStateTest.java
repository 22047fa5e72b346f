package dev.kapal.controllers.nodelifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ZoneStateTest {
    @Test
    void zoneStatesFollowUpstreamThresholds() {
        assertThat(ZoneState.of(0, 1, 0.55)).isEqualTo(ZoneState.FULL_DISRUPTION);
        assertThat(ZoneState.of(0, 0, 0.55)).isEqualTo(ZoneState.NORMAL);
        // Two not-ready nodes are never a partial disruption, however small the zone.
        assertThat(ZoneState.of(1, 2, 0.55)).isEqualTo(ZoneState.NORMAL);
        assertThat(ZoneState.of(2, 3, 0.55)).isEqualTo(ZoneState.PARTIAL_DISRUPTION);
        assertThat(ZoneState.of(3, 3, 0.55)).isEqualTo(ZoneState.NORMAL);
    }

    /** A clock the test moves. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advanceMillis(long millis) {
            now = now.plusMillis(millis);
        }
    }

    @Test
    void theTaintingQueueLetsOneNodeThroughPerTokenAndKeepsProcessedNamesUntilRemoved() {
        ManualClock clock = new ManualClock();
        RateLimitedTimedQueue queue = new RateLimitedTimedQueue(0.1, clock);
        assertThat(queue.add("a")).isTrue();
        assertThat(queue.add("b")).isTrue();
        assertThat(queue.add("a")).isFalse();
        java.util.List<String> processed = new java.util.ArrayList<>();
        queue.tryProcess(name -> {
            processed.add(name);
            return java.util.Optional.empty();
        });
        assertThat(processed).containsExactly("a");
        clock.advanceMillis(10_000);
        queue.tryProcess(name -> {
            processed.add(name);
            return java.util.Optional.empty();
        });
        assertThat(processed).containsExactly("a", "b");
        assertThat(queue.add("a")).isFalse();
        assertThat(queue.remove("a")).isTrue();
        assertThat(queue.add("a")).isTrue();

        queue.swapLimiter(0);
        clock.advanceMillis(60_000);
        queue.tryProcess(name -> {
            processed.add(name);
            return java.util.Optional.empty();
        });
        assertThat(processed).containsExactly("a", "b");
    }
}
