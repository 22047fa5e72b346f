package dev.kapal.kubelet.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerLogReaderTest {
    private static final String LOG = """
            2026-01-01T10:00:00.000000001Z stdout F one
            2026-01-01T10:00:01.5Z stderr F two
            2026-01-01T10:00:02.000000000Z stdout P thr
            2026-01-01T10:00:02.100000000Z stdout F ee
            not a cri line
            2026-01-01T10:00:03+00:00 stdout F four
            """;

    @TempDir
    Path directory;

    @Test
    void parsesTheCriFormatIncludingPartialLinesAndAnEmptyContent() {
        byte[] raw = "2026-01-01T10:00:02.000000000Z stdout P thr".getBytes(StandardCharsets.UTF_8);
        CriLogLine line = CriLogLine.parse(raw, raw.length).orElseThrow();
        assertThat(line.stream()).isEqualTo("stdout");
        assertThat(line.partial()).isTrue();
        assertThat(new String(line.content(), StandardCharsets.UTF_8)).isEqualTo("thr");
        assertThat(line.timestamp()).isEqualTo(Instant.parse("2026-01-01T10:00:02Z"));
        byte[] empty = "2026-01-01T10:00:02Z stderr F ".getBytes(StandardCharsets.UTF_8);
        assertThat(CriLogLine.parse(empty, empty.length).orElseThrow().content()).isEmpty();
        byte[] bad = "yesterday stdout F x".getBytes(StandardCharsets.UTF_8);
        assertThat(CriLogLine.parse(bad, bad.length)).isEmpty();
    }

    @Test
    void copiesBothStreamsJoiningPartialLinesAndSkippingMalformedOnes() throws Exception {
        assertThat(read(LogOptions.DEFAULT)).isEqualTo("one\ntwo\nthree\nfour\n");
    }

    @Test
    void tailCountsFileLinesFromTheEnd() throws Exception {
        assertThat(read(options(OptionalLong.of(1), Optional.empty(), false, OptionalLong.empty()))).isEqualTo("four\n");
        assertThat(read(options(OptionalLong.of(3), Optional.empty(), false, OptionalLong.empty()))).isEqualTo("ee\nfour\n");
        assertThat(read(options(OptionalLong.of(0), Optional.empty(), false, OptionalLong.empty()))).isEmpty();
        assertThat(read(options(OptionalLong.of(100), Optional.empty(), false, OptionalLong.empty())))
                .isEqualTo("one\ntwo\nthree\nfour\n");
    }

    @Test
    void sinceSkipsOlderLinesAndTimestampsPrefixEachOutputLineOnce() throws Exception {
        assertThat(read(options(OptionalLong.empty(), Optional.of(Instant.parse("2026-01-01T10:00:01Z")), true,
                OptionalLong.empty()))).isEqualTo("""
                2026-01-01T10:00:01.500000000Z two
                2026-01-01T10:00:02.000000000Z three
                2026-01-01T10:00:03.000000000Z four
                """);
    }

    @Test
    void limitBytesCutsTheOutputMidLine() throws Exception {
        assertThat(read(options(OptionalLong.empty(), Optional.empty(), false, OptionalLong.of(6)))).isEqualTo("one\ntw");
    }

    @Test
    void followWaitsForNewLinesUntilTheContainerStopsWriting() throws Exception {
        Path file = directory.resolve("0.log");
        Files.writeString(file, "2026-01-01T10:00:00Z stdout F first\n");
        AtomicBoolean writing = new AtomicBoolean(true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogOptions follow = new LogOptions(true, false, OptionalLong.empty(), Optional.empty(), false, OptionalLong.empty());
        CompletableFuture<Long> copy = CompletableFuture.supplyAsync(() -> {
            try {
                return new ContainerLogReader(file, follow, writing::get, Duration.ofMillis(20)).copyTo(out);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> out.toString(StandardCharsets.UTF_8).equals("first\n"));
        assertThat(copy).isNotDone();
        Files.writeString(file, "2026-01-01T10:00:01Z stdout F second\n", java.nio.file.StandardOpenOption.APPEND);
        writing.set(false);
        assertThat(copy.get(30, TimeUnit.SECONDS)).isEqualTo(13);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("first\nsecond\n");
    }

    private static LogOptions options(OptionalLong tail, Optional<Instant> since, boolean timestamps, OptionalLong limit) {
        return new LogOptions(false, false, tail, since, timestamps, limit);
    }

    private String read(LogOptions options) throws Exception {
        Path file = directory.resolve("log-" + System.nanoTime());
        Files.writeString(file, LOG);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ContainerLogReader(file, options, () -> false, Duration.ofMillis(10)).copyTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
