package dev.kapal.apiserver.metrics;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** A monotonically increasing integer count per label tuple. */
public final class Counter extends LabelledFamily<Counter.Child, Long> {

    Counter(String name, String help, List<String> labelNames) {
        super(name, help, labelNames);
    }

    @Override
    Child newChild() {
        return new Child();
    }

    @Override
    Long read(Child child) {
        return child.value();
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
