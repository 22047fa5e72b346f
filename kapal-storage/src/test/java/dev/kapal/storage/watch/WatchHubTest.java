package dev.kapal.storage.watch;

import dev.kapal.storage.KeyValue;
import dev.kapal.storage.RecordingWatcher;
import dev.kapal.storage.Store;
import dev.kapal.storage.StoreException;
import dev.kapal.storage.WatchEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WatchHubTest {
    private static final HistorySource NO_HISTORY = (prefix, after, upTo, limit) -> List.of();

    private static WatchEvent created(long revision) {
        return new WatchEvent(WatchEvent.Type.CREATE,
                new KeyValue("/registry/pods/ns/p" + revision, new byte[0], revision, revision), Optional.empty());
    }

    @Test
    void aWatcherThatFallsTooFarBehindIsFailedWithoutBlockingPublishOrOthers() throws Exception {
        WatchHub hub = new WatchHub(NO_HISTORY, 0, 10);
        CountDownLatch release = new CountDownLatch(1);
        RecordingWatcher slowErrors = new RecordingWatcher();
        Store.Watcher slow = new Store.Watcher() {
            @Override
            public void onEvent(WatchEvent event) {
                try {
                    release.await(); // stuck until the test lets it go
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onError(StoreException error) {
                slowErrors.onError(error);
            }
        };
        RecordingWatcher fast = new RecordingWatcher();
        hub.watch("/registry/pods/", 0, slow);
        hub.watch("/registry/pods/", 0, fast);

        long started = System.nanoTime();
        for (long revision = 1; revision <= 50; revision++) {
            hub.publish(List.of(created(revision)));
            fast.awaitEvents((int) revision); // the fast watcher keeps pace while the slow one is stuck
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(fast.events()).hasSize(50);

        release.countDown();
        assertThat(slowErrors.awaitError().getMessage()).contains("fell more than 10 events behind");
        await().atMost(Duration.ofSeconds(5)).until(() -> hub.activeWatches() == 1);
        hub.close();
        assertThat(fast.awaitError().getMessage()).contains("closed");
    }

    @Test
    void replayAndLiveMeetAtTheHeadWithoutGapOrDuplicate() throws Exception {
        // History holds revisions 1..3; the hub has published up to 3 when the watch starts.
        CountDownLatch replayStarted = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        HistorySource history = (prefix, after, upTo, limit) -> {
            replayStarted.countDown();
            try {
                proceed.await(10, TimeUnit.SECONDS); // live events arrive while replay is slow
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return java.util.stream.LongStream.rangeClosed(after + 1, upTo).mapToObj(WatchHubTest::created).toList();
        };
        WatchHub hub = new WatchHub(history, 3, 100);
        RecordingWatcher watcher = new RecordingWatcher();
        hub.watch("/registry/pods/", 1, watcher);
        assertThat(replayStarted.await(10, TimeUnit.SECONDS)).isTrue();
        hub.publish(List.of(created(4), created(5)));
        proceed.countDown();

        assertThat(watcher.awaitEvents(4)).extracting(WatchEvent::revision).containsExactly(2L, 3L, 4L, 5L);
        hub.close();
    }

    @Test
    void publishingOutOfOrderIsRejected() {
        WatchHub hub = new WatchHub(NO_HISTORY, 5, 10);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> hub.publish(List.of(created(5))))
                .isInstanceOf(IllegalStateException.class);
    }
}
