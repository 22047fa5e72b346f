package dev.kapal.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The controller's retry policy and lifecycle, with a hand-written reconciler and no informers. */
class ControllerTest {
    private static final ObjectKey A = new ObjectKey("ns", "a");

    /** Records calls and answers with a scripted function of the call number. */
    private static final class ScriptedReconciler implements Reconciler<ObjectKey> {
        final Map<ObjectKey, AtomicInteger> calls = new ConcurrentHashMap<>();
        final List<Long> callTimes = new CopyOnWriteArrayList<>();
        final AtomicInteger concurrent = new AtomicInteger();
        final AtomicInteger maxConcurrentPerKey = new AtomicInteger();
        final Map<ObjectKey, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        volatile Function<Integer, Result> script = call -> Result.done();
        volatile Duration work = Duration.ZERO;

        @Override
        public Result reconcile(ObjectKey key) throws Exception {
            int running = inFlight.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            maxConcurrentPerKey.accumulateAndGet(running, Math::max);
            try {
                callTimes.add(System.nanoTime());
                int call = calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                if (!work.isZero()) {
                    Thread.sleep(work);
                }
                return script.apply(call);
            } finally {
                inFlight.get(key).decrementAndGet();
            }
        }

        int calls(ObjectKey key) {
            return calls.getOrDefault(key, new AtomicInteger()).get();
        }
    }

    private final ScriptedReconciler reconciler = new ScriptedReconciler();
    private Controller<ObjectKey> controller;

    private Controller<ObjectKey> start(int workers) throws Exception {
        controller = Controller.builder("test", reconciler).workers(workers).build();
        controller.start();
        controller.synced().get(5, TimeUnit.SECONDS);
        return controller;
    }

    @AfterEach
    void close() {
        if (controller != null) {
            controller.close();
        }
    }

    @Test
    void doneReconcilesOnceAndForgetsTheKey() throws Exception {
        start(2);
        controller.enqueue(A);
        await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.calls(A) == 1);
        Thread.sleep(50);
        assertThat(reconciler.calls(A)).isEqualTo(1);
        assertThat(controller.queue().retries(A)).isZero();
    }

    @Test
    void errorsAreRetriedWithGrowingBackoffUntilSuccessThenForgotten() throws Exception {
        reconciler.script = call -> call <= 4 ? Result.error(new IllegalStateException("not yet")) : Result.done();
        start(1);
        controller.enqueue(A);
        await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.calls(A) == 5);
        await().atMost(Duration.ofSeconds(1)).until(() -> controller.queue().retries(A) == 0);
        // Gaps of about 5, 10, 20, 40 ms: each at least the backoff, growing.
        List<Long> times = reconciler.callTimes;
        for (int i = 1; i < times.size(); i++) {
            long gap = times.get(i) - times.get(i - 1);
            assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(5L << (i - 1)).toNanos());
        }
        assertThat(controller.failures()).isEqualTo(4);
    }

    @Test
    void thrownExceptionsCountAsErrors() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        controller = Controller.<ObjectKey>builder("throws", key -> {
            if (calls.incrementAndGet() < 3) {
                throw new java.io.IOException("connection refused");
            }
            return Result.done();
        }).build();
        controller.start();
        controller.synced().get(5, TimeUnit.SECONDS);
        controller.enqueue(A);
        await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 3);
        assertThat(controller.failures()).isEqualTo(2);
    }

    @Test
    void requeueAfterComesBackAfterTheDelay() throws Exception {
        reconciler.script = call -> call == 1 ? Result.requeueAfter(Duration.ofMillis(200)) : Result.done();
        start(1);
        controller.enqueue(A);
        await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.calls(A) == 2);
        long gap = reconciler.callTimes.get(1) - reconciler.callTimes.get(0);
        assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(controller.failures()).isZero();
    }

    @Test
    void oneKeyIsNeverReconciledConcurrentlyAndChangesDuringWorkAreNotLost() throws Exception {
        // Long enough that all the adds below surely land while the first reconcile runs, even on
        // a loaded machine (with a short one, a later add could start a legitimate third reconcile).
        reconciler.work = Duration.ofMillis(1500);
        start(4);
        controller.enqueue(A);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> reconciler.calls(A) == 1);
        for (int i = 0; i < 100; i++) {
            controller.enqueue(A);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.calls(A) == 2);
        Thread.sleep(1700);
        assertThat(reconciler.calls(A)).isEqualTo(2);
        assertThat(reconciler.maxConcurrentPerKey).hasValue(1);
    }

    @Test
    void differentKeysRunInParallelOnTheWorkers() throws Exception {
        reconciler.work = Duration.ofMillis(300);
        start(4);
        long startedAt = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            controller.enqueue(new ObjectKey("ns", "k" + i));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.callTimes.size() == 4);
        assertThat(reconciler.callTimes.get(3) - startedAt).isLessThan(Duration.ofMillis(250).toNanos());
    }

    @Test
    void closeStopsTheWorkersAndLaterKeysAreIgnored() throws Exception {
        start(2);
        controller.close();
        controller.enqueue(A);
        Thread.sleep(50);
        assertThat(reconciler.calls(A)).isZero();
        assertThat(controller.queue().isShutDown()).isTrue();
    }
}
