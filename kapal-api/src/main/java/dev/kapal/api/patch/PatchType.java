package dev.kapal.api.patch;

import dev.kapal.api.ApiException;
import dev.kapal.api.StatusReason;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The {@code PATCH} body formats Kubernetes accepts, by their {@code Content-Type}. */
public enum PatchType {
    JSON_PATCH("application/json-patch+json"),
    MERGE_PATCH("application/merge-patch+json"),
    STRATEGIC_MERGE_PATCH("application/strategic-merge-patch+json"),
    APPLY_PATCH("application/apply-patch+yaml");

    private final String mediaType;

    PatchType(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /**
     * The patch type of a {@code Content-Type} header; parameters such as {@code charset} are
     * ignored, as upstream cuts the header at the first {@code ;}.
     */
    public static Optional<PatchType> fromContentType(String contentType) {
        int semicolon = contentType.indexOf(';');
        String bare = (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType).trim().toLowerCase(Locale.ROOT);
        for (PatchType type : values()) {
            if (type.mediaType.equals(bare)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /**
     * The patch type of a request, or upstream's 415 listing what this resource accepts (custom
     * resources accept no strategic merge patch, so the list is per resource).
     */
    public static PatchType require(String contentType, List<PatchType> accepted) {
        Optional<PatchType> type = fromContentType(contentType).filter(accepted::contains);
        if (type.isPresent()) {
            return type.get();
        }
        StringBuilder message = new StringBuilder(
                "the body of the request was in an unknown format - accepted media types include: ");
        for (int i = 0; i < accepted.size(); i++) {
            if (i > 0) {
                message.append(", ");
            }
            message.append(accepted.get(i).mediaType);
        }
        throw new ApiException(StatusReason.UNSUPPORTED_MEDIA_TYPE, message.toString());
    }
}
