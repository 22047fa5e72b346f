package dev.kapal.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The four promises of {@link WorkQueue}, one nested class each. */
class WorkQueueTest {
    private static final ObjectKey A = new ObjectKey("ns", "a");
    private static final ObjectKey B = new ObjectKey("ns", "b");

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final WorkQueue<ObjectKey> queue = new WorkQueue<>(
            new RateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(1000), 10, 100, now::get), now::get);

    @Nested
    class DeduplicatesWhileQueued {
        @Test
        void addingAQueuedKeyAgainDoesNothing() throws Exception {
            queue.add(A);
            queue.add(B);
            queue.add(A);
            assertThat(queue.length()).isEqualTo(2);
            assertThat(queue.take()).contains(A);
            assertThat(queue.take()).contains(B);
            assertThat(queue.length()).isZero();
        }

        @Test
        void keysComeOutInFirstAddedOrder() throws Exception {
            for (int i = 0; i < 5; i++) {
                queue.add(new ObjectKey("ns", "k" + i));
                queue.add(new ObjectKey("ns", "k0"));
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                names.add(queue.take().orElseThrow().name());
            }
            assertThat(names).containsExactly("k0", "k1", "k2", "k3", "k4");
        }
    }

    @Nested
    class NeverOneKeyOnTwoWorkers {
        @Test
        void aKeyAddedWhileProcessingIsQueuedAgainAfterDone() throws Exception {
            queue.add(A);
            assertThat(queue.take()).contains(A);
            queue.add(A);
            queue.add(A);
            assertThat(queue.length()).as("not handed out while processing").isZero();
            queue.done(A);
            assertThat(queue.length()).isEqualTo(1);
            assertThat(queue.take()).contains(A);
            queue.done(A);
            assertThat(queue.length()).isZero();
        }

        @Test
        void doneForAKeyNotProcessingFails() {
            assertThatThrownBy(() -> queue.done(A)).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void manyWorkersNeverProcessOneKeyConcurrentlyAndMissNoChange() throws Exception {
            WorkQueue<ObjectKey> real = new WorkQueue<>();
            int workers = 8;
            Map<ObjectKey, AtomicInteger> inFlight = new ConcurrentHashMap<>();
            AtomicInteger overlaps = new AtomicInteger();
            AtomicInteger processedA = new AtomicInteger();
            CountDownLatch aStarted = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        while (true) {
                            Optional<ObjectKey> taken = real.take();
                            if (taken.isEmpty()) {
                                return;
                            }
                            ObjectKey key = taken.get();
                            if (inFlight.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
                                overlaps.incrementAndGet();
                            }
                            if (key.equals(A) && processedA.incrementAndGet() == 1) {
                                aStarted.countDown();
                                release.await();
                            }
                            Thread.sleep(0, 100_000);
                            inFlight.get(key).decrementAndGet();
                            real.done(key);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            real.add(A);
            assertThat(aStarted.await(5, TimeUnit.SECONDS)).isTrue();
            // A is processing on one worker: adding it many times from many threads must not
            // hand it to another worker, and must queue it exactly once more.
            List<Thread> adders = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                adders.add(Thread.ofVirtual().start(() -> {
                    for (int n = 0; n < 1000; n++) {
                        real.add(A);
                        real.add(new ObjectKey("other", "k" + (n % 50)));
                    }
                }));
            }
            for (Thread adder : adders) {
                adder.join();
            }
            Thread.sleep(50);
            assertThat(processedA).hasValue(1);
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((real.length() > 0 || real.processing() > 0) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(processedA).as("once while processing, once more after done").hasValue(2);
            assertThat(overlaps).hasValue(0);
            assertThat(real.shutDownWithDrain(Duration.ofSeconds(5))).isTrue();
            for (Thread thread : threads) {
                thread.join(5000);
                assertThat(thread.isAlive()).isFalse();
            }
        }
    }

    @Nested
    class RateLimitedRetries {
        @Test
        void perKeyBackoffDoublesFromFiveMillisecondsAndForgetResetsIt() {
            RateLimiter<ObjectKey> limiter = new RateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(1000), 1e9, 1_000_000, now::get);
            assertThat(limiter.when(A)).isEqualTo(Duration.ofMillis(5));
            assertThat(limiter.when(A)).isEqualTo(Duration.ofMillis(10));
            assertThat(limiter.when(A)).isEqualTo(Duration.ofMillis(20));
            assertThat(limiter.when(B)).as("per key").isEqualTo(Duration.ofMillis(5));
            assertThat(limiter.retries(A)).isEqualTo(3);
            limiter.forget(A);
            assertThat(limiter.retries(A)).isZero();
            assertThat(limiter.when(A)).isEqualTo(Duration.ofMillis(5));
        }

        @Test
        void perKeyBackoffIsCappedAtOneThousandSeconds() {
            RateLimiter<ObjectKey> limiter = new RateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(1000), 1e9, 1_000_000, now::get);
            Duration last = Duration.ZERO;
            for (int i = 0; i < 100; i++) {
                last = limiter.when(A);
            }
            assertThat(last).isEqualTo(Duration.ofSeconds(1000));
        }

        @Test
        void overallBucketAllowsABurstOfOneHundredThenTenPerSecond() {
            RateLimiter<ObjectKey> limiter = RateLimiterTestAccess.withClock(now::get);
            for (int i = 0; i < 100; i++) {
                // Distinct keys: the per-key part stays at 5 ms, the bucket has tokens.
                assertThat(limiter.when(new ObjectKey("ns", "k" + i))).isEqualTo(Duration.ofMillis(5));
            }
            assertThat(limiter.when(new ObjectKey("ns", "k100"))).isEqualTo(Duration.ofMillis(100));
            assertThat(limiter.when(new ObjectKey("ns", "k101"))).isEqualTo(Duration.ofMillis(200));
            now.addAndGet(Duration.ofSeconds(60).toNanos());
            assertThat(limiter.when(new ObjectKey("ns", "k102"))).as("refilled").isEqualTo(Duration.ofMillis(5));
        }

        @Test
        void addRateLimitedQueuesTheKeyAfterTheBackoff() throws Exception {
            queue.addRateLimited(A);
            assertThat(queue.length()).isZero();
            now.addAndGet(Duration.ofMillis(4).toNanos());
            assertThat(takeWithin(Duration.ofMillis(20))).isEmpty();
            now.addAndGet(Duration.ofMillis(1).toNanos());
            assertThat(queue.take()).contains(A);
            queue.done(A);
            assertThat(queue.retries(A)).isEqualTo(1);
            queue.forget(A);
            assertThat(queue.retries(A)).isZero();
        }

        @Test
        void theEarliestOfSeveralDelaysWins() throws Exception {
            queue.addAfter(A, Duration.ofSeconds(10));
            queue.addAfter(A, Duration.ofSeconds(1));
            queue.addAfter(A, Duration.ofSeconds(5));
            now.addAndGet(Duration.ofSeconds(1).toNanos());
            assertThat(queue.take()).contains(A);
            queue.done(A);
            now.addAndGet(Duration.ofSeconds(20).toNanos());
            assertThat(takeWithin(Duration.ofMillis(20))).as("the later delays were folded into the first").isEmpty();
        }

        @Test
        void aWaitingTakerWakesForADelayedKeyInRealTime() throws Exception {
            WorkQueue<ObjectKey> real = new WorkQueue<>();
            long start = System.nanoTime();
            real.addAfter(A, Duration.ofMillis(50));
            assertThat(real.take()).contains(A);
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
        }
    }

    @Nested
    class CleanShutdown {
        @Test
        void waitingTakersReturnEmpty() throws Exception {
            CountDownLatch returned = new CountDownLatch(3);
            List<Optional<ObjectKey>> results = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int i = 0; i < 3; i++) {
                Thread.ofVirtual().start(() -> {
                    try {
                        results.add(queue.take());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    returned.countDown();
                });
            }
            Thread.sleep(20);
            queue.shutDown();
            assertThat(returned.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(results).containsOnly(Optional.empty());
        }

        @Test
        void addsAreIgnoredAndQueuedKeysDropped() throws Exception {
            queue.add(A);
            queue.addAfter(B, Duration.ofMillis(1));
            queue.shutDown();
            queue.add(B);
            assertThat(queue.isShutDown()).isTrue();
            assertThat(queue.length()).isZero();
            assertThat(queue.take()).isEmpty();
        }

        @Test
        void shutDownWithDrainWaitsForProcessingKeys() throws Exception {
            queue.add(A);
            assertThat(queue.take()).contains(A);
            AtomicInteger drained = new AtomicInteger();
            Thread drainer = Thread.ofVirtual().start(() -> {
                try {
                    drained.set(queue.shutDownWithDrain(Duration.ofSeconds(5)) ? 1 : 2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Thread.sleep(50);
            assertThat(drained).as("still processing A").hasValue(0);
            queue.add(A);
            queue.done(A);
            drainer.join(5000);
            assertThat(drained).hasValue(1);
            assertThat(queue.length()).as("A added during the drain is not queued").isZero();
        }

        @Test
        void shutDownWithDrainGivesUpAfterItsTimeout() throws Exception {
            queue.add(A);
            queue.take();
            assertThat(queue.shutDownWithDrain(Duration.ofMillis(20))).isFalse();
        }
    }

    /** Takes on a virtual thread, giving up after {@code timeout} (the fake clock never advances by itself). */
    private Optional<ObjectKey> takeWithin(Duration timeout) throws Exception {
        var result = new java.util.concurrent.CompletableFuture<Optional<ObjectKey>>();
        Thread taker = Thread.ofVirtual().start(() -> {
            try {
                result.complete(queue.take());
            } catch (InterruptedException e) {
                result.complete(Optional.empty());
            }
        });
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException nothing) {
            taker.interrupt();
            taker.join();
            Optional<ObjectKey> late = result.getNow(Optional.empty());
            late.ifPresent(queue::done);
            return late;
        }
    }
}
