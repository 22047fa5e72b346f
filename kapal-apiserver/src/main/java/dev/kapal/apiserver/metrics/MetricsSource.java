package dev.kapal.apiserver.metrics;

/**
 * Metric families another component of the same process keeps itself (the scheduler, the
 * controller manager), served at the API server's {@code /metrics} after the server's own. The
 * API server does not parse or check what a source writes.
 *
 * <p>Contract for implementations: append whole families in the Prometheus text format 0.0.4
 * ({@code # HELP} and {@code # TYPE} lines, then samples, every line ending in {@code \n}); use
 * family names no other source or the API server declares; leave families without samples out.
 * Called on every scrape from request threads, possibly concurrently: be thread-safe, quick and
 * non-blocking, and never throw.
 */
@FunctionalInterface
public interface MetricsSource {
    void writeTo(StringBuilder out);
}
