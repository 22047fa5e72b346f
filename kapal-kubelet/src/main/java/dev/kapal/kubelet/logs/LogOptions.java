package dev.kapal.kubelet.logs;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The options of a container log request ({@code PodLogOptions} without the container name):
 * what the kubelet's {@code /containerLogs} endpoint and {@code pods/log} take.
 *
 * @param follow     keep streaming while the container runs
 * @param previous   the previous instance of the container (the one before the last restart)
 * @param tailLines  only the last N lines of the log
 * @param since      only lines written at or after this instant ({@code sinceSeconds} or {@code sinceTime})
 * @param timestamps prefix each line with its RFC 3339 timestamp
 * @param limitBytes stop after this many bytes
 */
public record LogOptions(boolean follow, boolean previous, OptionalLong tailLines, Optional<Instant> since,
                         boolean timestamps, OptionalLong limitBytes) {
    public static final LogOptions DEFAULT = new LogOptions(false, false, OptionalLong.empty(), Optional.empty(), false,
            OptionalLong.empty());

    public LogOptions {
        Objects.requireNonNull(tailLines, "tailLines");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(limitBytes, "limitBytes");
    }
}
