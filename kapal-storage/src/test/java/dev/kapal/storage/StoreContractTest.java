package dev.kapal.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The behaviour every {@link Store} backend must have. A backend's test extends this class and
 * says how to open a fresh, empty store; published in the test-jar so later backends (etcd) run
 * the same suite.
 */
public abstract class StoreContractTest {
    protected static final String PODS = "/registry/pods/default/";

    protected Store store;

    /** A new, empty store; closed by the suite after each test. */
    protected abstract Store openStore() throws Exception;

    @BeforeEach
    void openFreshStore() throws Exception {
        store = openStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    protected static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    protected static String text(KeyValue keyValue) {
        return new String(keyValue.value(), StandardCharsets.UTF_8);
    }

    private static List<String> keys(ListResult result) {
        return result.items().stream().map(KeyValue::key).toList();
    }

    // ------------------------------------------------------------ create / get

    @Test
    void emptyStoreIsAtRevisionZero() {
        assertThat(store.currentRevision()).isZero();
        assertThat(store.get(PODS + "a")).isEmpty();
        ListResult all = store.list("/registry/", 0, "", 0);
        assertThat(all.items()).isEmpty();
        assertThat(all.more()).isFalse();
    }

    @Test
    void createThenGetReturnsTheValueWithItsRevisions() {
        KeyValue created = store.create(PODS + "a", bytes("one"));

        assertThat(created.key()).isEqualTo(PODS + "a");
        assertThat(created.modRevision()).isEqualTo(1);
        assertThat(created.createRevision()).isEqualTo(1);
        assertThat(store.currentRevision()).isEqualTo(1);
        assertThat(store.get(PODS + "a")).contains(created);
        assertThat(text(store.get(PODS + "a").orElseThrow())).isEqualTo("one");
    }

    @Test
    void callerCannotChangeStoredBytesThroughItsArray() {
        byte[] value = bytes("one");
        store.create(PODS + "a", value);
        value[0] = 'X';
        assertThat(text(store.get(PODS + "a").orElseThrow())).isEqualTo("one");
    }

    @Test
    void createOfALiveKeyFailsAndWritesNothing() {
        store.create(PODS + "a", bytes("one"));

        assertThatThrownBy(() -> store.create(PODS + "a", bytes("two")))
                .isInstanceOf(StoreException.KeyExists.class);
        assertThat(store.currentRevision()).isEqualTo(1);
        assertThat(text(store.get(PODS + "a").orElseThrow())).isEqualTo("one");
    }

    // ------------------------------------------------------------ list

    @Test
    void listReturnsLiveKeysUnderThePrefixInKeyOrder() {
        store.create(PODS + "b", bytes("b"));
        store.create(PODS + "a", bytes("a"));
        store.create("/registry/pods/other/c", bytes("c"));
        store.create("/registry/services/default/a", bytes("s"));
        KeyValue gone = store.create(PODS + "d", bytes("d"));
        store.delete(PODS + "d", gone.modRevision());

        ListResult pods = store.list(PODS, 0, "", 0);

        assertThat(keys(pods)).containsExactly(PODS + "a", PODS + "b");
        assertThat(pods.revision()).isEqualTo(store.currentRevision());
        assertThat(pods.more()).isFalse();
        assertThat(pods.remaining()).isZero();
        assertThat(keys(store.list("/registry/pods/", 0, "", 0)))
                .containsExactly(PODS + "a", PODS + "b", "/registry/pods/other/c");
    }

    @Test
    void listAtAPastRevisionSeesTheStateOfThatRevision() {
        KeyValue a1 = store.create(PODS + "a", bytes("a1"));
        KeyValue b1 = store.create(PODS + "b", bytes("b1"));
        long before = store.currentRevision();
        store.update(PODS + "a", a1.modRevision(), bytes("a2"));
        store.delete(PODS + "b", b1.modRevision());
        store.create(PODS + "c", bytes("c1"));

        ListResult past = store.list(PODS, before, "", 0);
        assertThat(past.revision()).isEqualTo(before);
        assertThat(past.items()).containsExactly(a1, b1);

        ListResult first = store.list(PODS, 1, "", 0);
        assertThat(first.items()).containsExactly(a1);

        ListResult latest = store.list(PODS, 0, "", 0);
        assertThat(keys(latest)).containsExactly(PODS + "a", PODS + "c");
        assertThat(text(latest.items().get(0))).isEqualTo("a2");
    }

    @Test
    void listAtAFutureRevisionFails() {
        store.create(PODS + "a", bytes("a"));
        assertThatThrownBy(() -> store.list(PODS, 5, "", 0)).isInstanceOf(StoreException.FutureRevision.class);
    }

    @Test
    void pagedListStaysOnOneSnapshotWhileWritesContinue() {
        Map<String, KeyValue> original = new HashMap<>();
        for (int i = 0; i < 25; i++) {
            KeyValue kv = store.create(PODS + String.format("p%02d", i), bytes("v" + i));
            original.put(kv.key(), kv);
        }

        ListResult first = store.list(PODS, 0, "", 10);
        assertThat(first.items()).hasSize(10);
        assertThat(first.more()).isTrue();
        assertThat(first.remaining()).isEqualTo(15);
        long snapshot = first.revision();

        // Writes between pages: new keys inside and after the page range, updates and deletes.
        store.create(PODS + "p05x", bytes("new"));
        store.create(PODS + "p99", bytes("new"));
        KeyValue p12 = original.get(PODS + "p12");
        store.update(p12.key(), p12.modRevision(), bytes("changed"));
        store.delete(PODS + "p15", 0);
        store.delete(PODS + "p03", 0);

        ListResult second = store.list(PODS, snapshot, first.lastKey(), 10);
        assertThat(second.revision()).isEqualTo(snapshot);
        assertThat(second.more()).isTrue();
        assertThat(second.remaining()).isEqualTo(5);
        ListResult third = store.list(PODS, snapshot, second.lastKey(), 10);
        assertThat(third.items()).hasSize(5);
        assertThat(third.more()).isFalse();
        assertThat(third.remaining()).isZero();

        List<KeyValue> all = new ArrayList<>(first.items());
        all.addAll(second.items());
        all.addAll(third.items());
        assertThat(all).containsExactlyElementsOf(
                original.values().stream().sorted((x, y) -> x.key().compareTo(y.key())).toList());

        ListResult latest = store.list(PODS, 0, "", 0);
        assertThat(latest.items()).hasSize(25 + 2 - 2);
    }

    @Test
    void limitExactlyAtTheEndReportsNothingMore() {
        store.create(PODS + "a", bytes("a"));
        store.create(PODS + "b", bytes("b"));
        ListResult page = store.list(PODS, 0, "", 2);
        assertThat(page.items()).hasSize(2);
        assertThat(page.more()).isFalse();
        assertThat(page.remaining()).isZero();
    }

    // ------------------------------------------------------------ update / delete

    @Test
    void updateWithTheCurrentRevisionSucceeds() {
        KeyValue created = store.create(PODS + "a", bytes("one"));

        KeyValue updated = store.update(PODS + "a", created.modRevision(), bytes("two"));

        assertThat(updated.modRevision()).isEqualTo(created.modRevision() + 1);
        assertThat(updated.createRevision()).isEqualTo(created.createRevision());
        assertThat(text(updated)).isEqualTo("two");
        assertThat(store.get(PODS + "a")).contains(updated);
    }

    @Test
    void updateWithAStaleRevisionConflictsAndCarriesTheCurrentValue() {
        KeyValue created = store.create(PODS + "a", bytes("one"));
        KeyValue updated = store.update(PODS + "a", created.modRevision(), bytes("two"));

        assertThatThrownBy(() -> store.update(PODS + "a", created.modRevision(), bytes("three")))
                .isInstanceOfSatisfying(StoreException.Conflict.class,
                        conflict -> assertThat(conflict.current()).contains(updated));
        assertThat(store.get(PODS + "a")).contains(updated);
        assertThat(store.currentRevision()).isEqualTo(updated.modRevision());
    }

    @Test
    void updateAndDeleteOfAMissingKeyFail() {
        assertThatThrownBy(() -> store.update(PODS + "none", 1, bytes("x")))
                .isInstanceOf(StoreException.KeyNotFound.class);
        assertThatThrownBy(() -> store.delete(PODS + "none", 0))
                .isInstanceOf(StoreException.KeyNotFound.class);

        KeyValue created = store.create(PODS + "a", bytes("one"));
        store.delete(PODS + "a", 0);
        assertThatThrownBy(() -> store.update(PODS + "a", created.modRevision(), bytes("x")))
                .isInstanceOf(StoreException.KeyNotFound.class);
        assertThatThrownBy(() -> store.delete(PODS + "a", 0))
                .isInstanceOf(StoreException.KeyNotFound.class);
        assertThat(store.currentRevision()).isEqualTo(2);
    }

    @Test
    void conditionalDeleteChecksTheRevision() {
        KeyValue created = store.create(PODS + "a", bytes("one"));
        KeyValue updated = store.update(PODS + "a", created.modRevision(), bytes("two"));

        assertThatThrownBy(() -> store.delete(PODS + "a", created.modRevision()))
                .isInstanceOfSatisfying(StoreException.Conflict.class,
                        conflict -> assertThat(conflict.current()).contains(updated));
        assertThat(store.get(PODS + "a")).contains(updated);

        KeyValue deleted = store.delete(PODS + "a", updated.modRevision());
        assertThat(deleted.modRevision()).isEqualTo(updated.modRevision() + 1);
        assertThat(deleted.createRevision()).isEqualTo(created.createRevision());
        assertThat(text(deleted)).isEqualTo("two");
        assertThat(store.get(PODS + "a")).isEmpty();
    }

    @Test
    void unconditionalDeleteRemovesWhateverIsThere() {
        KeyValue created = store.create(PODS + "a", bytes("one"));
        store.update(PODS + "a", created.modRevision(), bytes("two"));

        KeyValue deleted = store.delete(PODS + "a", 0);

        assertThat(text(deleted)).isEqualTo("two");
        assertThat(deleted.modRevision()).isEqualTo(3);
        assertThat(store.get(PODS + "a")).isEmpty();
    }

    @Test
    void recreateAfterDeleteStartsANewIncarnation() {
        KeyValue first = store.create(PODS + "a", bytes("one"));
        store.delete(PODS + "a", 0);

        KeyValue second = store.create(PODS + "a", bytes("again"));

        assertThat(second.createRevision()).isEqualTo(3).isGreaterThan(first.createRevision());
        assertThat(second.modRevision()).isEqualTo(3);
        assertThat(store.get(PODS + "a")).contains(second);
    }

    @Test
    void guaranteedUpdateCreatesWhenAbsentAndRetriesOnConflict() {
        KeyValue created = store.guaranteedUpdate(PODS + "counter", current -> {
            assertThat(current).isEmpty();
            return bytes("1");
        });
        assertThat(text(created)).isEqualTo("1");

        // The callback's first run sees a value that another writer changes before the CAS.
        List<String> seen = new ArrayList<>();
        KeyValue result = store.guaranteedUpdate(PODS + "counter", current -> {
            String value = text(current.orElseThrow());
            seen.add(value);
            if (seen.size() == 1) {
                store.update(PODS + "counter", current.get().modRevision(), bytes("10"));
            }
            return bytes(String.valueOf(Integer.parseInt(value) + 1));
        });
        assertThat(seen).containsExactly("1", "10");
        assertThat(text(result)).isEqualTo("11");
    }

    // ------------------------------------------------------------ watch

    @Test
    void watchReplaysHistoryThenDeliversLiveEventsWithPreviousValues() {
        KeyValue a1 = store.create(PODS + "a", bytes("a1"));
        KeyValue a2 = store.update(PODS + "a", a1.modRevision(), bytes("a2"));
        KeyValue b1 = store.create(PODS + "b", bytes("b1"));

        RecordingWatcher watcher = new RecordingWatcher();
        try (Store.Watch ignored = store.watch(PODS, a1.modRevision(), watcher)) {
            KeyValue bDeleted = store.delete(PODS + "b", b1.modRevision());
            KeyValue a3 = store.update(PODS + "a", a2.modRevision(), bytes("a3"));

            List<WatchEvent> events = watcher.awaitEvents(4);

            assertThat(events).containsExactly(
                    new WatchEvent(WatchEvent.Type.UPDATE, a2, Optional.of(a1)),
                    new WatchEvent(WatchEvent.Type.CREATE, b1, Optional.empty()),
                    new WatchEvent(WatchEvent.Type.DELETE, bDeleted, Optional.of(b1)),
                    new WatchEvent(WatchEvent.Type.UPDATE, a3, Optional.of(a2)));
        }
    }

    @Test
    void watchFromZeroReplaysEverything() {
        store.create(PODS + "a", bytes("a"));
        store.create(PODS + "b", bytes("b"));
        RecordingWatcher watcher = new RecordingWatcher();
        try (Store.Watch ignored = store.watch(PODS, 0, watcher)) {
            assertThat(watcher.awaitEvents(2)).extracting(WatchEvent::revision).containsExactly(1L, 2L);
        }
    }

    @Test
    void watchFromTheCurrentRevisionSeesOnlyNewWrites() {
        store.create(PODS + "a", bytes("a"));
        RecordingWatcher watcher = new RecordingWatcher();
        try (Store.Watch ignored = store.watch(PODS, store.currentRevision(), watcher)) {
            KeyValue b = store.create(PODS + "b", bytes("b"));
            assertThat(watcher.awaitEvents(1)).extracting(WatchEvent::current).containsExactly(b);
        }
    }

    @Test
    void watchOfAPrefixDoesNotSeeOtherPrefixes() {
        RecordingWatcher watcher = new RecordingWatcher();
        try (Store.Watch ignored = store.watch(PODS, 0, watcher)) {
            store.create("/registry/pods/defaultx/a", bytes("x"));
            store.create("/registry/services/default/a", bytes("x"));
            store.create("/registry/pods/other/a", bytes("x"));
            KeyValue mine = store.create(PODS + "a", bytes("mine"));

            assertThat(watcher.awaitEvents(1)).extracting(WatchEvent::current).containsExactly(mine);
            // The later, matching write arriving proves the others were skipped, not delayed.
            assertThat(watcher.events()).hasSize(1);
        }
    }

    @Test
    void closedWatchStopsReceivingEvents() {
        RecordingWatcher watcher = new RecordingWatcher();
        Store.Watch watch = store.watch(PODS, 0, watcher);
        store.create(PODS + "a", bytes("a"));
        watcher.awaitEvents(1);

        watch.close();
        store.create(PODS + "b", bytes("b"));
        RecordingWatcher control = new RecordingWatcher();
        try (Store.Watch ignored = store.watch(PODS, 0, control)) {
            control.awaitEvents(2);
        }
        assertThat(watcher.events()).hasSize(1);
        assertThat(watcher.errors()).isEmpty();
    }

    @Test
    void closingTheStoreEndsWatchesWithOneError() {
        RecordingWatcher watcher = new RecordingWatcher();
        store.watch(PODS, 0, watcher);
        store.close();
        assertThat(watcher.awaitError()).isInstanceOf(StoreException.class);
        store = null;
    }

    @Test
    void watcherThatThrowsIsEndedWithAnErrorWithoutHurtingOthers() {
        RecordingWatcher healthy = new RecordingWatcher();
        List<StoreException> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        store.watch(PODS, 0, new Store.Watcher() {
            @Override
            public void onEvent(WatchEvent event) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void onError(StoreException error) {
                errors.add(error);
            }
        });
        try (Store.Watch ignored = store.watch(PODS, 0, healthy)) {
            store.create(PODS + "a", bytes("a"));
            store.create(PODS + "b", bytes("b"));
            healthy.awaitEvents(2);
            await().atMost(Duration.ofSeconds(10)).until(() -> errors.size() == 1);
        }
    }

    // ------------------------------------------------------------ compaction

    @Test
    void compactionDiscardsOldHistoryButKeepsTheLatestValues() {
        KeyValue a1 = store.create(PODS + "a", bytes("a1"));
        KeyValue a2 = store.update(PODS + "a", a1.modRevision(), bytes("a2"));
        KeyValue b1 = store.create(PODS + "b", bytes("b1"));
        store.delete(PODS + "b", 0);
        KeyValue c1 = store.create(PODS + "c", bytes("c1"));
        long compactAt = store.currentRevision();
        KeyValue a3 = store.update(PODS + "a", a2.modRevision(), bytes("a3"));

        store.compact(compactAt);

        assertThat(store.compactedRevision()).isEqualTo(compactAt);
        assertThat(store.currentRevision()).isEqualTo(a3.modRevision());
        assertThatThrownBy(() -> store.list(PODS, compactAt - 1, "", 0))
                .isInstanceOfSatisfying(StoreException.Compacted.class,
                        compacted -> assertThat(compacted.compactRevision()).isEqualTo(compactAt));
        assertThatThrownBy(() -> store.watch(PODS, compactAt - 1, new RecordingWatcher()))
                .isInstanceOf(StoreException.Compacted.class);

        // The state at the compacted revision is still readable, and so is everything after it.
        assertThat(store.list(PODS, compactAt, "", 0).items()).containsExactly(a2, c1);
        assertThat(store.list(PODS, 0, "", 0).items()).containsExactly(a3, c1);
        assertThat(store.get(PODS + "a")).contains(a3);
        assertThat(store.get(PODS + "b")).isEmpty();
        assertThat(b1.modRevision()).isLessThan(compactAt);

        RecordingWatcher watcher = new RecordingWatcher();
        try (Store.Watch ignored = store.watch(PODS, compactAt, watcher)) {
            assertThat(watcher.awaitEvents(1)).containsExactly(
                    new WatchEvent(WatchEvent.Type.UPDATE, a3, Optional.of(a2)));
        }

        // Compacting again at or below the compacted revision changes nothing.
        store.compact(compactAt - 1);
        assertThat(store.compactedRevision()).isEqualTo(compactAt);
        // Writes continue with the next revision.
        assertThat(store.create(PODS + "d", bytes("d")).modRevision()).isEqualTo(a3.modRevision() + 1);
    }

    @Test
    void compactingEverythingKeepsTheRevisionCounter() {
        KeyValue a = store.create(PODS + "a", bytes("a"));
        store.delete(PODS + "a", a.modRevision());
        store.compact(store.currentRevision());

        assertThat(store.currentRevision()).isEqualTo(2);
        assertThat(store.list(PODS, 0, "", 0).items()).isEmpty();
        assertThat(store.create(PODS + "a", bytes("again")).modRevision()).isEqualTo(3);
    }

    @Test
    void compactingAFutureRevisionFails() {
        store.create(PODS + "a", bytes("a"));
        assertThatThrownBy(() -> store.compact(10)).isInstanceOf(StoreException.FutureRevision.class);
        assertThat(store.compactedRevision()).isZero();
    }

    // ------------------------------------------------------------ concurrency

    @Test
    void concurrentGuaranteedUpdatesLoseNothing() throws Exception {
        int threads = 8;
        int increments = 200;
        int counters = 3;
        Set<Long> revisions = ConcurrentHashMap.newKeySet();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(executor.submit(() -> {
                    for (int i = 0; i < increments; i++) {
                        String key = PODS + "counter-" + ((thread + i) % counters);
                        KeyValue written = store.guaranteedUpdate(key, current -> bytes(String.valueOf(
                                current.map(kv -> Long.parseLong(text(kv))).orElse(0L) + 1)));
                        assertThat(revisions.add(written.modRevision())).as("revision unique").isTrue();
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        long total = 0;
        for (KeyValue counter : store.list(PODS, 0, "", 0).items()) {
            total += Long.parseLong(text(counter));
        }
        assertThat(total).isEqualTo((long) threads * increments);
        assertThat(revisions).hasSize(threads * increments);
        assertThat(store.currentRevision()).isEqualTo((long) threads * increments);
    }

    @Test
    void everyWatcherSeesEveryWriteExactlyOnceInOrderUnderConcurrency() throws Exception {
        int threads = 8;
        int writesPerThread = 60;
        List<RecordingWatcher> watchers = new ArrayList<>();
        List<Store.Watch> watches = new ArrayList<>();
        Set<Long> written = ConcurrentHashMap.newKeySet();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(executor.submit(() -> {
                    for (int i = 0; i < writesPerThread; i++) {
                        KeyValue kv = store.create(PODS + "t" + thread + "-" + i, bytes("v"));
                        written.add(kv.modRevision());
                        if (i % 2 == 0) {
                            written.add(store.update(kv.key(), kv.modRevision(), bytes("v2")).modRevision());
                        }
                    }
                    return null;
                }));
                // Watches start at different moments while writes run: some replay, some don't.
                RecordingWatcher watcher = new RecordingWatcher();
                watchers.add(watcher);
                watches.add(store.watch(PODS, 0, watcher));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        int expected = threads * writesPerThread * 3 / 2;
        assertThat(written).hasSize(expected);
        for (RecordingWatcher watcher : watchers) {
            List<WatchEvent> events = watcher.awaitEvents(expected);
            assertThat(events).hasSize(expected);
            List<Long> revisions = events.stream().map(WatchEvent::revision).toList();
            assertThat(revisions).isSorted().doesNotHaveDuplicates();
            assertThat(new HashSet<>(revisions)).isEqualTo(written);
        }
        watches.forEach(Store.Watch::close);
    }
}
