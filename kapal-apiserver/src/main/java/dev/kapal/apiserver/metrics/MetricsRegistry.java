package dev.kapal.apiserver.metrics;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The families served at {@code /metrics}, rendered in the Prometheus text exposition format
 * 0.0.4: per family a {@code # HELP} and a {@code # TYPE} line, then one line per sample, series
 * sorted by label values so successive scrapes diff cleanly. Families without series are left
 * out, as the Go client does.
 *
 * <p>Declaring is rare and synchronized; recording goes straight to a family's series and never
 * touches the registry. Rendering reads each series once and may interleave with recording.
 */
public final class MetricsRegistry {
    /** The Content-Type of {@link #render()}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final List<MetricFamily> families = new CopyOnWriteArrayList<>();

    public Counter counter(String name, String help, String... labelNames) {
        return add(new Counter(name, help, List.of(labelNames)));
    }

    public Gauge gauge(String name, String help, String... labelNames) {
        return add(new Gauge(name, help, List.of(labelNames)));
    }

    public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
        return add(new Histogram(name, help, buckets, List.of(labelNames)));
    }

    private synchronized <F extends MetricFamily> F add(F family) {
        if (families.stream().anyMatch(existing -> existing.name().equals(family.name()))) {
            throw new IllegalArgumentException("metric " + family.name() + " is already declared");
        }
        families.add(family);
        return family;
    }

    public List<MetricFamily> families() {
        return List.copyOf(families);
    }

    /** All families in the text format, UTF-8. */
    public byte[] render() {
        StringBuilder out = new StringBuilder(4096);
        for (MetricFamily family : families) {
            render(family, out);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void render(MetricFamily family, StringBuilder out) {
        Map<List<String>, ?> series = family.series();
        if (series.isEmpty()) {
            return;
        }
        List<List<String>> keys = new ArrayList<>(series.keySet());
        keys.sort(LABEL_ORDER);
        String type = switch (family) {
            case Counter counter -> "counter";
            case Gauge gauge -> "gauge";
            case Histogram histogram -> "histogram";
        };
        out.append("# HELP ").append(family.name()).append(' ').append(escapeHelp(family.help())).append('\n');
        out.append("# TYPE ").append(family.name()).append(' ').append(type).append('\n');
        for (List<String> key : keys) {
            Object value = series.get(key);
            switch (family) {
                case Counter counter -> sample(out, family.name(), family.labelNames(), key, "", "", Long.toString((Long) value));
                case Gauge gauge -> sample(out, family.name(), family.labelNames(), key, "", "", formatDouble((Double) value));
                case Histogram histogram -> {
                    Histogram.Snapshot snapshot = (Histogram.Snapshot) value;
                    double[] bounds = histogram.bounds();
                    for (int i = 0; i < bounds.length; i++) {
                        sample(out, family.name() + "_bucket", family.labelNames(), key, "le", formatDouble(bounds[i]),
                                Long.toString(snapshot.cumulativeCounts()[i]));
                    }
                    sample(out, family.name() + "_bucket", family.labelNames(), key, "le", "+Inf", Long.toString(snapshot.count()));
                    sample(out, family.name() + "_sum", family.labelNames(), key, "", "", formatDouble(snapshot.sum()));
                    sample(out, family.name() + "_count", family.labelNames(), key, "", "", Long.toString(snapshot.count()));
                }
            }
        }
    }

    private static final Comparator<List<String>> LABEL_ORDER = (left, right) -> {
        for (int i = 0; i < Math.min(left.size(), right.size()); i++) {
            int compared = left.get(i).compareTo(right.get(i));
            if (compared != 0) {
                return compared;
            }
        }
        return Integer.compare(left.size(), right.size());
    };

    private static void sample(StringBuilder out, String name, List<String> labelNames, List<String> values,
                               String extraName, String extraValue, String value) {
        out.append(name);
        if (!labelNames.isEmpty() || !extraName.isEmpty()) {
            out.append('{');
            for (int i = 0; i < labelNames.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labelNames.get(i)).append("=\"").append(escapeLabelValue(values.get(i))).append('"');
            }
            if (!extraName.isEmpty()) {
                if (!labelNames.isEmpty()) {
                    out.append(',');
                }
                out.append(extraName).append("=\"").append(extraValue).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(value).append('\n');
    }

    /** HELP text escapes backslash and newline. */
    static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /** Label values escape backslash, double quote and newline. */
    static String escapeLabelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Shortest plain decimal ({@code 0.005}, {@code 1}, {@code 2.5}), as Go prints floats; no exponent surprises for bounds. */
    static String formatDouble(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == 0) {
            return "0";
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    @Override
    public String toString() {
        return "MetricsRegistry" + Arrays.toString(families.stream().map(MetricFamily::name).toArray());
    }
}
