package dev.kapal.kubelet.volumes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapal.kubelet.volumes.AtomicWriter.FileContent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriterTest {
    @TempDir
    Path volume;

    private static FileContent text(String value, int mode) {
        return new FileContent(value.getBytes(StandardCharsets.UTF_8), mode);
    }

    private long versions() throws Exception {
        try (Stream<Path> entries = Files.list(volume)) {
            return entries.filter(entry -> entry.getFileName().toString().matches("\\.\\.\\d{4}_.*")).count();
        }
    }

    @Test
    void filesAreVisibleThroughDataAndOneVersionDirectory() throws Exception {
        AtomicWriter writer = new AtomicWriter(volume, Clock.systemUTC());
        assertThat(writer.write(Map.of("a.conf", text("one", 0644), "nested/b.conf", text("two", 0400)))).isTrue();

        assertThat(Files.readString(volume.resolve("a.conf"))).isEqualTo("one");
        assertThat(Files.readString(volume.resolve("nested/b.conf"))).isEqualTo("two");
        assertThat(Files.readSymbolicLink(volume.resolve("a.conf"))).isEqualTo(Path.of("..data/a.conf"));
        assertThat(Files.readSymbolicLink(volume.resolve("nested"))).isEqualTo(Path.of("..data/nested"));
        assertThat(Files.readSymbolicLink(volume.resolve("..data")).toString()).matches("\\.\\.\\d{4}_\\d{2}_\\d{2}_\\d{2}_\\d{2}_\\d{2}\\.\\d+");
        assertThat(Files.getPosixFilePermissions(volume.resolve("..data/nested/b.conf"))).isEqualTo(AtomicWriter.permissions(0400));
        assertThat(versions()).isEqualTo(1);
    }

    @Test
    void theSamePayloadChangesNothingAndANewOneSwapsTheVersion() throws Exception {
        AtomicWriter writer = new AtomicWriter(volume, Clock.systemUTC());
        writer.write(Map.of("a.conf", text("one", 0644), "old.conf", text("x", 0644)));
        Path first = Files.readSymbolicLink(volume.resolve("..data"));

        assertThat(writer.write(Map.of("a.conf", text("one", 0644), "old.conf", text("x", 0644)))).isFalse();
        assertThat(Files.readSymbolicLink(volume.resolve("..data"))).isEqualTo(first);
        // A mode change alone is a change.
        assertThat(writer.write(Map.of("a.conf", text("one", 0600), "old.conf", text("x", 0644)))).isTrue();

        assertThat(writer.write(Map.of("a.conf", text("two", 0644)))).isTrue();
        assertThat(Files.readString(volume.resolve("a.conf"))).isEqualTo("two");
        assertThat(volume.resolve("old.conf")).doesNotExist();
        assertThat(Files.exists(volume.resolve("old.conf"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(versions()).isEqualTo(1);
        assertThat(volume.resolve(first)).doesNotExist();
    }

    @Test
    void pathsLeavingTheVolumeAreRefused() {
        AtomicWriter writer = new AtomicWriter(volume, Clock.systemUTC());
        assertThatThrownBy(() -> writer.write(Map.of("../escape", text("x", 0644)))).hasMessageContaining("must not contain '..'");
        assertThatThrownBy(() -> writer.write(Map.of("/etc/passwd", text("x", 0644)))).hasMessageContaining("must be relative path");
        assertThatThrownBy(() -> writer.write(Map.of("..data", text("x", 0644)))).hasMessageContaining("must not start with '..'");
    }
}
