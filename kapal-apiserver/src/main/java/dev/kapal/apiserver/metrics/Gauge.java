package dev.kapal.apiserver.metrics;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A value that goes up and down per label tuple (open watches, stored objects). */
public final class Gauge extends LabelledFamily<Gauge.Child, Double> {

    Gauge(String name, String help, List<String> labelNames) {
        super(name, help, labelNames);
    }

    @Override
    Child newChild() {
        return new Child();
    }

    @Override
    Double read(Child child) {
        return child.value();
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
