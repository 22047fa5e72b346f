package dev.kapal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CompositionTest {
    private final List<String> events = new CopyOnWriteArrayList<>();

    /** A component that records what happens to it; readiness is completed by the test or at start. */
    private final class Recording implements Component {
        final String name;
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        final boolean readyAtStart;
        final RuntimeException failOnStart;

        Recording(String name, boolean readyAtStart, RuntimeException failOnStart) {
            this.name = name;
            this.readyAtStart = readyAtStart;
            this.failOnStart = failOnStart;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start() {
            events.add("start " + name);
            if (failOnStart != null) {
                throw failOnStart;
            }
            if (readyAtStart) {
                ready.complete(null);
            }
        }

        @Override
        public CompletableFuture<Void> ready() {
            return ready;
        }

        @Override
        public void close() {
            events.add("close " + name);
        }
    }

    @Test
    void startsBehindReadinessAndClosesInReverse() throws Exception {
        Recording store = new Recording("store", true, null);
        Recording api = new Recording("api", false, null);
        Recording controllers = new Recording("controllers", true, null);
        Composition composition = new Composition(List.of(store, api, controllers), () -> 1);

        CompletableFuture<Boolean> started = CompletableFuture.supplyAsync(() -> {
            try {
                return composition.start(new CompletableFuture<>());
            } catch (Exception failure) {
                throw new IllegalStateException(failure);
            }
        });
        Thread.sleep(100);
        assertThat(events).as("controllers wait for the API server's readiness").containsExactly("start store", "start api");

        api.ready.complete(null);
        assertThat(started.get(5, TimeUnit.SECONDS)).isTrue();
        composition.close();

        assertThat(events).containsExactly("start store", "start api", "start controllers",
                "close controllers", "close api", "close store");
    }

    @Test
    void aFailedStartClosesWhatStartedIncludingTheFailedOne() {
        Recording store = new Recording("store", true, null);
        Recording api = new Recording("api", false, new IllegalStateException("port in use"));
        Recording controllers = new Recording("controllers", true, null);
        Composition composition = new Composition(List.of(store, api, controllers), () -> 1);

        assertThatThrownBy(() -> composition.start(new CompletableFuture<>()))
                .isInstanceOf(Composition.StartupFailure.class)
                .hasMessage("api failed to start: port in use");
        composition.close();

        assertThat(events).containsExactly("start store", "start api", "close api", "close store");
    }

    @Test
    void readinessThatFailsIsAStartupFailure() {
        Recording api = new Recording("api", false, null);
        api.ready.completeExceptionally(new IllegalStateException("store unreachable"));
        Composition composition = new Composition(List.of(api), () -> 1);

        assertThatThrownBy(() -> composition.start(new CompletableFuture<>()))
                .hasMessage("api failed to start: store unreachable");
    }

    @Test
    void aStopDuringStartUpAbandonsTheRest() throws Exception {
        Recording store = new Recording("store", true, null);
        Recording api = new Recording("api", false, null);
        Recording controllers = new Recording("controllers", true, null);
        Composition composition = new Composition(List.of(store, api, controllers), () -> 1);
        CompletableFuture<String> stop = new CompletableFuture<>();

        CompletableFuture<Boolean> started = CompletableFuture.supplyAsync(() -> {
            try {
                return composition.start(stop);
            } catch (Exception failure) {
                throw new IllegalStateException(failure);
            }
        });
        // Stop while the API server is starting (not before the store started: that is another case).
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> events.contains("start api"));
        stop.complete("SIGTERM");

        assertThat(started.get(5, TimeUnit.SECONDS)).isFalse();
        composition.close();
        assertThat(events).containsExactly("start store", "start api", "close api", "close store");
    }
}
