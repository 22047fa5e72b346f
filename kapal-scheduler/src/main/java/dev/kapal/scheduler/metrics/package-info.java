/**
 * The scheduler's metrics under kube-scheduler's names, kept here without a metrics library
 * (the scheduler depends on no server module) and rendered as Prometheus text for whoever serves
 * {@code /metrics}.
 */
package dev.kapal.scheduler.metrics;
