package dev.kapal.server;

import dev.kapal.storage.Store;
import dev.kapal.storage.Stores;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** Opens the datastore chosen by {@code --datastore-endpoint}; ready once it is open. */
final class DatastoreComponent implements Component {
    private final ServerConfig config;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile Store store;

    DatastoreComponent(ServerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public String name() {
        return "datastore";
    }

    @Override
    public String detail() {
        return config.datastoreDescription();
    }

    @Override
    public void start() {
        store = Stores.open(config.datastoreEndpoint(), config.dataDirectory());
        ready.complete(null);
    }

    @Override
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** The open store; only after {@link #start()}. */
    Store store() {
        if (store == null) {
            throw new IllegalStateException("the datastore is not open yet");
        }
        return store;
    }

    @Override
    public void close() {
        // Usually the API server closed it already (it owns the store); this covers start-up
        // failures before the API server took it over. Closing twice is harmless (Store#close).
        if (store != null) {
            store.close();
        }
    }
}
