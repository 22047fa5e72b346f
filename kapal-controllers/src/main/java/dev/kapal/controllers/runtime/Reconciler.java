package dev.kapal.controllers.runtime;

/**
 * Brings the world in line with what one key's object asks for.
 *
 * <p>Contract: called by the controller's workers, never for the same key on two threads at
 * once (the {@link WorkQueue} promises that), but for different keys concurrently, so shared
 * state must be thread-safe. It reads desired state from informer caches (which may lag the
 * API server) and acts through the API. It must be idempotent: the same key may come again at
 * any time, for any reason. A thrown exception counts as {@link Result.Error}.
 */
@FunctionalInterface
public interface Reconciler<K> {
    Result reconcile(K key) throws Exception;
}
