package dev.kapal.apiserver.metrics;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The API server's metrics under kube-apiserver's names and labels, plus Kapal's store latency.
 * The HTTP layer calls these from the request path; each call is a map lookup and an adder
 * increment.
 *
 * <p>Label values follow upstream so dashboards and alerts written for kube-apiserver match:
 * <ul>
 *   <li>{@code verb}: {@code GET LIST WATCH POST PUT PATCH APPLY DELETE DELETECOLLECTION CONNECT};</li>
 *   <li>{@code scope}: {@code resource} (one named object), {@code namespace}, {@code cluster}, or
 *       empty for non-resource paths;</li>
 *   <li>{@code group} empty for core; {@code resource} only ever a served resource (an unknown
 *       one goes in as empty, or the series would grow with every mistyped URL);</li>
 *   <li>{@code dry_run} {@code All} for dry-run requests, empty otherwise.</li>
 * </ul>
 */
public final class ApiMetrics {
    /** Upstream's buckets for {@code apiserver_request_duration_seconds}. */
    public static final double[] REQUEST_DURATION_BUCKETS = {
            0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60};

    /** Store latencies: an embedded store answers in microseconds, etcd in milliseconds. */
    public static final double[] STORE_DURATION_BUCKETS = {
            0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    /** The {@code component} label upstream sets for requests served by the API server itself. */
    public static final String COMPONENT = "apiserver";

    private final MetricsRegistry registry;
    private final Counter requests;
    private final Histogram requestDuration;
    private final Gauge longRunning;
    private final Gauge storageObjects;
    private final Histogram storeDuration;

    public ApiMetrics() {
        this(new MetricsRegistry());
    }

    /** Declares the families in {@code registry}, which may hold other families too. */
    public ApiMetrics(MetricsRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        requests = registry.counter("apiserver_request_total",
                "Requests served, by verb, dry run, group, version, resource, subresource, scope, component and HTTP status code.",
                "verb", "dry_run", "group", "version", "resource", "subresource", "scope", "component", "code");
        requestDuration = registry.histogram("apiserver_request_duration_seconds",
                "Time to answer a request in seconds, by verb, dry run, group, version, resource, subresource, scope and component.",
                REQUEST_DURATION_BUCKETS,
                "verb", "dry_run", "group", "version", "resource", "subresource", "scope", "component");
        longRunning = registry.gauge("apiserver_longrunning_requests",
                "Long-running requests (watches, exec, attach, port-forward, proxy) open now.",
                "verb", "group", "version", "resource", "subresource", "scope", "component");
        storageObjects = registry.gauge("apiserver_storage_objects",
                "Objects in storage at the last count, by resource.",
                "resource");
        storeDuration = registry.histogram("kapal_store_operation_duration_seconds",
                "Latency of operations on the datastore in seconds, by operation.",
                STORE_DURATION_BUCKETS, "operation");
    }

    public MetricsRegistry registry() {
        return registry;
    }

    /** Records one finished request that was not a dry run. */
    public void observeRequest(String verb, String group, String version, String resource, String subresource,
                               String scope, int code, long nanos) {
        observeRequest(verb, false, group, version, resource, subresource, scope, code, nanos);
    }

    /** Records one finished request: counted by status code, timed without it. */
    public void observeRequest(String verb, boolean dryRun, String group, String version, String resource,
                               String subresource, String scope, int code, long nanos) {
        String dryRunLabel = dryRun ? "All" : "";
        requests.labels(verb, dryRunLabel, group, version, resource, subresource, scope, COMPONENT, statusCode(code)).inc();
        requestDuration.labels(verb, dryRunLabel, group, version, resource, subresource, scope, COMPONENT).observeNanos(nanos);
    }

    /**
     * Counts a long-running request as open until the returned handle is closed (closing twice
     * counts once), so a watch that ends by error or by client disconnect is uncounted exactly once.
     */
    public LongRunning longRunningStarted(String verb, String group, String version, String resource,
                                          String subresource, String scope) {
        Gauge.Child gauge = longRunning.labels(verb, group, version, resource, subresource, scope, COMPONENT);
        gauge.inc();
        return new LongRunning(gauge);
    }

    /** A watch opened: {@link #longRunningStarted} with verb {@code WATCH}. */
    public LongRunning watchOpened(String group, String version, String resource, String scope) {
        return longRunningStarted("WATCH", group, version, resource, "", scope);
    }

    /** The number of stored objects of {@code resource} ({@code deployments.apps}, core plain {@code pods}). */
    public void setStorageObjects(String resource, long count) {
        storageObjects.labels(resource).set(count);
    }

    /** Records one datastore operation ({@code get}, {@code list}, {@code create}, {@code update}, {@code delete}, ...). */
    public void observeStore(String operation, long nanos) {
        storeDuration.labels(operation).observeNanos(nanos);
    }

    /** Everything in the registry as {@link MetricsRegistry#CONTENT_TYPE}. */
    public byte[] render() {
        return registry.render();
    }

    /** The API server's families, then what each source appends, in order. */
    public byte[] render(java.util.List<MetricsSource> sources) {
        if (sources.isEmpty()) {
            return render();
        }
        StringBuilder out = new StringBuilder(new String(render(), java.nio.charset.StandardCharsets.UTF_8));
        for (MetricsSource source : sources) {
            source.writeTo(out);
        }
        return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public String contentType() {
        return MetricsRegistry.CONTENT_TYPE;
    }

    /** Status codes as label values, without allocating for the common ones. */
    private static String statusCode(int code) {
        return switch (code) {
            case 200 -> "200";
            case 201 -> "201";
            case 202 -> "202";
            case 204 -> "204";
            case 304 -> "304";
            case 400 -> "400";
            case 401 -> "401";
            case 403 -> "403";
            case 404 -> "404";
            case 409 -> "409";
            case 422 -> "422";
            case 429 -> "429";
            case 500 -> "500";
            case 503 -> "503";
            case 504 -> "504";
            default -> Integer.toString(code);
        };
    }

    /** An open long-running request; close it when the request ends. */
    public static final class LongRunning implements AutoCloseable {
        private final Gauge.Child gauge;
        private final AtomicBoolean closed = new AtomicBoolean();

        LongRunning(Gauge.Child gauge) {
            this.gauge = gauge;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                gauge.dec();
            }
        }
    }
}
