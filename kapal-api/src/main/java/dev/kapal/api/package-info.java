/**
 * API machinery shared by every Kapal component: group/version/kind/resource names, the
 * resource catalogue entry, Kubernetes {@code Status} errors, and the JSON/YAML codecs.
 *
 * <p>Objects travel through the API server as Jackson trees ({@code ObjectNode}), so built-in
 * kinds and custom resources share one code path.
 */
package dev.kapal.api;
