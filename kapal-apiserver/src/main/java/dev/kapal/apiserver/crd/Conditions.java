package dev.kapal.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.Json;
import dev.kapal.apiserver.registry.ResourceStore;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/** CRD status conditions ({@code NamesAccepted}, {@code Established}, {@code Terminating}). */
final class Conditions {
    static final String NAMES_ACCEPTED = "NamesAccepted";
    static final String ESTABLISHED = "Established";
    static final String TERMINATING = "Terminating";

    /** One condition without its transition time, which {@link #set} manages. */
    record Condition(String type, String status, String reason, String message) {
        Condition {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }

        boolean isTrue() {
            return status.equals("True");
        }
    }

    private Conditions() {
    }

    static Condition terminating(String status, String reason, String message) {
        return new Condition(TERMINATING, status, reason, message);
    }

    /** The condition of {@code type} in {@code status.conditions}, if present. */
    static Optional<Condition> find(JsonNode crd, String type) {
        for (JsonNode condition : crd.path("status").path("conditions")) {
            if (condition.path("type").asText().equals(type)) {
                return Optional.of(new Condition(type, condition.path("status").asText(""),
                        condition.path("reason").asText(""), condition.path("message").asText("")));
            }
        }
        return Optional.empty();
    }

    static boolean isTrue(JsonNode crd, String type) {
        return find(crd, type).map(Condition::isTrue).orElse(false);
    }

    /**
     * Sets a condition, as upstream's SetCRDCondition: the transition time moves only when the
     * status changes; reason and message are replaced.
     */
    static void set(ObjectNode crd, Condition condition, Clock clock) {
        ObjectNode status = Json.objectAt(crd, "status");
        ArrayNode conditions = status.has("conditions") && status.get("conditions").isArray()
                ? (ArrayNode) status.get("conditions") : status.putArray("conditions");
        for (JsonNode existing : conditions) {
            if (existing.path("type").asText().equals(condition.type())) {
                ObjectNode node = (ObjectNode) existing;
                if (!node.path("status").asText().equals(condition.status())) {
                    node.put("status", condition.status());
                    node.put("lastTransitionTime", ResourceStore.timestamp(clock.instant()));
                }
                node.put("reason", condition.reason());
                node.put("message", condition.message());
                return;
            }
        }
        ObjectNode node = conditions.addObject();
        node.put("type", condition.type());
        node.put("status", condition.status());
        node.put("lastTransitionTime", ResourceStore.timestamp(clock.instant()));
        node.put("reason", condition.reason());
        node.put("message", condition.message());
    }
}
