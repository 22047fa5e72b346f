package dev.kapal.kubelet.runtime.sim;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/**
 * Go's {@code time.ParseDuration} syntax ({@code 5s}, {@code 1m30s}, {@code 1.5h}, {@code 250ms}),
 * the form Kubernetes users write durations in, used for {@code sim.kapal.dev/complete-after}.
 */
final class GoDuration {
    private GoDuration() {
    }

    /** The duration, or empty when {@code text} is not one (negative durations included). */
    static Optional<Duration> parse(String text) {
        String rest = text.strip();
        if (rest.equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        if (rest.isEmpty()) {
            return Optional.empty();
        }
        BigDecimal nanos = BigDecimal.ZERO;
        while (!rest.isEmpty()) {
            int index = 0;
            while (index < rest.length() && (Character.isDigit(rest.charAt(index)) || rest.charAt(index) == '.')) {
                index++;
            }
            if (index == 0) {
                return Optional.empty();
            }
            BigDecimal number;
            try {
                number = new BigDecimal(rest.substring(0, index));
            } catch (NumberFormatException malformed) {
                return Optional.empty();
            }
            rest = rest.substring(index);
            long unit;
            if (rest.startsWith("ns")) {
                unit = 1L;
                rest = rest.substring(2);
            } else if (rest.startsWith("us") || rest.startsWith("µs")) {
                unit = 1_000L;
                rest = rest.substring(2);
            } else if (rest.startsWith("ms")) {
                unit = 1_000_000L;
                rest = rest.substring(2);
            } else if (rest.startsWith("s")) {
                unit = 1_000_000_000L;
                rest = rest.substring(1);
            } else if (rest.startsWith("m")) {
                unit = 60_000_000_000L;
                rest = rest.substring(1);
            } else if (rest.startsWith("h")) {
                unit = 3_600_000_000_000L;
                rest = rest.substring(1);
            } else {
                return Optional.empty();
            }
            nanos = nanos.add(number.multiply(BigDecimal.valueOf(unit)));
        }
        return Optional.of(Duration.ofNanos(nanos.longValue()));
    }
}
