package dev.kapal.apiserver.printers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void humanDurationsFollowUpstreamsBoundaries() {
        assertThat(Durations.human(Duration.ofSeconds(5))).isEqualTo("5s");
        assertThat(Durations.human(Duration.ofSeconds(119))).isEqualTo("119s");
        assertThat(Durations.human(Duration.ofSeconds(120))).isEqualTo("2m");
        assertThat(Durations.human(Duration.ofSeconds(182))).isEqualTo("3m2s");
        assertThat(Durations.human(Duration.ofMinutes(10).plusSeconds(30))).isEqualTo("10m");
        assertThat(Durations.human(Duration.ofMinutes(179))).isEqualTo("179m");
        assertThat(Durations.human(Duration.ofMinutes(185))).isEqualTo("3h5m");
        assertThat(Durations.human(Duration.ofHours(5))).isEqualTo("5h");
        assertThat(Durations.human(Duration.ofHours(30).plusMinutes(5))).isEqualTo("30h");
        assertThat(Durations.human(Duration.ofHours(51))).isEqualTo("2d3h");
        assertThat(Durations.human(Duration.ofDays(3))).isEqualTo("3d");
        assertThat(Durations.human(Duration.ofDays(400))).isEqualTo("400d");
        assertThat(Durations.human(Duration.ofDays(365 * 3 + 20))).isEqualTo("3y20d");
        assertThat(Durations.human(Duration.ofDays(365 * 9))).isEqualTo("9y");
    }

    @Test
    void smallClockSkewReadsAsNowAndLargerSkewAsInvalid() {
        assertThat(Durations.human(Duration.ofMillis(-1500))).isEqualTo("0s");
        assertThat(Durations.human(Duration.ofSeconds(-2))).isEqualTo("<invalid>");
    }

    @Test
    void missingOrUnreadableTimestampsAreUnknown() {
        Instant now = Instant.parse("2025-01-01T00:01:00Z");
        assertThat(Durations.since("", now)).isEqualTo("<unknown>");
        assertThat(Durations.since("yesterday", now)).isEqualTo("<unknown>");
        assertThat(Durations.since("2025-01-01T00:00:00Z", now)).isEqualTo("60s");
        assertThat(Durations.since("2024-12-31T23:59:00.123456Z", now)).isEqualTo("119s");
    }
}
