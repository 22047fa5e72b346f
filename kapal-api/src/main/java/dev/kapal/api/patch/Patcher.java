package dev.kapal.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Applies one {@code PATCH} body to the current object.
 *
 * <p>Contract: {@code original} is never modified (the caller may still hold it, e.g. from the
 * watch cache); the result is a new tree. Failures are {@link dev.kapal.api.ApiException}s with
 * upstream's codes: 400 {@code BadRequest} when the body cannot be read as a patch of this type,
 * 413 when it has too many operations, 422 {@code Invalid} when a well-formed patch does not
 * apply to this object. The result is not validated; the API server runs the kind's defaulting
 * and validation on it as on an update.
 *
 * <p>JSON patch and merge patch are schema-free and available from {@link #of(PatchType)}.
 * Strategic merge patch needs per-kind patch metadata ({@link StrategicMergePatch} with a
 * {@link PatchMeta}); server-side apply will need field ownership as well. Neither is schema-free,
 * so neither is offered here.
 */
@FunctionalInterface
public interface Patcher {
    JsonNode apply(JsonNode original, byte[] patchBody);

    /** The schema-free patcher of a patch type, if it has one. */
    static Optional<Patcher> of(PatchType type) {
        return switch (type) {
            case JSON_PATCH -> Optional.of(JsonPatch::apply);
            case MERGE_PATCH -> Optional.of(MergePatch::apply);
            case STRATEGIC_MERGE_PATCH, APPLY_PATCH -> Optional.empty();
        };
    }
}
