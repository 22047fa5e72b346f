package dev.kapal.apiserver.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A value that goes up and down per label tuple (open watches, stored objects). */
public final class Gauge implements MetricFamily {
    private final String name;
    private final String help;
    private final List<String> labelNames;
    private final ConcurrentHashMap<List<String>, Child> children = new ConcurrentHashMap<>();

    Gauge(String name, String help, List<String> labelNames) {
        MetricFamily.validate(name, labelNames);
        this.name = name;
        this.help = Objects.requireNonNull(help, "help");
        this.labelNames = List.copyOf(labelNames);
    }

    public Child labels(String... values) {
        List<String> key = MetricFamily.key(name, labelNames, values);
        Child child = children.get(key);
        return child != null ? child : children.computeIfAbsent(key, k -> new Child());
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
    public Map<List<String>, Double> series() {
        Map<List<String>, Double> copy = new LinkedHashMap<>();
        children.forEach((key, child) -> copy.put(key, child.value()));
        return copy;
    }

    /** One series: a double kept as its bits, so set and add are both atomic without locks. */
    public static final class Child {
        private final AtomicLong bits = new AtomicLong(Double.doubleToRawLongBits(0));

        public void set(double value) {
            bits.set(Double.doubleToRawLongBits(value));
        }

        public void add(double delta) {
            bits.getAndUpdate(current -> Double.doubleToRawLongBits(Double.longBitsToDouble(current) + delta));
        }

        public void inc() {
            add(1);
        }

        public void dec() {
            add(-1);
        }

        public double value() {
            return Double.longBitsToDouble(bits.get());
        }
    }
}
