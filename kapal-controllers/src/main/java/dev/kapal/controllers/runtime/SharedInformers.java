package dev.kapal.controllers.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The informers the controllers of one controller-manager term share, as kube-controller-manager's
 * shared informer factory: one watch and one cache per resource, however many controllers read it.
 *
 * <p>{@link #of(Class)} returns the all-namespaces informer of a type, creating it (not started)
 * on first use; {@link #shared(String, Supplier)} does the same for an informer of any shape
 * (a field selector, a generic resource) under a caller-chosen key. Controllers register their
 * event handlers before starting; {@link #start(SharedIndexInformer)} starts an informer once,
 * however often it is called, and returns the future of its first sync. {@link #close()} stops
 * every informer this object started or created; afterwards nothing starts again.
 *
 * <p>Informers started here never give up, as client-go's reflector: a first list that fails (the
 * API server not reachable yet, a list that times out under load) or a watch that breaks later is
 * retried with fabric8's exponential backoff (from the client's watch reconnect interval, 1 s by
 * default, doubling up to about half a minute), with a log line per failure, so the sync future
 * completes as soon as a list gets through. fabric8's own default would stop the informer after a
 * failed first list and fail the future, and the controllers waiting for it would never start.
 *
 * <p>Thread-safe.
 */
public final class SharedInformers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SharedInformers.class);

    private final KubernetesClient client;
    private final Map<String, SharedIndexInformer<?>> byKey = new LinkedHashMap<>();
    private final Map<SharedIndexInformer<?>, CompletableFuture<Void>> started = new IdentityHashMap<>();
    private boolean closed;

    public SharedInformers(KubernetesClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** The client the informers list and watch with. */
    public KubernetesClient client() {
        return client;
    }

    /** The shared informer over every object of {@code type} in all namespaces, without resync. */
    public <T extends HasMetadata> SharedIndexInformer<T> of(Class<T> type) {
        return shared(type.getName(), () -> client.resources(type).inAnyNamespace().runnableInformer(0));
    }

    /**
     * The informer registered under {@code key}, made by {@code factory} the first time (not
     * started). Two callers using one key must mean the same informer shape.
     */
    @SuppressWarnings("unchecked")
    public synchronized <T extends HasMetadata> SharedIndexInformer<T> shared(String key, Supplier<SharedIndexInformer<T>> factory) {
        if (closed) {
            throw new IllegalStateException("shared informers are closed");
        }
        return (SharedIndexInformer<T>) byKey.computeIfAbsent(key, ignored -> Objects.requireNonNull(factory.get(), "factory"));
    }

    /**
     * Starts {@code informer} unless started already; the future completes when it first synced
     * (fails if this object is closed). Any informer may be passed, also one not made here: it is
     * then stopped by {@link #close()} as well.
     */
    public synchronized CompletableFuture<Void> start(SharedIndexInformer<?> informer) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("shared informers are closed"));
        }
        return started.computeIfAbsent(informer, running -> startRetrying(running, describe(running)));
    }

    /**
     * Starts {@code informer} so that failures are retried with backoff instead of stopping it
     * (see the class comment); {@code what} names it in log lines. Must be called before the
     * informer starts. Returns the future of its first sync.
     */
    static CompletableFuture<Void> startRetrying(SharedIndexInformer<?> informer, String what) {
        AtomicInteger failures = new AtomicInteger();
        informer.exceptionHandler((wasSynced, failure) -> {
            int attempt = failures.incrementAndGet();
            if (wasSynced) {
                log.info("informer {}: watch failed, listing again with backoff: {}", what, describe(failure));
            } else {
                log.warn("informer {}: initial list failed (attempt {}), retrying with backoff: {}", what, attempt,
                        describe(failure));
            }
            return true;
        });
        return informer.start().toCompletableFuture();
    }

    private synchronized String describe(SharedIndexInformer<?> informer) {
        for (Map.Entry<String, SharedIndexInformer<?>> entry : byKey.entrySet()) {
            if (entry.getValue() == informer) {
                return entry.getKey();
            }
        }
        return informer.getApiTypeClass().getName();
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof java.util.concurrent.CompletionException || cause.getMessage() == null)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message.strip());
    }

    /** Stops every informer made or started here. */
    @Override
    public void close() {
        List<SharedIndexInformer<?>> stopping = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopping.addAll(byKey.values());
            for (SharedIndexInformer<?> informer : started.keySet()) {
                if (!stopping.contains(informer)) {
                    stopping.add(informer);
                }
            }
        }
        for (SharedIndexInformer<?> informer : stopping) {
            try {
                informer.close();
            } catch (RuntimeException failure) {
                log.debug("informer did not stop cleanly", failure);
            }
        }
    }
}
