package dev.kapal.apiserver.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every family shares: name, help, label names and the series by label values, created on
 * first use. Subclasses say what one series ({@code C}) is and what a point-in-time read of it
 * ({@code V}) looks like.
 */
abstract sealed class LabelledFamily<C, V> implements MetricFamily permits Counter, Gauge, Histogram {
    private final String name;
    private final String help;
    private final List<String> labelNames;
    private final ConcurrentHashMap<List<String>, C> children = new ConcurrentHashMap<>();

    LabelledFamily(String name, String help, List<String> labelNames) {
        MetricFamily.validate(name, labelNames);
        this.name = name;
        this.help = Objects.requireNonNull(help, "help");
        this.labelNames = List.copyOf(labelNames);
    }

    /** A new, empty series. */
    abstract C newChild();

    /** The value of one series now. */
    abstract V read(C child);

    /** The series for these label values (in {@link #labelNames()} order), created on first use. */
    public C labels(String... values) {
        List<String> key = MetricFamily.key(name, labelNames, values);
        C child = children.get(key);
        return child != null ? child : children.computeIfAbsent(key, k -> newChild());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String help() {
        return help;
    }

    @Override
    public List<String> labelNames() {
        return labelNames;
    }

    @Override
    public Map<List<String>, V> series() {
        Map<List<String>, V> copy = new LinkedHashMap<>();
        children.forEach((key, child) -> copy.put(key, read(child)));
        return copy;
    }

}
