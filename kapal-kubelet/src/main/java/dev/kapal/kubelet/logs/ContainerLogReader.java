package dev.kapal.kubelet.logs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Copies a CRI log file to a client the way the kubelet's {@code /containerLogs} does: stdout and
 * stderr interleaved in file order, partial lines ({@code P}) joined with their continuation, and
 * the {@link LogOptions} applied:
 * <ul>
 *   <li>{@code tailLines}: starts at the N-th line from the end of the file (lines of the file, so
 *       each piece of a split line counts, as upstream's tail does);</li>
 *   <li>{@code since}: lines stamped before it are skipped;</li>
 *   <li>{@code timestamps}: each output line starts with its RFC 3339 timestamp and a space
 *       (continuations of a partial line do not repeat it);</li>
 *   <li>{@code limitBytes}: output stops after that many bytes, even mid-line;</li>
 *   <li>{@code follow}: at the end of the file, waits for more while {@code stillWriting} says the
 *       container may still write, polling every {@code pollInterval}; returns once it stopped
 *       and everything it wrote was copied. A client that went away ends the copy with the
 *       write's {@link IOException}.</li>
 * </ul>
 * Malformed lines are skipped. A line still being written (no newline yet) is only copied once
 * complete, or at the very end when the container stopped.
 */
public final class ContainerLogReader {
    private static final int CHUNK = 64 * 1024;

    private final Path file;
    private final LogOptions options;
    private final BooleanSupplier stillWriting;
    private final Duration pollInterval;

    public ContainerLogReader(Path file, LogOptions options, BooleanSupplier stillWriting, Duration pollInterval) {
        this.file = Objects.requireNonNull(file, "file");
        this.options = Objects.requireNonNull(options, "options");
        this.stillWriting = Objects.requireNonNull(stillWriting, "stillWriting");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    }

    /** Copies the log to {@code out} (flushed at each end of file); returns the bytes written. */
    public long copyTo(OutputStream out) throws IOException {
        Output output = new Output(out, options.limitBytes().orElse(Long.MAX_VALUE));
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long position = options.tailLines().isPresent() ? tailStart(in, options.tailLines().getAsLong()) : 0;
            in.seek(position);
            ByteArrayOutputStream pending = new ByteArrayOutputStream();
            byte[] buffer = new byte[CHUNK];
            while (!output.exhausted()) {
                int read = in.read(buffer);
                if (read > 0) {
                    int lineStart = 0;
                    for (int i = 0; i < read && !output.exhausted(); i++) {
                        if (buffer[i] == '\n') {
                            pending.write(buffer, lineStart, i - lineStart);
                            line(pending.toByteArray(), output);
                            pending.reset();
                            lineStart = i + 1;
                        }
                    }
                    if (lineStart < read) {
                        pending.write(buffer, lineStart, read - lineStart);
                    }
                    continue;
                }
                out.flush();
                if (!options.follow()) {
                    break;
                }
                // Asked before looking again, so nothing written just before the container stopped is missed.
                boolean writing = stillWriting.getAsBoolean();
                if (in.getFilePointer() < in.length()) {
                    continue;
                }
                if (!writing) {
                    break;
                }
                try {
                    Thread.sleep(pollInterval);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while following " + file);
                }
            }
            if (pending.size() > 0 && !output.exhausted() && !stillWritingAfterEnd()) {
                line(pending.toByteArray(), output);
            }
            out.flush();
        }
        return output.written;
    }

    private boolean stillWritingAfterEnd() {
        return options.follow() && stillWriting.getAsBoolean();
    }

    private final Map<String, Boolean> midLine = new HashMap<>();

    private void line(byte[] raw, Output output) throws IOException {
        CriLogLine line = CriLogLine.parse(raw, raw.length).orElse(null);
        if (line == null) {
            return;
        }
        if (options.since().isPresent() && line.timestamp().isBefore(options.since().get())) {
            return;
        }
        boolean continuing = midLine.getOrDefault(line.stream(), false);
        if (options.timestamps() && !continuing) {
            output.write((CriLogLine.formatTimestamp(line.timestamp()) + " ").getBytes(StandardCharsets.US_ASCII));
        }
        output.write(line.content());
        if (!line.partial()) {
            output.write(NEWLINE);
        }
        midLine.put(line.stream(), line.partial());
    }

    private static final byte[] NEWLINE = {'\n'};

    /**
     * The offset where the last {@code lines} lines of the file begin: scanning back from the end,
     * past {@code lines} newlines (a final newline ends the last line rather than starting an empty one).
     */
    static long tailStart(RandomAccessFile in, long lines) throws IOException {
        long length = in.length();
        if (lines <= 0) {
            return length;
        }
        long position = length;
        long found = 0;
        byte[] buffer = new byte[CHUNK];
        boolean skippedFinalNewline = false;
        while (position > 0) {
            int size = (int) Math.min(buffer.length, position);
            position -= size;
            in.seek(position);
            in.readFully(buffer, 0, size);
            for (int i = size - 1; i >= 0; i--) {
                if (buffer[i] != '\n') {
                    continue;
                }
                long offset = position + i;
                if (offset == length - 1 && !skippedFinalNewline) {
                    skippedFinalNewline = true;
                    continue;
                }
                if (++found == lines) {
                    return offset + 1;
                }
            }
        }
        return 0;
    }

    /** The client's stream with the byte budget of {@code limitBytes}. */
    private static final class Output {
        private final OutputStream out;
        private final long limit;
        private long written;

        Output(OutputStream out, long limit) {
            this.out = out;
            this.limit = limit;
        }

        boolean exhausted() {
            return written >= limit;
        }

        void write(byte[] bytes) throws IOException {
            int allowed = (int) Math.min(bytes.length, limit - written);
            if (allowed > 0) {
                out.write(bytes, 0, allowed);
                written += allowed;
            }
        }
    }
}
