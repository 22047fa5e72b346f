package dev.kapal.kubelet;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one piece of work on an executor on request, coalescing requests: never two runs at once,
 * requests made while queued are absorbed by that run, and a request made while running causes
 * exactly one more run afterwards. So the work always sees the newest state, and a pod or node
 * with a burst of changes costs one queued task, however many changes came in.
 */
final class SerialTask {
    private static final int IDLE = 0;
    private static final int QUEUED_OR_RUNNING = 1;
    private static final int RERUN = 2;

    private final Executor executor;
    private final Runnable work;
    private final AtomicInteger state = new AtomicInteger();

    SerialTask(Executor executor, Runnable work) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.work = Objects.requireNonNull(work, "work");
    }

    void request() {
        while (true) {
            int current = state.get();
            if (current == RERUN) {
                return;
            }
            if (state.compareAndSet(current, current == IDLE ? QUEUED_OR_RUNNING : RERUN)) {
                if (current == IDLE) {
                    try {
                        executor.execute(this::runLoop);
                    } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                        state.set(IDLE);
                    }
                }
                return;
            }
        }
    }

    private void runLoop() {
        do {
            state.set(QUEUED_OR_RUNNING);
            try {
                work.run();
            } catch (RuntimeException failure) {
                org.slf4j.LoggerFactory.getLogger(SerialTask.class).warn("{} failed", work, failure);
            }
        } while (!state.compareAndSet(QUEUED_OR_RUNNING, IDLE));
    }
}
