package dev.kapal.kubelet.runtime.oci;

import java.util.Objects;

/**
 * One entry of an image's filesystem layer: a path relative to the container root (no leading
 * slash) that is a directory, a regular file or a symbolic link. Entries are written in the order
 * given, so a directory must come before what it contains.
 */
public sealed interface LayerEntry {
    /** The path inside the image, relative to its root. */
    String path();

    /** A directory with permission bits {@code mode}. */
    record Directory(String path, int mode) implements LayerEntry {
        public Directory {
            requireRelative(path);
        }
    }

    /** A regular file with permission bits {@code mode} and the given content. */
    record File(String path, int mode, byte[] content) implements LayerEntry {
        public File {
            requireRelative(path);
            Objects.requireNonNull(content, "content");
        }
    }

    /** A symbolic link to {@code target} (absolute or relative, as the link should read). */
    record Symlink(String path, String target) implements LayerEntry {
        public Symlink {
            requireRelative(path);
            Objects.requireNonNull(target, "target");
        }
    }

    private static void requireRelative(String path) {
        Objects.requireNonNull(path, "path");
        if (path.isEmpty() || path.startsWith("/")) {
            throw new IllegalArgumentException("layer paths are relative to the image root: \"" + path + "\"");
        }
    }
}
