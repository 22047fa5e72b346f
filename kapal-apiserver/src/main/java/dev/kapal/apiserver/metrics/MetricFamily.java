package dev.kapal.apiserver.metrics;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A named metric with help text and label names, holding one series per distinct label-value
 * tuple. Series are created on first use and live as long as the registry, so label values must
 * come from a bounded set (registered resources, verbs, status codes), never from raw URLs.
 */
public sealed interface MetricFamily permits LabelledFamily {
    Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    String name();

    String help();

    List<String> labelNames();

    /** A point-in-time copy of the series, keyed by label values. */
    Map<List<String>, ?> series();

    static void validate(String name, List<String> labelNames) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid metric name: " + name);
        }
        for (String label : labelNames) {
            if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
                throw new IllegalArgumentException("invalid label name " + label + " of " + name);
            }
        }
        if (labelNames.stream().distinct().count() != labelNames.size()) {
            throw new IllegalArgumentException("duplicate label names of " + name + ": " + labelNames);
        }
    }

    static List<String> key(String name, List<String> labelNames, String... values) {
        if (values.length != labelNames.size()) {
            throw new IllegalArgumentException(name + " takes labels " + labelNames + ", got " + values.length + " values");
        }
        return List.of(values);
    }
}
