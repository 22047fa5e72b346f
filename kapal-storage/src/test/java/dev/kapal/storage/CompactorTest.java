package dev.kapal.storage;

import dev.kapal.storage.memory.MemoryStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class CompactorTest {
    @Test
    void compactsToTheRevisionSeenOneIntervalEarlier() throws Exception {
        try (Store store = new MemoryStore()) {
            store.create("/registry/a", new byte[] {1});
            store.create("/registry/b", new byte[] {1});
            long firstObserved = store.currentRevision(); // what the compactor sees when it starts
            try (Compactor ignored = new Compactor(store, Duration.ofMillis(200))) {
                // After the first tick the compactor has compacted to its starting observation and
                // observed the current revision; nothing after that may be compacted yet.
                await().atMost(Duration.ofSeconds(5)).until(() -> store.compactedRevision() == firstObserved);
                long later = store.create("/registry/c", new byte[] {1}).modRevision();
                assertThat(store.compactedRevision()).isLessThan(later);
                await().atMost(Duration.ofSeconds(5)).until(() -> store.compactedRevision() >= later);
                assertThatThrownBy(() -> store.list("/registry/", later - 1, "", 0))
                        .isInstanceOf(StoreException.Compacted.class);
                assertThat(store.list("/registry/", 0, "", 0).items()).hasSize(3);
            }
        }
    }

    @Test
    void closeStopsCompacting() {
        try (Store store = new MemoryStore()) {
            store.create("/registry/a", new byte[] {1});
            Compactor compactor = new Compactor(store, Duration.ofMillis(50));
            compactor.close();
            store.create("/registry/b", new byte[] {1});
            long compacted = store.compactedRevision();
            // Several intervals pass without any compaction once closed.
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> store.compactedRevision() == compacted);
        }
    }

    @Test
    void defaultIntervalIsFiveMinutesAsUpstream() {
        assertThat(Compactor.DEFAULT_INTERVAL).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> new Compactor(new MemoryStore(), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
