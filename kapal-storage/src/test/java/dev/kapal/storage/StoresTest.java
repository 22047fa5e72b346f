package dev.kapal.storage;

import dev.kapal.storage.memory.MemoryStore;
import dev.kapal.storage.sql.SqliteStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoresTest {
    @TempDir
    Path dataDir;

    @Test
    void emptyEndpointAndBareSqliteUseTheDefaultFile() {
        for (String endpoint : new String[] {"", "sqlite://"}) {
            try (Store store = Stores.open(endpoint, dataDir)) {
                assertThat(store).isInstanceOf(SqliteStore.class);
                assertThat(((SqliteStore) store).file()).isEqualTo(dataDir.resolve("server/db/state.db"));
            }
            assertThat(Files.exists(dataDir.resolve("server/db/state.db"))).isTrue();
        }
    }

    @Test
    void relativeSqlitePathsResolveAgainstTheDataDirAndAbsoluteOnesDoNot() {
        try (Store store = Stores.open("sqlite://custom/kapal.db", dataDir)) {
            assertThat(((SqliteStore) store).file()).isEqualTo(dataDir.resolve("custom/kapal.db"));
        }
        Path absolute = dataDir.resolve("elsewhere/abs.db").toAbsolutePath();
        try (Store store = Stores.open("sqlite://" + absolute, dataDir)) {
            assertThat(((SqliteStore) store).file()).isEqualTo(absolute);
            store.create("/registry/a", new byte[] {1});
        }
        assertThat(Files.exists(absolute)).isTrue();
    }

    @Test
    void memoryEndpointOpensAMemoryStore() {
        try (Store store = Stores.open("memory://", dataDir)) {
            assertThat(store).isInstanceOf(MemoryStore.class);
        }
    }

    @Test
    void unsupportedEndpointsFailWithAClearMessage() {
        assertThatThrownBy(() -> Stores.open("etcd://127.0.0.1:2379", dataDir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("etcd datastore is not supported yet");
        assertThatThrownBy(() -> Stores.open("postgres://db/kapal", dataDir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("postgres datastore is not supported yet");
        assertThatThrownBy(() -> Stores.open("foo://x", dataDir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("foo");
        assertThatThrownBy(() -> Stores.open("/var/lib/state.db", dataDir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sqlite://");
        assertThatThrownBy(() -> Stores.open("sqlite://state.db?_journal=WAL", dataDir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parameters");
    }
}
