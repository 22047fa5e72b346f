package dev.kapal.storage;

import java.nio.file.Path;

/** TEMP: stand-in so kapal-server compiles until the storage backends land; drop on merge. */
public final class Stores {
    private Stores() {
    }

    public static Store open(String endpoint, Path dataDir) {
        throw new UnsupportedOperationException("datastore backends are not merged into this build yet");
    }
}
