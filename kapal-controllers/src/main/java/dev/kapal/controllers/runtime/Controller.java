package dev.kapal.controllers.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One controller: informers whose event handlers only turn objects into keys and add them to a
 * {@link WorkQueue}, and worker virtual threads that take keys, call the {@link Reconciler} and
 * act on its {@link Result} in one place ({@link #handle}).
 *
 * <p>Lifecycle: {@link #start()} once; it starts the informers and, only when every one of
 * them has synced (listed once, so the caches hold the world), the workers; {@link #synced()}
 * completes then. {@link #close()} stops taking keys, waits a little for the reconciles under
 * way, stops the informers, and may be called in any state. A closed controller does not
 * start again; build a new one.
 */
public final class Controller<K> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Controller.class);
    /** How long close waits for reconciles under way before interrupting them. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

    private final String name;
    private final Reconciler<K> reconciler;
    private final WorkQueue<K> queue;
    private final int workers;
    private final List<SharedIndexInformer<?>> informers;
    /** Starts (and, when the set closes, stops) the informers; null: this controller owns them. */
    private final SharedInformers shared;
    /** Closed after the workers stopped (event recorders and the like). */
    private final List<AutoCloseable> resources;
    private final CompletableFuture<Void> synced = new CompletableFuture<>();
    private final List<Thread> workerThreads = new ArrayList<>();
    private final AtomicLong reconciles = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean closed;

    private Controller(Builder<K> builder) {
        this.name = builder.name;
        this.reconciler = builder.reconciler;
        this.queue = builder.queue != null ? builder.queue : new WorkQueue<>();
        this.workers = builder.workers;
        this.informers = List.copyOf(builder.informers);
        this.shared = builder.shared;
        this.resources = List.copyOf(builder.resources);
    }

    public static <K> Builder<K> builder(String name, Reconciler<K> reconciler) {
        return new Builder<>(name, reconciler);
    }

    /** Builds a controller: name, reconciler, informers with their key functions, worker count. */
    public static final class Builder<K> {
        private final String name;
        private final Reconciler<K> reconciler;
        private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
        private WorkQueue<K> queue;
        private SharedInformers shared;
        private final List<AutoCloseable> resources = new ArrayList<>();
        private int workers = 1;

        private Builder(String name, Reconciler<K> reconciler) {
            this.name = Objects.requireNonNull(name, "name");
            this.reconciler = Objects.requireNonNull(reconciler, "reconciler");
        }

        /** Number of worker virtual threads (default 1). */
        public Builder<K> workers(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("a controller needs at least one worker");
            }
            this.workers = count;
            return this;
        }

        /** The queue to use (default: a new one with client-go's rate limiter). */
        public Builder<K> queue(WorkQueue<K> value) {
            this.queue = Objects.requireNonNull(value, "queue");
            return this;
        }

        /**
         * The shared informer set the watched informers come from: the controller starts them
         * through it (once for all controllers) and leaves stopping them to it. Without one, the
         * controller starts and stops its informers itself.
         */
        public Builder<K> informers(SharedInformers value) {
            this.shared = Objects.requireNonNull(value, "informers");
            return this;
        }

        /** {@link #informers(SharedInformers)} of {@code context}. */
        public Builder<K> context(ControllerContext context) {
            return informers(context.informers());
        }

        /**
         * Watches {@code informer} (not yet started; the controller starts and stops it): every
         * added, updated (old and new state) and deleted object is mapped by {@code keys} to the
         * keys to enqueue. {@code keys} runs on the informer's thread and must be cheap.
         */
        public <T extends HasMetadata> Builder<K> watch(SharedIndexInformer<T> informer, Function<? super T, Stream<K>> keys) {
            informers.add(informer);
            pending.add(new Binding<>(informer, keys));
            return this;
        }

        /**
         * Watches {@code informer} with a handler of the caller's (not yet started; the controller
         * starts it), for controllers whose handlers must know the kind of event, such as ones
         * that lower {@link Expectations} on adds and deletes. The handler runs on the informer's
         * thread: it only records observations and enqueues keys (through {@link #queue} given to
         * this builder, or {@link Controller#enqueue}).
         */
        public <T extends HasMetadata> Builder<K> handle(SharedIndexInformer<T> informer, ResourceEventHandler<T> handler) {
            informers.add(informer);
            informer.addEventHandler(Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /**
         * Something the reconciler owns (an {@link EventRecorder}, say) that {@link Controller#close()}
         * closes once the workers have stopped, in the order given.
         */
        public Builder<K> closes(AutoCloseable resource) {
            resources.add(Objects.requireNonNull(resource, "resource"));
            return this;
        }

        private final List<Binding<?, K>> pending = new ArrayList<>();

        public Controller<K> build() {
            Controller<K> controller = new Controller<>(this);
            for (Binding<?, K> binding : pending) {
                binding.attach(controller.queue);
            }
            return controller;
        }
    }

    private record Binding<T extends HasMetadata, K>(SharedIndexInformer<T> informer, Function<? super T, Stream<K>> keys) {
        void attach(WorkQueue<K> queue) {
            informer.addEventHandler(new ResourceEventHandler<T>() {
                @Override
                public void onAdd(T object) {
                    keys.apply(object).forEach(queue::add);
                }

                @Override
                public void onUpdate(T oldObject, T newObject) {
                    keys.apply(newObject).forEach(queue::add);
                    keys.apply(oldObject).forEach(queue::add);
                }

                @Override
                public void onDelete(T object, boolean finalStateUnknown) {
                    keys.apply(object).forEach(queue::add);
                }
            });
        }
    }

    public String name() {
        return name;
    }

    /**
     * Starts the informers (through the shared set if one was given), then the workers once all
     * have synced. Informers whose first list fails retry with backoff (see {@link SharedInformers}),
     * so {@link #synced()} completes once the API server answers, however late.
     */
    public void start() {
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (SharedIndexInformer<?> informer : informers) {
            starts.add(shared != null ? shared.start(informer) : SharedInformers.startRetrying(informer, name));
        }
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) -> {
            if (failure != null) {
                synced.completeExceptionally(failure);
                return;
            }
            startWorkers();
        });
    }

    private synchronized void startWorkers() {
        if (closed) {
            synced.cancel(false);
            return;
        }
        for (int i = 0; i < workers; i++) {
            workerThreads.add(Thread.ofVirtual().name("controller-" + name + "-" + i).start(this::work));
        }
        synced.complete(null);
        log.debug("controller {} synced; {} workers", name, workers);
    }

    /** Completes when every informer has synced and the workers run. */
    public CompletableFuture<Void> synced() {
        return synced;
    }

    /** Adds {@code key} to the queue, as an event handler would. */
    public void enqueue(K key) {
        queue.add(key);
    }

    /** The queue (for metrics: depth, retries). */
    public WorkQueue<K> queue() {
        return queue;
    }

    /** How many reconciles ran, and how many of them failed. */
    public long reconciles() {
        return reconciles.get();
    }

    public long failures() {
        return failures.get();
    }

    private void work() {
        while (true) {
            K key;
            try {
                var taken = queue.take();
                if (taken.isEmpty()) {
                    return;
                }
                key = taken.get();
            } catch (InterruptedException interrupted) {
                return;
            }
            try {
                handle(key, reconcileSafely(key));
            } finally {
                queue.done(key);
            }
        }
    }

    private Result reconcileSafely(K key) {
        reconciles.incrementAndGet();
        try {
            return Objects.requireNonNull(reconciler.reconcile(key), "reconcile returned null");
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return Result.error(interrupted);
        } catch (Exception | LinkageError | AssertionError failure) {
            return Result.error(failure);
        }
    }

    /** The retry policy, all of it. */
    private void handle(K key, Result result) {
        switch (result) {
            case Result.Done done -> queue.forget(key);
            case Result.RequeueAfter requeue -> {
                queue.forget(key);
                queue.addAfter(key, requeue.delay());
            }
            case Result.Error error -> {
                failures.incrementAndGet();
                if (!closed) {
                    log.info("controller {}: reconciling {} failed (retry {}): {}", name, key, queue.retries(key) + 1,
                            describe(error.cause()));
                    log.debug("reconcile failure", error.cause());
                }
                queue.addRateLimited(key);
            }
        }
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message.strip();
    }

    @Override
    public void close() {
        List<Thread> threads;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            threads = List.copyOf(workerThreads);
        }
        try {
            if (!queue.shutDownWithDrain(DRAIN_TIMEOUT)) {
                log.warn("controller {}: reconciles still running after {}; interrupting them", name, DRAIN_TIMEOUT);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        threads.forEach(Thread::interrupt);
        for (SharedIndexInformer<?> informer : shared != null ? List.<SharedIndexInformer<?>>of() : informers) {
            try {
                informer.close();
            } catch (RuntimeException failure) {
                log.debug("controller {}: informer did not stop cleanly", name, failure);
            }
        }
        for (Thread thread : threads) {
            try {
                thread.join(DRAIN_TIMEOUT.toMillis());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception failure) {
                log.debug("controller {}: a resource did not close cleanly", name, failure);
            }
        }
        synced.cancel(false);
    }
}
