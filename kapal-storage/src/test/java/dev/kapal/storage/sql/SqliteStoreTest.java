package dev.kapal.storage.sql;

import dev.kapal.storage.KeyValue;
import dev.kapal.storage.RecordingWatcher;
import dev.kapal.storage.Store;
import dev.kapal.storage.StoreContractTest;
import dev.kapal.storage.StoreException;
import dev.kapal.storage.WatchEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteStoreTest extends StoreContractTest {
    @TempDir
    Path directory;

    @Override
    protected Store openStore() {
        return SqliteStore.open(directory.resolve("db/state.db"));
    }

    private Store reopen() {
        store.close();
        store = SqliteStore.open(directory.resolve("db/state.db"));
        return store;
    }

    @Test
    void dataAndRevisionsSurviveReopen() {
        KeyValue a = store.create(PODS + "a", bytes("a"));
        KeyValue b = store.create(PODS + "b", bytes("b"));
        store.update(PODS + "a", a.modRevision(), bytes("a2"));

        reopen();

        assertThat(store.currentRevision()).isEqualTo(3);
        assertThat(text(store.get(PODS + "a").orElseThrow())).isEqualTo("a2");
        assertThat(store.get(PODS + "b")).contains(b);
        assertThat(store.create(PODS + "c", bytes("c")).modRevision()).isEqualTo(4);
    }

    @Test
    void revisionsKeepIncreasingAcrossCompactionAndReopen() {
        KeyValue a = store.create(PODS + "a", bytes("a"));
        store.update(PODS + "a", a.modRevision(), bytes("a2"));
        KeyValue gone = store.create(PODS + "gone", bytes("x"));
        store.delete(gone.key(), gone.modRevision()); // the newest row is a delete marker
        store.compact(store.currentRevision());

        reopen();

        assertThat(store.currentRevision()).isEqualTo(4);
        assertThat(store.compactedRevision()).isEqualTo(4);
        assertThatThrownBy(() -> store.list(PODS, 3, "", 0)).isInstanceOf(StoreException.Compacted.class);
        KeyValue next = store.create(PODS + "gone", bytes("back"));
        assertThat(next.modRevision()).isEqualTo(5);
        assertThat(next.createRevision()).isEqualTo(5);
        assertThat(store.list(PODS, 0, "", 0).items()).extracting(KeyValue::key)
                .containsExactly(PODS + "a", PODS + "gone");
    }

    @Test
    void watchAfterReopenReplaysFromTheTable() {
        KeyValue a = store.create(PODS + "a", bytes("a"));
        KeyValue a2 = store.update(PODS + "a", a.modRevision(), bytes("a2"));
        reopen();

        RecordingWatcher watcher = new RecordingWatcher();
        try (Store.Watch ignored = store.watch(PODS, 0, watcher)) {
            KeyValue a3 = store.update(PODS + "a", a2.modRevision(), bytes("a3"));
            assertThat(watcher.awaitEvents(3)).containsExactly(
                    new WatchEvent(WatchEvent.Type.CREATE, a, Optional.empty()),
                    new WatchEvent(WatchEvent.Type.UPDATE, a2, Optional.of(a)),
                    new WatchEvent(WatchEvent.Type.UPDATE, a3, Optional.of(a2)));
        }
    }

    @Test
    void replayLongerThanOnePageHasNoGaps() {
        int count = 1_300; // more than two replay pages
        for (int i = 0; i < count; i++) {
            store.create(PODS + i, bytes("v"));
        }
        RecordingWatcher watcher = new RecordingWatcher();
        try (Store.Watch ignored = store.watch(PODS, 0, watcher)) {
            store.create(PODS + "live", bytes("v"));
            List<WatchEvent> events = watcher.awaitEvents(count + 1);
            assertThat(events).hasSize(count + 1);
            for (int i = 0; i < events.size(); i++) {
                assertThat(events.get(i).revision()).isEqualTo(i + 1);
            }
        }
    }

    @Test
    void prefixUpperBoundCoversEveryKeyUnderThePrefix() {
        assertThat(SqliteStore.upperBound("/registry/pods/")).isEqualTo("/registry/pods0");
        // SQLite compares TEXT as UTF-8 bytes, so that is the order the bound must hold in.
        assertThat(utf8Compare("/registry/pods/\uffff", SqliteStore.upperBound("/registry/pods/"))).isNegative();
        assertThat(utf8Compare("\uffff", SqliteStore.upperBound(""))).isNegative();
        assertThat(utf8Compare("/registry/zzz", SqliteStore.upperBound(""))).isNegative();
    }

    private static int utf8Compare(String left, String right) {
        return java.util.Arrays.compareUnsigned(left.getBytes(StandardCharsets.UTF_8), right.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * kill -9 in the middle of a write stream: every write the child saw acknowledged must be in
     * the database afterwards.
     */
    @Test
    void acknowledgedWritesSurviveKillDashNine() throws Exception {
        store.close();
        store = null;
        Path file = directory.resolve("crash/state.db");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashingWriter.class.getName(), file.toString())
                .redirectError(directory.resolve("child.err").toFile())
                .start();
        Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        CountDownLatch enough = new CountDownLatch(300);
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    String[] parts = line.split(" ");
                    if (parts.length == 3 && parts[0].equals("ACK")) {
                        acknowledged.put(parts[1], Long.parseLong(parts[2]));
                        enough.countDown();
                    }
                }
            } catch (java.io.IOException ignored) {
                // the pipe breaks when the child dies; everything read so far counts
            }
        });
        boolean reached = enough.await(30, TimeUnit.SECONDS);
        child.destroyForcibly();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        reader.join(10_000);
        assertThat(reached).as("child acknowledged 300 writes; stderr: %s",
                Files.exists(directory.resolve("child.err")) ? Files.readString(directory.resolve("child.err")) : "").isTrue();
        assertThat(child.exitValue()).as("killed, not exited").isNotZero();

        try (Store reopened = SqliteStore.open(file)) {
            for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
                assertThat(reopened.get(ack.getKey())).as(ack.getKey())
                        .hasValueSatisfying(kv -> assertThat(kv.modRevision()).isEqualTo(ack.getValue()));
            }
            long highest = acknowledged.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            assertThat(reopened.currentRevision()).isGreaterThanOrEqualTo(highest);
        }
    }
}
