package dev.kapal.apiserver;

import java.util.concurrent.CompletableFuture;

/**
 * The API server: serves the Kubernetes API over HTTPS from {@link ApiServerConfig#store()}.
 *
 * <p>Life cycle: {@link #start()} binds the port and returns; {@link #ready()} completes once the
 * store is open, the built-in resources are served and the bootstrap objects (system namespaces,
 * the {@code kubernetes} Service) exist. {@link #close()} stops accepting requests, ends every
 * watch cleanly and closes the store.
 */
public final class ApiServer implements AutoCloseable {
    private final ApiServerConfig config;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    public ApiServer(ApiServerConfig config) {
        this.config = config;
    }

    /** Binds and starts serving; readiness follows asynchronously (see {@link #ready()}). */
    public void start() throws Exception {
        throw new UnsupportedOperationException("being written");
    }

    /** Completes when the server is ready to serve every built-in resource. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** The bound port (useful when configured with port 0). */
    public int port() {
        return config.port();
    }

    @Override
    public void close() {
    }
}
