package dev.kapal.kubelet.runtime.oci;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Writes a POSIX ustar archive: directories, regular files and symbolic links, owned by root,
 * with a fixed modification time so that equal content gives equal bytes. Names must be relative,
 * ASCII and at most 100 bytes (the ustar name field; no prefix split). {@link #close()} writes
 * the two zero blocks that end an archive and closes the underlying stream.
 * Not thread-safe.
 */
public final class TarWriter implements AutoCloseable {
    private static final int BLOCK = 512;
    /** 2000-01-01T00:00:00Z: fixed so archives are reproducible, and not 0 so tools don't warn. */
    private static final long MODIFIED_EPOCH_SECONDS = 946_684_800L;

    private final OutputStream out;
    private boolean closed;

    public TarWriter(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Adds a directory entry; {@code name} gets its trailing slash here. */
    public void directory(String name, int mode) throws IOException {
        header(name.endsWith("/") ? name : name + "/", mode, 0, '5', "");
    }

    /** Adds a regular file with the given content. */
    public void file(String name, int mode, byte[] content) throws IOException {
        header(name, mode, content.length, '0', "");
        out.write(content);
        pad(content.length);
    }

    /** Adds a symbolic link {@code name -> target}. */
    public void symlink(String name, String target) throws IOException {
        header(name, 0777, 0, '2', target);
    }

    private void header(String name, int mode, long size, char type, String linkTarget) throws IOException {
        if (closed) {
            throw new IllegalStateException("archive already closed");
        }
        byte[] block = new byte[BLOCK];
        put(block, 0, 100, name, "name");
        octal(block, 100, 8, mode);
        octal(block, 108, 8, 0);
        octal(block, 116, 8, 0);
        octal(block, 124, 12, size);
        octal(block, 136, 12, MODIFIED_EPOCH_SECONDS);
        block[156] = (byte) type;
        put(block, 157, 100, linkTarget, "link target");
        put(block, 257, 6, "ustar", "magic");
        block[263] = '0';
        block[264] = '0';
        put(block, 265, 32, "root", "user");
        put(block, 297, 32, "root", "group");
        // The checksum is computed with its own field read as spaces.
        for (int i = 148; i < 156; i++) {
            block[i] = ' ';
        }
        long sum = 0;
        for (byte b : block) {
            sum += b & 0xff;
        }
        String checksum = String.format("%06o", sum);
        put(block, 148, 7, checksum, "checksum");
        block[154] = 0;
        block[155] = ' ';
        out.write(block);
    }

    private static void put(byte[] block, int offset, int length, String value, String what) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > length) {
            throw new IllegalArgumentException("tar " + what + " longer than " + length + " bytes: " + value);
        }
        System.arraycopy(bytes, 0, block, offset, bytes.length);
    }

    private static void octal(byte[] block, int offset, int length, long value) {
        String digits = Long.toOctalString(value);
        String padded = "0".repeat(Math.max(0, length - 1 - digits.length())) + digits;
        put(block, offset, length - 1, padded, "number");
    }

    private void pad(long size) throws IOException {
        int remainder = (int) (size % BLOCK);
        if (remainder != 0) {
            out.write(new byte[BLOCK - remainder]);
        }
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            out.write(new byte[2 * BLOCK]);
            out.close();
        }
    }
}
