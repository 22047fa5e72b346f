/**
 * Patch engines for {@code PATCH} requests: the patch types and their media types, the
 * {@link dev.kapal.api.patch.Patcher} seam, RFC 6902 JSON patch, RFC 7386 merge patch, and
 * strategic merge patch ({@link dev.kapal.api.patch.StrategicMergePatch}) driven by per-type
 * patch metadata behind the {@link dev.kapal.api.patch.PatchMeta} seam (a built-in table today,
 * OpenAPI extensions later). Server-side apply plugs in behind the same seams later.
 */
package dev.kapal.api.patch;
