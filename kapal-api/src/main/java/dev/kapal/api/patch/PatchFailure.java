package dev.kapal.api.patch;

/**
 * A well-formed patch that does not apply. Internal: it becomes a {@link JsonPatch.Result.Failed}
 * or a 422 at the package boundary, so the reason can be logged while the client gets upstream's
 * generic message.
 */
final class PatchFailure extends RuntimeException {
    PatchFailure(String message) {
        super(message, null, false, false);
    }
}
