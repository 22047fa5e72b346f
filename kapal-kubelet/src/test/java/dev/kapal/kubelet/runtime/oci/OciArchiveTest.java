package dev.kapal.kubelet.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive is checked with the system's {@code tar}, not with our own code: what another tool
 * reads is what matters.
 */
class OciArchiveTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<LayerEntry> ENTRIES = List.of(
            new LayerEntry.Directory("bin", 0755),
            new LayerEntry.File("bin/hello", 0755, "#!/bin/sh\necho hello\n".getBytes(StandardCharsets.US_ASCII)),
            new LayerEntry.Symlink("bin/hi", "/bin/hello"),
            new LayerEntry.Directory("tmp", 01777));

    @TempDir
    Path directory;

    @Test
    void layoutHasIndexManifestConfigAndLayerWhoseDigestsMatchTheirBytes() throws Exception {
        OciArchive.Written written = OciArchive.write(directory.resolve("image.tar"), "example.com/team/hello:1.0",
                ImageConfig.command(List.of("/bin/hello")), ENTRIES);
        Path layout = extract(written.archive(), directory.resolve("layout"));

        assertThat(JSON.readTree(layout.resolve("oci-layout").toFile()).get("imageLayoutVersion").asText()).isEqualTo("1.0.0");
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        JsonNode manifestDescriptor = index.get("manifests").get(0);
        assertThat(manifestDescriptor.get("digest").asText()).isEqualTo(written.manifestDigest());
        assertThat(manifestDescriptor.get("annotations").get("io.containerd.image.name").asText())
                .isEqualTo("example.com/team/hello:1.0");
        assertThat(manifestDescriptor.get("annotations").get("org.opencontainers.image.ref.name").asText()).isEqualTo("1.0");

        JsonNode manifest = JSON.readTree(blob(layout, written.manifestDigest()));
        assertThat(manifest.get("config").get("digest").asText()).isEqualTo(written.configDigest());
        String layerDigest = manifest.get("layers").get(0).get("digest").asText();
        byte[] layer = blob(layout, layerDigest);
        assertThat(manifest.get("layers").get(0).get("size").asLong()).isEqualTo(layer.length);

        JsonNode config = JSON.readTree(blob(layout, written.configDigest()));
        assertThat(config.get("config").get("Cmd").get(0).asText()).isEqualTo("/bin/hello");
        assertThat(config.get("os").asText()).isEqualTo("linux");
        byte[] layerTar;
        try (InputStream gunzip = new GZIPInputStream(new java.io.ByteArrayInputStream(layer))) {
            layerTar = gunzip.readAllBytes();
        }
        assertThat(config.get("rootfs").get("diff_ids").get(0).asText()).isEqualTo(sha256(layerTar));
    }

    @Test
    void layerKeepsModesAndLinks() throws Exception {
        OciArchive.Written written = OciArchive.write(directory.resolve("image.tar"), "example.com/hello:1",
                ImageConfig.command(List.of("/bin/hello")), ENTRIES);
        Path layout = extract(written.archive(), directory.resolve("layout"));
        JsonNode manifest = JSON.readTree(blob(layout, written.manifestDigest()));
        Path layer = layout.resolve("blobs/sha256/" + manifest.get("layers").get(0).get("digest").asText().substring(7));

        String listing = run(List.of("tar", "-tvzf", layer.toString()));
        assertThat(listing).containsPattern("drwxr-xr-x root/root +0 .* bin/");
        assertThat(listing).containsPattern("-rwxr-xr-x root/root +21 .* bin/hello");
        assertThat(listing).contains("bin/hi -> /bin/hello");
        assertThat(listing).containsPattern("drwxrwxrwt root/root .* tmp/");
    }

    @Test
    void sameInputsGiveSameDigests() {
        OciArchive.Written first = OciArchive.write(directory.resolve("a.tar"), "example.com/hello:1",
                ImageConfig.command(List.of("/bin/hello")), ENTRIES);
        OciArchive.Written second = OciArchive.write(directory.resolve("b.tar"), "example.com/hello:1",
                ImageConfig.command(List.of("/bin/hello")), ENTRIES);
        OciArchive.Written other = OciArchive.write(directory.resolve("c.tar"), "example.com/hello:1",
                ImageConfig.command(List.of("/bin/hi")), ENTRIES);

        assertThat(second.manifestDigest()).isEqualTo(first.manifestDigest());
        assertThat(other.manifestDigest()).isNotEqualTo(first.manifestDigest());
    }

    @Test
    void referenceNeedsRegistryAndTag() {
        assertThatThrownBy(() -> OciArchive.write(directory.resolve("x.tar"), "hello",
                ImageConfig.command(List.of("sh")), ENTRIES)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void busyboxImageHasTheBinaryAndItsApplets() throws Exception {
        // The test setup installs busybox-static (ContainerdFixture); here it must merely exist.
        org.junit.jupiter.api.Assumptions.assumeTrue(BusyboxImage.isStaticExecutable(BusyboxImage.HOST_BUSYBOX),
                "busybox-static not installed");
        List<LayerEntry> rootfs = BusyboxImage.rootfs(BusyboxImage.HOST_BUSYBOX);

        assertThat(rootfs).anySatisfy(entry -> assertThat(entry).isInstanceOf(LayerEntry.File.class)
                .extracting(LayerEntry::path).isEqualTo("bin/busybox"));
        assertThat(rootfs).contains(new LayerEntry.Symlink("bin/sh", "/bin/busybox"),
                new LayerEntry.Symlink("bin/sleep", "/bin/busybox"));
    }

    @Test
    void dynamicExecutablesAreNotStatic() {
        assertThat(BusyboxImage.isStaticExecutable(Path.of("/bin/ls"))).isFalse();
        assertThat(BusyboxImage.isStaticExecutable(directory.resolve("absent"))).isFalse();
    }

    private static Path extract(Path archive, Path into) throws Exception {
        Files.createDirectories(into);
        run(List.of("tar", "-xf", archive.toString(), "-C", into.toString()));
        return into;
    }

    private static byte[] blob(Path layout, String digest) throws Exception {
        byte[] bytes = Files.readAllBytes(layout.resolve("blobs/sha256/" + digest.substring("sha256:".length())));
        assertThat(sha256(bytes)).isEqualTo(digest);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }
}
