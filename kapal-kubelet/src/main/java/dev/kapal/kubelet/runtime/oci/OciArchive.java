package dev.kapal.kubelet.runtime.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a single-platform, single-layer image as an OCI image layout archive (a tar holding
 * {@code oci-layout}, {@code index.json} and {@code blobs/sha256/…}): one gzip layer, the image
 * config, the manifest and the index naming the image. {@code ctr images import} and other OCI
 * tools read it. The index carries the name both as {@code io.containerd.image.name} (the full
 * reference, which containerd uses) and {@code org.opencontainers.image.ref.name} (the tag).
 *
 * <p>The output is reproducible: same reference, config and entries give the same digests.
 */
public final class OciArchive {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
    static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
    static final String INDEX_TYPE = "application/vnd.oci.image.index.v1+json";

    /** What was written: the image's name and the digests containerd will report for it. */
    public record Written(Path archive, String reference, String manifestDigest, String configDigest) {
        public Written {
            Objects.requireNonNull(archive, "archive");
            Objects.requireNonNull(reference, "reference");
            Objects.requireNonNull(manifestDigest, "manifestDigest");
            Objects.requireNonNull(configDigest, "configDigest");
        }
    }

    private OciArchive() {
    }

    /**
     * Writes the archive to {@code archive} (atomically: a temporary sibling renamed into place).
     *
     * @param reference a full image reference with a tag, e.g. {@code docker.io/library/busybox:latest}
     */
    public static Written write(Path archive, String reference, ImageConfig config, List<LayerEntry> entries) {
        Objects.requireNonNull(archive, "archive");
        Objects.requireNonNull(config, "config");
        String tag = tagOf(reference);
        try {
            byte[] layerTar = layerTar(entries);
            byte[] layerGzip = gzip(layerTar);
            byte[] configJson = configJson(config, digest(layerTar));
            byte[] manifestJson = manifestJson(configJson, layerGzip);
            byte[] indexJson = indexJson(manifestJson, reference, tag);

            Path temporary = archive.resolveSibling(archive.getFileName() + ".tmp");
            try (TarWriter tar = new TarWriter(Files.newOutputStream(temporary))) {
                tar.file("oci-layout", 0644, "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes());
                tar.directory("blobs", 0755);
                tar.directory("blobs/sha256", 0755);
                for (byte[] blob : List.of(layerGzip, configJson, manifestJson)) {
                    tar.file("blobs/sha256/" + hex(blob), 0644, blob);
                }
                tar.file("index.json", 0644, indexJson);
            }
            Files.move(temporary, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Written(archive, reference, digest(manifestJson), digest(configJson));
        } catch (IOException e) {
            throw new UncheckedIOException("writing image archive " + archive, e);
        }
    }

    /** The image platform's architecture in OCI terms, for the running JVM's machine. */
    public static String architecture() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
    }

    private static String tagOf(String reference) {
        Objects.requireNonNull(reference, "reference");
        int slash = reference.lastIndexOf('/');
        int colon = reference.lastIndexOf(':');
        if (slash < 0 || colon < slash) {
            throw new IllegalArgumentException("expected a full reference with registry and tag, got " + reference);
        }
        return reference.substring(colon + 1);
    }

    private static byte[] layerTar(List<LayerEntry> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarWriter tar = new TarWriter(bytes)) {
            for (LayerEntry entry : entries) {
                switch (entry) {
                    case LayerEntry.Directory d -> tar.directory(d.path(), d.mode());
                    case LayerEntry.File f -> tar.file(f.path(), f.mode(), f.content());
                    case LayerEntry.Symlink s -> tar.symlink(s.path(), s.target());
                }
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // GZIPOutputStream writes a zero modification time: the gzip bytes are reproducible.
        try (OutputStream gzip = new java.util.zip.GZIPOutputStream(bytes)) {
            gzip.write(data);
        }
        return bytes.toByteArray();
    }

    private static byte[] configJson(ImageConfig config, String diffId) throws IOException {
        Map<String, Object> runtime = new LinkedHashMap<>();
        if (!config.env().isEmpty()) {
            runtime.put("Env", config.env());
        }
        if (!config.entrypoint().isEmpty()) {
            runtime.put("Entrypoint", config.entrypoint());
        }
        if (!config.cmd().isEmpty()) {
            runtime.put("Cmd", config.cmd());
        }
        if (!config.workingDir().isEmpty()) {
            runtime.put("WorkingDir", config.workingDir());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("created", "2000-01-01T00:00:00Z");
        json.put("architecture", architecture());
        json.put("os", "linux");
        json.put("config", runtime);
        json.put("rootfs", ordered("type", "layers", "diff_ids", List.of(diffId)));
        json.put("history", List.of(ordered("created", "2000-01-01T00:00:00Z", "created_by", "kapal")));
        return JSON.writeValueAsBytes(json);
    }

    private static byte[] manifestJson(byte[] configJson, byte[] layerGzip) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schemaVersion", 2);
        json.put("mediaType", MANIFEST_TYPE);
        json.put("config", descriptor(CONFIG_TYPE, configJson));
        json.put("layers", List.of(descriptor(LAYER_TYPE, layerGzip)));
        return JSON.writeValueAsBytes(json);
    }

    private static byte[] indexJson(byte[] manifestJson, String reference, String tag) throws IOException {
        Map<String, Object> manifest = descriptor(MANIFEST_TYPE, manifestJson);
        Map<String, Object> annotations = new LinkedHashMap<>();
        annotations.put("io.containerd.image.name", reference);
        annotations.put("org.opencontainers.image.ref.name", tag);
        manifest.put("annotations", annotations);
        manifest.put("platform", ordered("architecture", architecture(), "os", "linux"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schemaVersion", 2);
        json.put("mediaType", INDEX_TYPE);
        json.put("manifests", List.of(manifest));
        return JSON.writeValueAsBytes(json);
    }

    private static Map<String, Object> descriptor(String mediaType, byte[] blob) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mediaType", mediaType);
        json.put("digest", digest(blob));
        json.put("size", blob.length);
        return json;
    }

    /** A JSON object with its keys in the order given ({@code Map.of} order differs between JVM runs). */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    static String digest(byte[] blob) {
        return "sha256:" + hex(blob);
    }

    private static String hex(byte[] blob) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
