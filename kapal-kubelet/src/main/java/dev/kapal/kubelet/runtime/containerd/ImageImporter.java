package dev.kapal.kubelet.runtime.containerd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports image archives (OCI layout or {@code docker save} tars, optionally gzip or zstd
 * compressed) into containerd's {@code k8s.io} namespace, where the CRI sees them, with
 * {@code ctr images import} (from the containerd package). This is k3s' air-gap behaviour: every
 * archive in {@code <data-dir>/agent/images/} is imported when the agent starts.
 *
 * @param ctr    the {@code ctr} executable
 * @param socket containerd's gRPC socket
 */
public record ImageImporter(Path ctr, Path socket) {
    private static final Logger LOG = LoggerFactory.getLogger(ImageImporter.class);
    /** The containerd namespace the CRI plugin keeps Kubernetes' images and containers in. */
    public static final String CRI_NAMESPACE = "k8s.io";
    private static final List<String> ARCHIVE_SUFFIXES = List.of(".tar", ".tar.gz", ".tgz", ".tar.zst", ".tar.zstd");

    /** The outcome of importing a directory: the archives imported and the ones that failed. */
    public record Outcome(List<Path> imported, List<String> failures) {
        public Outcome {
            imported = List.copyOf(imported);
            failures = List.copyOf(failures);
        }
    }

    public ImageImporter {
        Objects.requireNonNull(ctr, "ctr");
        Objects.requireNonNull(socket, "socket");
    }

    /**
     * Imports one archive; returns {@code ctr}'s output.
     *
     * @throws IllegalStateException when {@code ctr} fails
     */
    public String importArchive(Path archive) {
        List<String> command = List.of(ctr.toString(), "--address", socket.toString(), "--namespace", CRI_NAMESPACE,
                "images", "import", archive.toString());
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("ctr images import " + archive + " did not finish in 5 minutes");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("ctr images import " + archive + " failed: " + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("running " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted importing " + archive, e);
        }
    }

    /**
     * Imports every archive directly in {@code directory} (none when it does not exist), in name
     * order. A failing archive is logged and reported, and does not stop the others.
     */
    public Outcome importDirectory(Path directory) {
        if (!Files.isDirectory(directory)) {
            return new Outcome(List.of(), List.of());
        }
        List<Path> archives;
        try (Stream<Path> files = Files.list(directory)) {
            archives = files.filter(Files::isRegularFile)
                    .filter(file -> ARCHIVE_SUFFIXES.stream().anyMatch(file.getFileName().toString()::endsWith))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + directory, e);
        }
        List<Path> imported = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Path archive : archives) {
            try {
                importArchive(archive);
                imported.add(archive);
                LOG.info("imported image archive {}", archive);
            } catch (IllegalStateException e) {
                LOG.warn("image archive not imported: {}", e.getMessage());
                failures.add(e.getMessage());
            }
        }
        return new Outcome(imported, failures);
    }
}
