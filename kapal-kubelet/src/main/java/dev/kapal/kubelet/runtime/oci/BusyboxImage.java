package dev.kapal.kubelet.runtime.oci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Images made from the host's statically linked busybox (Debian {@code busybox-static}): the
 * binary at {@code /bin/busybox}, a link for every applet it lists, a minimal {@code /etc/passwd}
 * and {@code /etc/group} (root and nobody) and the usual empty directories. Enough for {@code sh},
 * {@code sleep}, {@code nc}, {@code httpd} and friends without any registry.
 *
 * <p>The sandbox ("pause") image Kapal hands containerd is such an image running
 * {@code sleep infinity}: see {@link #writePause}.
 */
public final class BusyboxImage {
    /** Where Debian's {@code busybox-static} installs the binary. */
    public static final Path HOST_BUSYBOX = Path.of("/bin/busybox");
    /** The reference of the locally provided sandbox image (never pulled: it is imported). */
    public static final String PAUSE_REFERENCE = "localhost/kapal/pause:1";

    private BusyboxImage() {
    }

    /**
     * Writes an image {@code reference} running {@code cmd} (through busybox's applets) to
     * {@code archive}.
     *
     * @throws IllegalStateException when {@code busybox} is missing or not statically linked
     */
    public static OciArchive.Written write(Path busybox, Path archive, String reference, List<String> cmd) {
        return OciArchive.write(archive, reference, ImageConfig.command(cmd), rootfs(busybox));
    }

    /** Writes the sandbox image {@link #PAUSE_REFERENCE}: busybox {@code sleep infinity}. */
    public static OciArchive.Written writePause(Path busybox, Path archive) {
        return write(busybox, archive, PAUSE_REFERENCE, List.of("sleep", "infinity"));
    }

    /** The filesystem of a busybox image built from {@code busybox}. */
    public static List<LayerEntry> rootfs(Path busybox) {
        Objects.requireNonNull(busybox, "busybox");
        if (!isStaticExecutable(busybox)) {
            throw new IllegalStateException(busybox + " is missing or not a statically linked executable"
                    + " (Debian package busybox-static)");
        }
        byte[] binary = read(busybox);
        List<LayerEntry> entries = new ArrayList<>();
        for (String directory : List.of("bin", "sbin", "usr", "usr/bin", "usr/sbin", "etc", "root", "home",
                "var", "var/run", "proc", "sys", "dev")) {
            entries.add(new LayerEntry.Directory(directory, directory.equals("root") ? 0700 : 0755));
        }
        entries.add(new LayerEntry.Directory("tmp", 01777));
        entries.add(new LayerEntry.File("bin/busybox", 0755, binary));
        for (String applet : applets(busybox)) {
            if (!applet.equals("bin/busybox")) {
                entries.add(new LayerEntry.Symlink(applet, "/bin/busybox"));
            }
        }
        entries.add(new LayerEntry.File("etc/passwd", 0644,
                "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n"
                        .getBytes(StandardCharsets.US_ASCII)));
        entries.add(new LayerEntry.File("etc/group", 0644,
                "root:x:0:\nnobody:x:65534:\n".getBytes(StandardCharsets.US_ASCII)));
        return entries;
    }

    /**
     * Whether {@code file} is an ELF executable without a program interpreter (statically linked),
     * so it runs in an image that has no C library.
     */
    public static boolean isStaticExecutable(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        byte[] elf;
        try (var in = Files.newInputStream(file)) {
            elf = in.readNBytes(64 * 1024);
        } catch (IOException e) {
            return false;
        }
        if (elf.length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 2) {
            return false; // only 64-bit ELF is expected on our machines
        }
        ByteBuffer header = ByteBuffer.wrap(elf).order(elf[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        long programHeaders = header.getLong(0x20);
        int entrySize = Short.toUnsignedInt(header.getShort(0x36));
        int count = Short.toUnsignedInt(header.getShort(0x38));
        for (int i = 0; i < count; i++) {
            long offset = programHeaders + (long) i * entrySize;
            if (offset + 4 > elf.length) {
                return false;
            }
            int type = header.getInt((int) offset);
            if (type == 3) { // PT_INTERP: needs a dynamic loader
                return false;
            }
        }
        return true;
    }

    /** Applet paths relative to the root, as {@code busybox --list-full} prints them, sorted and unique. */
    private static List<String> applets(Path busybox) {
        try {
            Process process = new ProcessBuilder(busybox.toString(), "--list-full")
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(busybox + " --list-full failed: " + output);
            }
            Set<String> applets = new LinkedHashSet<>();
            output.lines().map(String::strip).filter(line -> !line.isEmpty()).sorted().forEach(applets::add);
            return List.copyOf(applets);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted listing busybox applets", e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
