package dev.kapal.server;

import java.util.concurrent.CompletableFuture;

/**
 * One part of the running server (the datastore, the API server, later the controllers, the
 * scheduler, the agent), composed by {@link Composition}.
 *
 * <p>Contract: {@link #start()} is called once, on the composing thread, only after every
 * component before it is ready; it may return before the component is ready, which
 * {@link #ready()} then reports (completing exceptionally if it never will be). {@link #close()}
 * is called once, in reverse start order, also when {@code start()} failed or readiness never
 * came, so it must cope with a half-started component; it must not throw.
 */
public interface Component {

    /** A short lower-case name for log lines: {@code datastore}, {@code apiserver}. */
    String name();

    /** What to say about the ready component in its log line (an endpoint, a path); may be empty. */
    default String detail() {
        return "";
    }

    /** Starts the component; everything it depends on is ready. */
    void start() throws Exception;

    /** Completes when the next component may start. */
    CompletableFuture<Void> ready();

    /** Stops the component and releases what it holds. */
    void close();

    /** Completes {@code ready} as {@code source} completes: for components whose readiness is a part's. */
    static void completeWith(CompletableFuture<Void> ready, CompletableFuture<?> source) {
        source.whenComplete((ignored, failure) -> {
            if (failure != null) {
                ready.completeExceptionally(failure);
            } else {
                ready.complete(null);
            }
        });
    }

    /**
     * Closes the parts a component started, in the order given, skipping those never started
     * (null) and logging, not throwing, what fails to close: {@link #close()} must not throw.
     */
    static void closeAll(AutoCloseable... parts) {
        for (AutoCloseable part : parts) {
            if (part == null) {
                continue;
            }
            try {
                part.close();
            } catch (Exception failure) {
                org.slf4j.LoggerFactory.getLogger(Component.class).warn("closing {}: {}", part, failure.toString());
            }
        }
    }
}
