package dev.kapal.apiserver.printers;

import static dev.kapal.apiserver.printers.Cells.integer;
import static dev.kapal.apiserver.printers.Cells.items;
import static dev.kapal.apiserver.printers.Cells.number;
import static dev.kapal.apiserver.printers.Cells.present;
import static dev.kapal.apiserver.printers.Cells.string;
import static dev.kapal.apiserver.printers.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * HorizontalPodAutoscalers of {@code autoscaling/v2} and {@code v1}. Upstream prints the
 * internal (v2-shaped) object, so a v1 object's CPU target reads as one Resource metric.
 */
final class HorizontalPodAutoscalerPrinter implements TablePrinter {
    static final HorizontalPodAutoscalerPrinter INSTANCE = new HorizontalPodAutoscalerPrinter();

    private static final List<Column> COLUMNS = List.of(
            Column.objectName(),
            Column.text("Reference", "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count."),
            Column.text("Targets", "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).  The desired replica count is calculated multiplying the ratio between the target value and the current value by the current number of pods.  Ergo, metrics used must decrease as the pod count is increased, and vice-versa.  See the individual metric source types for more information about how each type of metric must respond."),
            Column.text("MinPods", "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.  It defaults to 1 pod.  minReplicas is allowed to be 0 if the alpha feature gate HPAScaleToZero is enabled and at least one Object or External metric is configured.  Scaling is active as long as at least one metric value is available."),
            Column.text("MaxPods", "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas."),
            Column.text("Replicas", "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."),
            Column.age());

    private HorizontalPodAutoscalerPrinter() {
    }

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public Row row(JsonNode autoscaler, Instant now) {
        JsonNode spec = autoscaler.path("spec");
        String reference = string(spec, "scaleTargetRef", "kind") + "/" + string(spec, "scaleTargetRef", "name");
        String minPods = present(spec, "minReplicas") ? Long.toString(number(spec, "minReplicas")) : "<unset>";
        return new Row(List.of(text(Cells.name(autoscaler)), text(reference), text(metrics(autoscaler)), text(minPods),
                integer(number(spec, "maxReplicas")), integer(number(autoscaler, "status", "currentReplicas")),
                Cells.age(autoscaler, now)));
    }

    /** {@code formatHPAMetrics}: up to two metrics, "current/target" each. */
    private static String metrics(JsonNode autoscaler) {
        JsonNode spec = autoscaler.path("spec");
        JsonNode status = autoscaler.path("status");
        if (!string(autoscaler, "apiVersion").equals("autoscaling/v2")
                && (present(spec, "targetCPUUtilizationPercentage") || !present(spec, "metrics"))) {
            return v1Metrics(spec, status);
        }
        List<JsonNode> specs = items(spec, "metrics");
        List<JsonNode> statuses = items(status, "currentMetrics");
        if (specs.isEmpty()) {
            return "<none>";
        }
        List<String> list = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            JsonNode metric = specs.get(i);
            JsonNode current = i < statuses.size() ? statuses.get(i) : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            list.add(switch (string(metric, "type")) {
                case "External" -> valueMetric(metric.path("external").path("target"), current.path("external").path("current"));
                case "Pods" -> quantityOr(current.path("pods").path("current").path("averageValue"), present(current, "pods"))
                        + "/" + CorePrinters.quantity(metric.path("pods").path("target").path("averageValue"));
                case "Object" -> valueMetric(metric.path("object").path("target"), current.path("object").path("current"));
                case "Resource" -> resourceMetric(metric.path("resource"), current.path("resource"));
                case "ContainerResource" -> resourceMetric(metric.path("containerResource"), current.path("containerResource"));
                default -> "<unknown type>";
            });
        }
        final int max = 2;
        if (list.size() > max) {
            return String.join(", ", list.subList(0, max)) + " + " + (list.size() - max) + " more...";
        }
        return String.join(", ", list);
    }

    private static String valueMetric(JsonNode target, JsonNode current) {
        if (present(target, "averageValue")) {
            String currentValue = present(current, "averageValue") ? CorePrinters.quantity(current.path("averageValue")) : "<unknown>";
            return currentValue + "/" + CorePrinters.quantity(target.path("averageValue")) + " (avg)";
        }
        String currentValue = current.isObject() ? CorePrinters.quantity(current.path("value")) : "<unknown>";
        return currentValue + "/" + CorePrinters.quantity(target.path("value"));
    }

    private static String resourceMetric(JsonNode source, JsonNode current) {
        String resource = string(source, "name");
        JsonNode target = source.path("target");
        if (present(target, "averageValue")) {
            String currentValue = current.isObject() ? CorePrinters.quantity(current.path("current").path("averageValue")) : "<unknown>";
            return resource + ": " + currentValue + "/" + CorePrinters.quantity(target.path("averageValue"));
        }
        String currentValue = present(current, "current", "averageUtilization")
                ? number(current, "current", "averageUtilization") + "%" : "<unknown>";
        String targetValue = present(target, "averageUtilization") ? number(target, "averageUtilization") + "%" : "<auto>";
        return resource + ": " + currentValue + "/" + targetValue;
    }

    private static String quantityOr(JsonNode quantity, boolean present) {
        return present ? CorePrinters.quantity(quantity) : "<unknown>";
    }

    /** autoscaling/v1: one CPU utilization target, converted as upstream's conversion does. */
    private static String v1Metrics(JsonNode spec, JsonNode status) {
        if (!present(spec, "targetCPUUtilizationPercentage")) {
            return "<none>";
        }
        String current = present(status, "currentCPUUtilizationPercentage")
                ? number(status, "currentCPUUtilizationPercentage") + "%" : "<unknown>";
        return "cpu: " + current + "/" + number(spec, "targetCPUUtilizationPercentage") + "%";
    }
}
