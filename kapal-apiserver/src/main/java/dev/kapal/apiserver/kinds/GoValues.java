package dev.kapal.apiserver.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Values rendered the way upstream's {@code field.Invalid} prints Go values ({@code %#v}), so
 * messages such as {@code Invalid value: map[string]string{"app":"web"}: ...} read the same.
 */
record GoValues(String rendered) {
    @Override
    public String toString() {
        return rendered;
    }

    static GoValues stringMap(Map<String, String> map) {
        StringBuilder builder = new StringBuilder("map[string]string{");
        boolean first = true;
        for (Map.Entry<String, String> entry : new TreeMap<>(map).entrySet()) {
            if (!first) {
                builder.append(", ");
            }
            first = false;
            builder.append('"').append(entry.getKey()).append("\":\"").append(entry.getValue()).append('"');
        }
        return new GoValues(builder.append('}').toString());
    }

    static GoValues stringSlice(List<String> values) {
        StringBuilder builder = new StringBuilder("[]string{");
        for (int i = 0; i < values.size(); i++) {
            builder.append(i > 0 ? ", " : "").append('"').append(values.get(i)).append('"');
        }
        return new GoValues(builder.append('}').toString());
    }

    /** A {@code LabelSelector} as {@code %#v} prints the pointer upstream passes. */
    static GoValues labelSelector(JsonNode selector) {
        Map<String, String> labels = Trees.stringMap(selector, "matchLabels");
        String matchLabels = labels.isEmpty() ? "map[string]string(nil)" : stringMap(labels).rendered();
        String expressions = selector.path("matchExpressions").isArray() && !selector.path("matchExpressions").isEmpty()
                ? "[]v1.LabelSelectorRequirement{...}" : "[]v1.LabelSelectorRequirement(nil)";
        return new GoValues("&v1.LabelSelector{MatchLabels:" + matchLabels + ", MatchExpressions:" + expressions + "}");
    }
}
