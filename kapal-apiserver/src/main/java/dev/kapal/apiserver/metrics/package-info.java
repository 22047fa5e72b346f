/**
 * A small Prometheus registry without a client library: counters, gauges and histograms with
 * labels, cheap and thread-safe on the request path (striped adders, no locks), rendered in the
 * text exposition format 0.0.4 for {@code /metrics}. {@link dev.kapal.apiserver.metrics.ApiMetrics}
 * declares the API server's families under upstream's names so dashboards built for
 * kube-apiserver work unchanged.
 */
package dev.kapal.apiserver.metrics;
