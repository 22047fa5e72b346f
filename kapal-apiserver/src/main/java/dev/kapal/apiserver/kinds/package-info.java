/**
 * The built-in Kubernetes kinds as data: {@link dev.kapal.apiserver.kinds.BuiltinKinds#all()} is
 * the catalogue the API server registers at start-up (in discovery order), and each entry carries
 * a strategy that reproduces upstream's defaulting, validation and create/update preparation for
 * that kind.
 *
 * <p>Strategies are assembled from shared pieces rather than written per kind: a pod spec
 * defaulter and validator ({@code PodSpecs}) serves pods, pod templates and every workload
 * template; {@code KindStrategy} turns a few lambdas and a list of selectable fields into a
 * {@link dev.kapal.apiserver.registry.Strategy}. Messages and field paths are upstream's, so the
 * {@code Status} a client receives reads as if Kubernetes had sent it.
 */
package dev.kapal.apiserver.kinds;
