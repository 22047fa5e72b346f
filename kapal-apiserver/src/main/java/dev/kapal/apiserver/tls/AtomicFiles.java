package dev.kapal.apiserver.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Writes files so that readers see either the old content or the new, never a torn file, and so
 * that a secret is never readable by others, not even for a moment: the temporary file gets its
 * final mode before the first byte is written.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Replaces {@code target} with {@code content}; the file ends up with exactly {@code mode}. */
    public static void write(Path target, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, "." + absolute.getFileName(), ".tmp");
        try {
            // createTempFile makes the file 0600, so nothing leaks before the mode is set; setting
            // it explicitly afterwards also ignores the umask, which would narrow 0644 requests.
            Files.setPosixFilePermissions(temporary, mode);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
