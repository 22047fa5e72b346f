package dev.kapal.kubelet.logs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of a CRI container log file: {@code <RFC 3339 nano timestamp> <stdout|stderr> <P|F> <content>}.
 * A {@code P} (partial) line carries part of a longer output line, continued by the following
 * lines of the same stream up to and including one tagged {@code F} (full); the runtime splits
 * long lines this way. The content never holds the newline: a full line's output ends with one,
 * a partial line's does not.
 *
 * @param timestamp when the runtime read the output
 * @param stream    {@code stdout} or {@code stderr}
 * @param partial   whether the output continues in the next line
 * @param content   the output bytes, without the line's newline
 */
public record CriLogLine(Instant timestamp, String stream, boolean partial, byte[] content) {
    public CriLogLine {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(content, "content");
    }

    /**
     * Parses one line of a log file, without its trailing newline. Empty for lines that do not
     * follow the format (the kubelet skips those too).
     */
    public static Optional<CriLogLine> parse(byte[] line, int length) {
        int first = indexOf(line, 0, length, (byte) ' ');
        if (first <= 0) {
            return Optional.empty();
        }
        int second = indexOf(line, first + 1, length, (byte) ' ');
        if (second < 0) {
            return Optional.empty();
        }
        Instant timestamp;
        try {
            timestamp = DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(
                    new String(line, 0, first, StandardCharsets.US_ASCII), Instant::from);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        String stream = new String(line, first + 1, second - first - 1, StandardCharsets.US_ASCII);
        if (!stream.equals("stdout") && !stream.equals("stderr")) {
            return Optional.empty();
        }
        // The tag field: "P" or "F" (older runtimes wrote none; then the line is full).
        int third = indexOf(line, second + 1, length, (byte) ' ');
        boolean partial = false;
        int contentStart = second + 1;
        if (third < 0 && length - second - 1 == 1 && (line[second + 1] == 'P' || line[second + 1] == 'F')) {
            partial = line[second + 1] == 'P';
            contentStart = length;
        } else if (third == second + 2 && (line[second + 1] == 'P' || line[second + 1] == 'F')) {
            partial = line[second + 1] == 'P';
            contentStart = third + 1;
        }
        return Optional.of(new CriLogLine(timestamp, stream, partial, Arrays.copyOfRange(line, contentStart, length)));
    }

    private static int indexOf(byte[] bytes, int from, int to, byte wanted) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** The timestamp as the kubelet prints it with {@code timestamps=true} (RFC 3339 with nanoseconds, UTC). */
    public static String formatTimestamp(Instant timestamp) {
        return RFC3339_NANO.format(timestamp);
    }

    private static final DateTimeFormatter RFC3339_NANO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.nnnnnnnnnXXX")
            .withZone(java.time.ZoneOffset.UTC);

    @Override
    public boolean equals(Object other) {
        return other instanceof CriLogLine line && timestamp.equals(line.timestamp) && stream.equals(line.stream)
                && partial == line.partial && Arrays.equals(content, line.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestamp, stream, partial, Arrays.hashCode(content));
    }

    @Override
    public String toString() {
        return "CriLogLine[" + timestamp + " " + stream + (partial ? " P " : " F ")
                + new String(content, StandardCharsets.UTF_8) + "]";
    }
}
