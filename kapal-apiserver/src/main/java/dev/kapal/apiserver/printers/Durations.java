package dev.kapal.apiserver.printers;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Upstream's {@code duration.HumanDuration} and {@code translateTimestampSince}: the AGE
 * strings ({@code 45s}, {@code 3m2s}, {@code 5h}, {@code 2d3h}, {@code 400d}, {@code 3y20d}).
 * The server computes them; kubectl prints the strings as they come.
 */
public final class Durations {
    private Durations() {
    }

    /** The human form of a duration, with about two significant figures. */
    public static String human(Duration duration) {
        // Go's int(d.Seconds()) truncates toward zero; a deviation under two seconds counts as now.
        long seconds = duration.getSeconds() < 0 && duration.getNano() > 0 ? duration.getSeconds() + 1 : duration.getSeconds();
        if (seconds < -1) {
            return "<invalid>";
        } else if (seconds < 0) {
            return "0s";
        } else if (seconds < 60 * 2) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            long remainder = seconds % 60;
            return remainder == 0 ? minutes + "m" : minutes + "m" + remainder + "s";
        } else if (minutes < 60 * 3) {
            return minutes + "m";
        }
        long hours = seconds / 3600;
        if (hours < 8) {
            long remainder = minutes % 60;
            return remainder == 0 ? hours + "h" : hours + "h" + remainder + "m";
        } else if (hours < 48) {
            return hours + "h";
        } else if (hours < 24 * 8) {
            long remainder = hours % 24;
            return remainder == 0 ? hours / 24 + "d" : hours / 24 + "d" + remainder + "h";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        } else if (hours < 24 * 365 * 8) {
            long days = (hours / 24) % 365;
            return days == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + days + "d";
        }
        return hours / 24 / 365 + "y";
    }

    /**
     * {@code translateTimestampSince}: the age of an RFC 3339 timestamp, {@code <unknown>} when
     * it is absent (a zero time upstream) or unreadable.
     */
    public static String since(String timestamp, Instant now) {
        return parse(timestamp).map(time -> human(Duration.between(time, now))).orElse("<unknown>");
    }

    /** Parses an RFC 3339 timestamp ({@code metav1.Time} or {@code MicroTime}). */
    public static Optional<Instant> parse(String timestamp) {
        if (timestamp.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(timestamp).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
