package dev.kapal.apiserver.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.Json;
import dev.kapal.apiserver.registry.Conversion;
import java.util.List;
import java.util.Map;

/**
 * Conversions of the built-in resources served in two shapes over one storage: events
 * (events.k8s.io/v1 over core v1) and HorizontalPodAutoscalers (autoscaling/v1 over v2).
 * Field correspondences are upstream's; what a version cannot express is dropped, as upstream's
 * round trips through annotations are out of scope here.
 */
final class Conversions {
    private Conversions() {
    }

    /** events.k8s.io/v1 field ↔ core v1 field. */
    private static final Map<String, String> EVENT_FIELDS = Map.ofEntries(
            Map.entry("eventTime", "eventTime"),
            Map.entry("series", "series"),
            Map.entry("reportingController", "reportingComponent"),
            Map.entry("reportingInstance", "reportingInstance"),
            Map.entry("action", "action"),
            Map.entry("reason", "reason"),
            Map.entry("regarding", "involvedObject"),
            Map.entry("related", "related"),
            Map.entry("note", "message"),
            Map.entry("type", "type"),
            Map.entry("deprecatedSource", "source"),
            Map.entry("deprecatedFirstTimestamp", "firstTimestamp"),
            Map.entry("deprecatedLastTimestamp", "lastTimestamp"),
            Map.entry("deprecatedCount", "count"));

    static final Conversion EVENTS_V1 = new Conversion() {
        @Override
        public ObjectNode toStorage(ObjectNode served) {
            return rename(served, "v1", "Event", EVENT_FIELDS, false);
        }

        @Override
        public ObjectNode fromStorage(ObjectNode stored) {
            return rename(stored, "events.k8s.io/v1", "Event", EVENT_FIELDS, true);
        }
    };

    private static ObjectNode rename(ObjectNode source, String apiVersion, String kind, Map<String, String> servedToStored,
                                     boolean toServed) {
        ObjectNode result = Json.object();
        result.put("apiVersion", apiVersion);
        result.put("kind", kind);
        if (source.has("metadata")) {
            result.set("metadata", source.get("metadata"));
        }
        for (Map.Entry<String, String> entry : servedToStored.entrySet()) {
            String from = toServed ? entry.getValue() : entry.getKey();
            String to = toServed ? entry.getKey() : entry.getValue();
            JsonNode value = source.get(from);
            if (value != null && !value.isNull()) {
                result.set(to, value);
            }
        }
        return result;
    }

    /**
     * autoscaling/v1 over v2 storage: {@code targetCPUUtilizationPercentage} is the v2 resource
     * metric {@code cpu} with an Utilization target; the status' current CPU utilization likewise.
     */
    static final Conversion HPA_V1 = new Conversion() {
        @Override
        public ObjectNode toStorage(ObjectNode served) {
            ObjectNode stored = served.deepCopy();
            stored.put("apiVersion", "autoscaling/v2");
            ObjectNode spec = Json.objectAt(stored, "spec");
            JsonNode target = spec.remove("targetCPUUtilizationPercentage");
            if (target != null && !target.isNull()) {
                ArrayNode metrics = spec.putArray("metrics");
                ObjectNode metric = metrics.addObject();
                metric.put("type", "Resource");
                ObjectNode resource = metric.putObject("resource");
                resource.put("name", "cpu");
                ObjectNode metricTarget = resource.putObject("target");
                metricTarget.put("type", "Utilization");
                metricTarget.set("averageUtilization", target);
            }
            if (stored.path("status") instanceof ObjectNode status) {
                JsonNode current = status.remove("currentCPUUtilizationPercentage");
                if (current != null && !current.isNull()) {
                    ObjectNode metric = status.putArray("currentMetrics").addObject();
                    metric.put("type", "Resource");
                    ObjectNode resource = metric.putObject("resource");
                    resource.put("name", "cpu");
                    resource.putObject("current").set("averageUtilization", current);
                }
            }
            return stored;
        }

        @Override
        public ObjectNode fromStorage(ObjectNode stored) {
            ObjectNode served = stored.deepCopy();
            served.put("apiVersion", "autoscaling/v1");
            ObjectNode spec = Json.objectAt(served, "spec");
            JsonNode metrics = spec.remove("metrics");
            spec.remove("behavior");
            for (JsonNode metric : metrics == null ? List.<JsonNode>of() : iterable(metrics)) {
                JsonNode resource = metric.path("resource");
                if (metric.path("type").asText().equals("Resource") && resource.path("name").asText().equals("cpu")
                        && resource.path("target").has("averageUtilization")) {
                    spec.set("targetCPUUtilizationPercentage", resource.path("target").get("averageUtilization"));
                }
            }
            if (served.path("status") instanceof ObjectNode status) {
                JsonNode current = status.remove("currentMetrics");
                status.remove("conditions");
                for (JsonNode metric : current == null ? List.<JsonNode>of() : iterable(current)) {
                    JsonNode resource = metric.path("resource");
                    if (resource.path("name").asText().equals("cpu") && resource.path("current").has("averageUtilization")) {
                        status.set("currentCPUUtilizationPercentage", resource.path("current").get("averageUtilization"));
                    }
                }
            }
            return served;
        }
    };

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> items = new java.util.ArrayList<>();
        array.forEach(items::add);
        return items;
    }
}
