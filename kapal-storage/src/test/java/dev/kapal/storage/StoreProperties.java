package dev.kapal.storage;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property tests of the CAS and watch invariants, for any backend: random create/update/delete
 * sequences (with stale revisions mixed in) against a model map; the watch stream replayed must
 * rebuild exactly what {@code list} returns, at the latest and at every past revision.
 * Subclasses say how to open a store.
 */
public abstract class StoreProperties {
    private static final String PREFIX = "/registry/things/ns/";
    private static final String OTHER = "/registry/others/ns/";

    protected abstract Store openStore() throws Exception;

    /** One operation: kind, which key, whether to pass a wrong expected revision (never 0: that means unconditional). */
    record Op(Kind kind, int key, boolean otherPrefix, boolean stale, int value) {
        enum Kind { CREATE, UPDATE, DELETE, DELETE_UNCONDITIONAL }
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.of(Op.Kind.class),
                Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 5).map(i -> i == 0),
                Arbitraries.integers().between(0, 4).map(i -> i == 0),
                Arbitraries.integers().between(0, 1000)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 60)
    void watchStreamRebuildsWhatListReturns(@ForAll("operations") List<Op> ops) throws Exception {
        try (Store store = openStore()) {
            RecordingWatcher watcher = new RecordingWatcher();
            Store.Watch watch = store.watch(PREFIX, 0, watcher);
            Map<String, KeyValue> model = new HashMap<>();
            int writesUnderPrefix = 0;
            long lastRevision = 0;
            for (Op op : ops) {
                String key = (op.otherPrefix() ? OTHER : PREFIX) + "k" + op.key();
                byte[] value = ("v" + op.value()).getBytes(StandardCharsets.UTF_8);
                KeyValue current = model.get(key);
                long expected = current == null ? 1 : (op.stale() ? current.modRevision() + 1 : current.modRevision());
                Optional<KeyValue> result = apply(store, op.kind(), key, expected, value);
                boolean shouldSucceed = switch (op.kind()) {
                    case CREATE -> current == null;
                    case UPDATE, DELETE -> current != null && !op.stale();
                    case DELETE_UNCONDITIONAL -> current != null;
                };
                assertThat(result.isPresent()).as("%s of %s (model %s)", op.kind(), key, current).isEqualTo(shouldSucceed);
                if (result.isEmpty()) {
                    continue;
                }
                KeyValue written = result.get();
                assertThat(written.modRevision()).as("revisions strictly increase").isGreaterThan(lastRevision);
                lastRevision = written.modRevision();
                if (op.kind() == Op.Kind.CREATE || op.kind() == Op.Kind.UPDATE) {
                    model.put(key, written);
                } else {
                    model.remove(key);
                }
                if (key.startsWith(PREFIX)) {
                    writesUnderPrefix++;
                }
            }

            List<WatchEvent> events = watcher.awaitEvents(writesUnderPrefix);
            watch.close();
            assertThat(events).hasSize(writesUnderPrefix);

            // Replay the stream, checking each event's previous value against the replayed state,
            // and compare the state after every event with a list at that revision.
            Map<String, KeyValue> replayed = new TreeMap<>();
            long previousRevision = 0;
            for (WatchEvent event : events) {
                assertThat(event.revision()).isGreaterThan(previousRevision);
                previousRevision = event.revision();
                String key = event.current().key();
                assertThat(key).startsWith(PREFIX);
                assertThat(event.previous()).isEqualTo(Optional.ofNullable(replayed.get(key)));
                switch (event.type()) {
                    case CREATE, UPDATE -> replayed.put(key, event.current());
                    case DELETE -> replayed.remove(key);
                }
                assertThat(store.list(PREFIX, event.revision(), "", 0).items())
                        .as("list at %d", event.revision())
                        .containsExactlyElementsOf(replayed.values());
            }
            assertThat(store.list(PREFIX, 0, "", 0).items()).containsExactlyElementsOf(replayed.values());
            Map<String, KeyValue> expectedState = new TreeMap<>();
            model.forEach((key, kv) -> {
                if (key.startsWith(PREFIX)) {
                    expectedState.put(key, kv);
                }
            });
            assertThat(replayed).isEqualTo(expectedState);
        }
    }

    @Property(tries = 40)
    void pagesConcatenateToTheFullListAtOneRevision(@ForAll("operations") List<Op> ops,
                                                   @ForAll("pageSizes") int pageSize) throws Exception {
        try (Store store = openStore()) {
            for (Op op : ops) {
                String key = PREFIX + "k" + op.key() + "-" + op.value();
                if (store.get(key).isEmpty()) {
                    store.create(key, new byte[] {1});
                }
            }
            ListResult all = store.list(PREFIX, 0, "", 0);
            List<KeyValue> paged = new ArrayList<>();
            String after = "";
            while (true) {
                ListResult page = store.list(PREFIX, all.revision(), after, pageSize);
                paged.addAll(page.items());
                assertThat(page.remaining()).isEqualTo(all.items().size() - paged.size());
                if (!page.more()) {
                    break;
                }
                after = page.lastKey();
            }
            assertThat(paged).containsExactlyElementsOf(all.items());
        }
    }

    @Provide
    Arbitrary<Integer> pageSizes() {
        return Arbitraries.integers().between(1, 7);
    }

    private static Optional<KeyValue> apply(Store store, Op.Kind kind, String key, long expected, byte[] value) {
        try {
            return Optional.of(switch (kind) {
                case CREATE -> store.create(key, value);
                case UPDATE -> store.update(key, expected, value);
                case DELETE -> store.delete(key, expected);
                case DELETE_UNCONDITIONAL -> store.delete(key, 0);
            });
        } catch (StoreException.KeyExists | StoreException.KeyNotFound | StoreException.Conflict expectedFailure) {
            return Optional.empty();
        }
    }
}
