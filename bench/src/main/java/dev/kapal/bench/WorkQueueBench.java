package dev.kapal.bench;

import dev.kapal.controllers.runtime.ObjectKey;
import dev.kapal.controllers.runtime.WorkQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The controllers' {@link WorkQueue} against a plain {@link LinkedBlockingQueue} baseline: one
 * add + take (+ done) per operation, each thread on its own keys, with 1 and 4 threads. The
 * ratio is the price of the queue's promises (deduplication, the processing set, delays).
 *
 * <pre>java -cp ... dev.kapal.bench.WorkQueueBench</pre> (about a minute)
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class WorkQueueBench {
    @State(Scope.Benchmark)
    public static class Queues {
        WorkQueue<ObjectKey> workQueue;
        LinkedBlockingQueue<ObjectKey> baseline;
        final AtomicInteger threadIds = new AtomicInteger();

        @Setup(Level.Iteration)
        public void setUp() {
            workQueue = new WorkQueue<>();
            baseline = new LinkedBlockingQueue<>();
        }

        @TearDown(Level.Iteration)
        public void tearDown() {
            workQueue.shutDown();
        }
    }

    /**
     * Every operation uses a key never used before: with a reused key, a worker preempted while
     * processing it lets its owner add it twice, which the queue rightly folds into one, and the
     * owner's take would then wait forever.
     */
    @State(Scope.Thread)
    public static class Keys {
        String namespace;
        long next;

        @Setup
        public void setUp(Queues queues) {
            namespace = "ns" + queues.threadIds.getAndIncrement();
        }

        ObjectKey next() {
            return new ObjectKey(namespace, Long.toString(next++));
        }
    }

    @Benchmark
    @Threads(1)
    public ObjectKey workQueueOneThread(Queues queues, Keys keys) throws InterruptedException {
        return addTakeDone(queues.workQueue, keys.next());
    }

    @Benchmark
    @Threads(4)
    public ObjectKey workQueueFourThreads(Queues queues, Keys keys) throws InterruptedException {
        return addTakeDone(queues.workQueue, keys.next());
    }

    @Benchmark
    @Threads(1)
    public ObjectKey baselineOneThread(Queues queues, Keys keys) throws InterruptedException {
        queues.baseline.add(keys.next());
        return queues.baseline.take();
    }

    @Benchmark
    @Threads(4)
    public ObjectKey baselineFourThreads(Queues queues, Keys keys) throws InterruptedException {
        queues.baseline.add(keys.next());
        return queues.baseline.take();
    }

    private static ObjectKey addTakeDone(WorkQueue<ObjectKey> queue, ObjectKey key) throws InterruptedException {
        queue.add(key);
        ObjectKey taken = queue.take().orElseThrow();
        queue.done(taken);
        return taken;
    }

    public static void main(String[] args) throws Exception {
        new Runner(new OptionsBuilder().include(WorkQueueBench.class.getSimpleName()).build()).run();
    }
}
