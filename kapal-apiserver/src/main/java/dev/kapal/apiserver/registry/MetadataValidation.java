package dev.kapal.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.StatusCause;
import dev.kapal.api.validation.Names;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks of {@code metadata} common to every kind, with upstream's field paths and messages. */
final class MetadataValidation {
    /** Upstream's limit on the total size of annotations. */
    static final int TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

    private MetadataValidation() {
    }

    static List<StatusCause> validate(ObjectNode object, Strategy strategy, boolean namespaced) {
        List<StatusCause> causes = new ArrayList<>();
        JsonNode metadata = object.path("metadata");
        String name = metadata.path("name").asText("");
        if (name.isEmpty()) {
            causes.add(new StatusCause("FieldValueRequired", "Required value: name or generateName is required", "metadata.name"));
        } else {
            for (String error : strategy.validateName(name)) {
                causes.add(StatusCause.invalid("metadata.name", name, error));
            }
        }
        String generateName = metadata.path("generateName").asText("");
        if (!generateName.isEmpty() && name.isEmpty()) {
            // Only reached when generation could not run; kept for completeness of the message.
            causes.add(StatusCause.invalid("metadata.generateName", generateName, "name could not be generated"));
        }
        String namespace = metadata.path("namespace").asText("");
        if (namespaced && namespace.isEmpty()) {
            causes.add(StatusCause.required("metadata.namespace"));
        }
        validateLabels(metadata.path("labels"), "metadata.labels", causes);
        validateAnnotations(metadata.path("annotations"), causes);
        validateFinalizers(metadata.path("finalizers"), causes);
        validateOwnerReferences(metadata.path("ownerReferences"), causes);
        return causes;
    }

    static void validateLabels(JsonNode labels, String path, List<StatusCause> causes) {
        if (labels.isMissingNode() || labels.isNull()) {
            return;
        }
        if (!labels.isObject()) {
            causes.add(StatusCause.invalid(path, labels.toString(), "must be a map of strings"));
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            for (String error : Names.qualifiedName(entry.getKey())) {
                causes.add(StatusCause.invalid(path, entry.getKey(), error));
            }
            String value = entry.getValue().isTextual() ? entry.getValue().asText() : entry.getValue().toString();
            for (String error : Names.labelValue(value)) {
                causes.add(StatusCause.invalid(path, value, error));
            }
        }
    }

    private static void validateAnnotations(JsonNode annotations, List<StatusCause> causes) {
        if (!annotations.isObject()) {
            return;
        }
        long total = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = annotations.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            for (String error : Names.qualifiedName(entry.getKey().toLowerCase())) {
                causes.add(StatusCause.invalid("metadata.annotations", entry.getKey(), error));
            }
            total += entry.getKey().getBytes(StandardCharsets.UTF_8).length
                    + entry.getValue().asText().getBytes(StandardCharsets.UTF_8).length;
        }
        if (total > TOTAL_ANNOTATION_SIZE_LIMIT) {
            causes.add(StatusCause.tooLong("metadata.annotations", TOTAL_ANNOTATION_SIZE_LIMIT));
        }
    }

    private static void validateFinalizers(JsonNode finalizers, List<StatusCause> causes) {
        if (!finalizers.isArray()) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < finalizers.size(); i++) {
            String finalizer = finalizers.get(i).asText("");
            String path = "metadata.finalizers[" + i + "]";
            for (String error : Names.qualifiedName(finalizer)) {
                causes.add(StatusCause.invalid(path, finalizer, error));
            }
            if (!seen.add(finalizer)) {
                causes.add(StatusCause.duplicate(path, finalizer));
            }
        }
        if (seen.contains("orphan") && seen.contains("foregroundDeletion")) {
            causes.add(StatusCause.invalid("metadata.finalizers", "foregroundDeletion",
                    "finalizer foregroundDeletion and orphan cannot be both set"));
        }
    }

    private static void validateOwnerReferences(JsonNode references, List<StatusCause> causes) {
        if (!references.isArray()) {
            return;
        }
        int controllers = 0;
        for (int i = 0; i < references.size(); i++) {
            JsonNode reference = references.get(i);
            String path = "metadata.ownerReferences[" + i + "]";
            for (String field : List.of("apiVersion", "kind", "name", "uid")) {
                if (reference.path(field).asText("").isEmpty()) {
                    causes.add(StatusCause.invalid(path + "." + field, "", field + " must not be empty"));
                }
            }
            if (reference.path("controller").asBoolean(false)) {
                controllers++;
            }
        }
        if (controllers > 1) {
            causes.add(StatusCause.invalid("metadata.ownerReferences", references.toString(),
                    "Only one reference can have Controller set to true"));
        }
    }
}
