package dev.kapal.apiserver.http;

import dev.kapal.api.GroupVersionResource;
import dev.kapal.apiserver.ApiServerConfig;
import dev.kapal.apiserver.auth.Authenticator;
import dev.kapal.apiserver.auth.Authorizer;
import dev.kapal.apiserver.registry.ResourceStore;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Builds the Jetty server: HTTPS with HTTP/2 (ALPN) and HTTP/1.1, client certificates requested
 * (not required: tokens and anonymous health checks come without one), handlers on virtual threads.
 */
public final class HttpFront {
    private HttpFront() {
    }

    /** The pieces the front dispatches to. */
    /**
     * @param tokens the service account token issuer behind {@code serviceaccounts/token}; without
     *               one that subresource answers 404
     */
    public record Routes(Function<GroupVersionResource, Optional<ResourceStore>> stores, Filters filters,
                         Patching patching, ApiHandler.NonResourceRoutes nonResource, ApiHandler.RequestObserver observer,
                         Optional<dev.kapal.apiserver.auth.ServiceAccountTokens> tokens) {
    }

    public static Server build(ApiServerConfig config, List<Authenticator> authenticators, Authorizer authorizer,
                               Routes routes, Clock clock) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(16, 2, 60_000);
        threads.setName("kapal-http");
        threads.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("kapal-request-", 0).factory()));
        Server server = new Server(threads);
        server.setStopTimeout(5_000);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(true);
        // Paths are split and decoded by RequestInfo, which answers odd ones (%2F, "..") with a
        // Status; Jetty's own checks would answer them with its error pages first.
        http.setUriCompliance(org.eclipse.jetty.http.UriCompliance.UNSAFE);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        secure.setSniRequired(false);
        http.addCustomizer(secure);

        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(keyStore(config.tls()));
        tls.setKeyStorePassword("kapal");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("client-ca", config.tls().clientCa());
        tls.setTrustStore(trust);
        tls.setWantClientAuth(true);
        tls.setSniRequired(false);
        tls.setEndpointIdentificationAlgorithm(null);

        HttpConnectionFactory http1 = new HttpConnectionFactory(http);
        HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(http);
        http2.setMaxConcurrentStreams(1000);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http1.getProtocol());
        SslConnectionFactory ssl = new SslConnectionFactory(tls, alpn.getProtocol());
        ServerConnector connector = new ServerConnector(server, 1, 1, ssl, alpn, http2, http1);
        connector.setHost(config.bindAddress().getHostAddress());
        connector.setPort(config.port());
        connector.setIdleTimeout(3_600_000);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);

        Subresources subresources = new Subresources(routes.stores(), routes.patching(), clock, config.tls().kubeletClient(),
                routes.tokens());
        ResourceHandler resources = new ResourceHandler(routes.stores(), routes.filters(), routes.patching(), subresources);
        server.setErrorHandler(new StatusErrorHandler());
        server.setHandler(new ApiHandler(authenticators, authorizer, routes.nonResource(), resources, routes.observer(),
                config.maxRequestBytes()));
        return server;
    }

    /** The selector compiler the front uses. */
    public static Filters selectors() {
        return new Selectors();
    }

    /** The patch engines the front uses. */
    public static Patching patching() {
        return new DefaultPatching();
    }

    /** The bound port of a started server. */
    public static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    private static KeyStore keyStore(ApiServerConfig.TlsMaterial material) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", material.serverKey(), "kapal".toCharArray(),
                material.serverChain().toArray(new Certificate[0]));
        return store;
    }

}
