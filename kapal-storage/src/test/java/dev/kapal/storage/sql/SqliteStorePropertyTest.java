package dev.kapal.storage.sql;

import dev.kapal.storage.Store;
import dev.kapal.storage.StoreProperties;

import java.nio.file.Files;
import java.nio.file.Path;

class SqliteStorePropertyTest extends StoreProperties {
    @Override
    protected Store openStore() throws Exception {
        // jqwik has no @TempDir per try; the files are small and go with the OS temp dir.
        Path directory = Files.createTempDirectory("kapal-sqlite-property");
        directory.toFile().deleteOnExit();
        return SqliteStore.open(directory.resolve("state.db"));
    }
}
