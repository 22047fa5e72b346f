/**
 * Patch engines for {@code PATCH} requests: the patch types and their media types, the
 * {@link dev.kapal.api.patch.Patcher} seam, RFC 6902 JSON patch and RFC 7386 merge patch.
 * Strategic merge patch and server-side apply need per-kind schema data and plug in behind the
 * same seam later.
 */
package dev.kapal.api.patch;
