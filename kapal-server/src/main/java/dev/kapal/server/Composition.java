package dev.kapal.server;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts components one after another, each behind the readiness of the one before (store ready,
 * then API server ready, then whatever needs the API), and closes them in reverse order.
 * One log line per component says when it became ready, in milliseconds since launch.
 */
final class Composition implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("kapal");

    private final List<Component> components;
    private final LongSupplier millisSinceLaunch;
    private final Deque<Component> started = new ArrayDeque<>();

    /** Thrown when a component cannot start or will never be ready. */
    static final class StartupFailure extends Exception {
        private final transient Component component;

        StartupFailure(Component component, Throwable cause) {
            super(component.name() + " failed to start: " + describe(cause), cause);
            this.component = component;
        }

        Component component() {
            return component;
        }
    }

    Composition(List<Component> components, LongSupplier millisSinceLaunch) {
        this.components = List.copyOf(components);
        this.millisSinceLaunch = Objects.requireNonNull(millisSinceLaunch, "millisSinceLaunch");
    }

    /**
     * Starts every component in order, waiting for each to be ready before starting the next.
     *
     * @param stop completing it abandons start-up (a signal arrived); what started is still
     *             closed by {@link #close()}
     * @return true when all components are ready, false when {@code stop} came first
     * @throws StartupFailure if a component failed to start or to become ready
     */
    boolean start(CompletableFuture<?> stop) throws StartupFailure, InterruptedException {
        for (Component component : components) {
            if (stop.isDone()) {
                return false;
            }
            started.push(component);
            try {
                component.start();
            } catch (Exception | LinkageError failure) {
                throw new StartupFailure(component, failure);
            }
            try {
                CompletableFuture.anyOf(component.ready(), stop).get();
            } catch (ExecutionException | CancellationException ignored) {
                // Examined below: only the component's own readiness decides success.
            }
            if (!component.ready().isDone()) {
                return false;
            }
            try {
                component.ready().join();
            } catch (CompletionException | CancellationException failure) {
                throw new StartupFailure(component, unwrap(failure));
            }
            String detail = component.detail();
            log.info("{} ready{} in {} ms", component.name(), detail.isEmpty() ? "" : " (" + detail + ")",
                    millisSinceLaunch.getAsLong());
        }
        return true;
    }

    /** Closes what was started, newest first; a failing close is logged and the rest still close. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            Component component = started.pop();
            try {
                component.close();
                log.debug("{} stopped", component.name());
            } catch (RuntimeException failure) {
                log.warn("{} did not stop cleanly: {}", component.name(), describe(failure));
            }
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** One line for a log: the message, or the exception type when there is none. */
    static String describe(Throwable failure) {
        Throwable cause = unwrap(failure);
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message.strip();
    }
}
