package dev.kapal.apiserver.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** A monotonically increasing integer count per label tuple. */
public final class Counter implements MetricFamily {
    private final String name;
    private final String help;
    private final List<String> labelNames;
    private final ConcurrentHashMap<List<String>, Child> children = new ConcurrentHashMap<>();

    Counter(String name, String help, List<String> labelNames) {
        MetricFamily.validate(name, labelNames);
        this.name = name;
        this.help = Objects.requireNonNull(help, "help");
        this.labelNames = List.copyOf(labelNames);
    }

    /** The series for these label values (in {@link #labelNames()} order), created on first use. */
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
    public Map<List<String>, Long> series() {
        Map<List<String>, Long> copy = new LinkedHashMap<>();
        children.forEach((key, child) -> copy.put(key, child.value()));
        return copy;
    }

    /** One series; contended increments spread over LongAdder cells. */
    public static final class Child {
        private final LongAdder count = new LongAdder();

        public void inc() {
            count.increment();
        }

        public void add(long amount) {
            if (amount < 0) {
                throw new IllegalArgumentException("a counter only goes up: " + amount);
            }
            count.add(amount);
        }

        public long value() {
            return count.sum();
        }
    }
}
