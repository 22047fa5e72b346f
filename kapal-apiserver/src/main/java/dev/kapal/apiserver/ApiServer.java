package dev.kapal.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.GroupVersionResource;
import dev.kapal.apiserver.admission.Admission;
import dev.kapal.apiserver.admission.DefaultTolerationSeconds;
import dev.kapal.apiserver.admission.ServiceAllocation;
import dev.kapal.apiserver.auth.Authenticator;
import dev.kapal.apiserver.auth.ClientCertificateAuthenticator;
import dev.kapal.apiserver.auth.ServiceAccountAuthenticator;
import dev.kapal.apiserver.auth.ServiceAccountTokens;
import dev.kapal.apiserver.cache.CacheManager;
import dev.kapal.apiserver.cache.CachedObject;
import dev.kapal.apiserver.discovery.Discovery;
import dev.kapal.apiserver.discovery.DiscoveryResponse;
import dev.kapal.apiserver.discovery.Health;
import dev.kapal.apiserver.discovery.HealthResponse;
import dev.kapal.apiserver.discovery.VersionInfo;
import dev.kapal.apiserver.http.ApiHandler;
import dev.kapal.apiserver.http.Exchange;
import dev.kapal.apiserver.http.HttpFront;
import dev.kapal.apiserver.http.RequestInfo;
import dev.kapal.apiserver.kinds.BuiltinKinds;
import dev.kapal.apiserver.metrics.ApiMetrics;
import dev.kapal.apiserver.openapi.OpenApi;
import dev.kapal.apiserver.registry.ResourceDefinition;
import dev.kapal.apiserver.registry.ResourceRegistry;
import dev.kapal.apiserver.registry.ResourceStore;
import dev.kapal.storage.Compactor;
import dev.kapal.storage.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API server: serves the Kubernetes API over HTTPS from {@link ApiServerConfig#store()}.
 *
 * <p>Life cycle: {@link #start()} starts the watch cache, registers the built-in resources, binds
 * the port and creates the bootstrap objects (system namespaces, the {@code kubernetes} Service,
 * the system priority classes); {@link #ready()} completes when all of that is done.
 * Beside it run the {@link Compactor} and the {@link EventTtl} sweeper.
 * {@link #close()} stops accepting requests, ends every watch cleanly and closes the store.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final ApiServerConfig config;
    private final Clock clock;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final ResourceRegistry registry = new ResourceRegistry();
    private final Map<GroupVersionResource, ResourceStore> stores = new ConcurrentHashMap<>();
    private final ApiMetrics metrics = new ApiMetrics();
    private final Store store;
    private final CacheManager caches;
    private final List<Admission> admissions;
    private final ServiceAccountTokens tokens;
    private Compactor compactor;
    private EventTtl eventTtl;
    /** Re-runs {@link Bootstrap} every {@link #BOOTSTRAP_INTERVAL} while serving. */
    private Thread bootstrapLoop;
    private volatile boolean serving;
    private Server server;
    private Discovery discovery;
    private OpenApi openApi;
    private Health health;
    private dev.kapal.apiserver.crd.CrdController crds;

    public ApiServer(ApiServerConfig config) {
        this(config, Clock.systemUTC());
    }

    public ApiServer(ApiServerConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.store = new MeteredStore(config.store(), metrics);
        this.caches = new CacheManager(store, config.eventHistory(), clock);
        List<Admission> plugins = new ArrayList<>(List.of(new ServiceAllocation(config.serviceCidr(), this::takenServiceAddresses),
                new DefaultTolerationSeconds(), new dev.kapal.apiserver.admission.Priority(this::priorityClasses)));
        if (config.serviceAccountAdmission()) {
            plugins.add(new dev.kapal.apiserver.admission.ServiceAccount(
                    (namespace, name) -> find(new GroupVersionResource("", "v1", "serviceaccounts"), namespace, name)));
        }
        this.admissions = List.copyOf(plugins);
        String issuer = "https://kubernetes.default.svc." + config.clusterDomain();
        this.tokens = new ServiceAccountTokens(config.tls().serviceAccountKey().orElseGet(dev.kapal.apiserver.tls.ClusterPki::newServiceAccountKey),
                issuer, List.of(issuer), clock);
    }

    /** The service account token issuer (TokenRequest, the bearer-token authenticator). */
    public ServiceAccountTokens serviceAccountTokens() {
        return tokens;
    }

    /** The stored PriorityClasses, for the Priority admission plugin. */
    private List<com.fasterxml.jackson.databind.node.ObjectNode> priorityClasses() {
        return store(new GroupVersionResource("scheduling.k8s.io", "v1", "priorityclasses"))
                .map(classes -> classes.listCached().stream().map(CachedObject::object).toList())
                .orElse(List.of());
    }

    /** Binds and starts serving; returns when the server is ready (see {@link #ready()}). */
    public void start() throws Exception {
        long started = System.nanoTime();
        caches.start();
        compactor = new Compactor(store);
        eventTtl = new EventTtl(store, config.eventTtl(), clock);
        // Every served resource gets its cache now, so watches can resume from any revision a
        // list returned since start (a cache made on first use would start later than that).
        registry.addListener(snapshot -> {
            stores.clear();
            snapshot.byResource().values().stream()
                    .filter(definition -> !BuiltinKinds.isServedByHandler(definition))
                    .forEach(definition -> caches.cache(definition.info().keyPrefix()));
        });
        registry.register(BuiltinKinds.all());
        LOG.debug("built-in resources and their caches ready after {} ms", (System.nanoTime() - started) / 1_000_000);
        // Stored CRDs are served before the port opens, so custom resources survive a restart seamlessly.
        crds = new dev.kapal.apiserver.crd.CrdController(registry, this::store, caches::drop, clock);
        crds.start();
        discovery = new Discovery(registry, VersionInfo.kapal(VersionInfo.UNKNOWN_COMMIT, Instant.now(clock)),
                config.advertiseAddress().getHostAddress() + ":" + config.port());
        openApi = new OpenApi(registry);
        LOG.debug("CRDs, discovery and OpenAPI ready after {} ms", (System.nanoTime() - started) / 1_000_000);
        health = Health.withPing();
        health.register("log", Optional::empty);
        health.register("etcd", () -> {
            try {
                store.currentRevision();
                return Optional.empty();
            } catch (RuntimeException e) {
                return Optional.of("datastore unavailable: " + e.getMessage());
            }
        });
        health.register("poststarthook/bootstrap-controller", () -> serving ? Optional.empty() : Optional.of("not finished"));
        List<Authenticator> authenticators = new ArrayList<>();
        authenticators.add(new ClientCertificateAuthenticator());
        authenticators.add(new ServiceAccountAuthenticator(tokens, (resource, namespace, name) ->
                find(new GroupVersionResource("", "v1", resource), namespace, name), clock));
        authenticators.addAll(config.authenticators());
        server = HttpFront.build(config, authenticators, config.authorizer(),
                new HttpFront.Routes(this::store, HttpFront.selectors(), HttpFront.patching(), this::nonResource, observer(),
                        Optional.of(tokens)),
                clock);
        LOG.debug("API server assembled in {} ms", (System.nanoTime() - started) / 1_000_000);
        server.start();
        LOG.debug("HTTPS listening after {} ms", (System.nanoTime() - started) / 1_000_000);
        Bootstrap.run(this, config);
        LOG.debug("bootstrap objects in place after {} ms", (System.nanoTime() - started) / 1_000_000);
        serving = true;
        bootstrapLoop = Thread.ofVirtual().name("kapal-bootstrap").start(this::repairBootstrapObjects);
        ready.complete(null);
    }

    /**
     * How often the bootstrap objects are repaired: upstream's API server reconciles the
     * {@code kubernetes} Service and its endpoints every 10 s, so deleting them is undone.
     */
    static final Duration BOOTSTRAP_INTERVAL = Duration.ofSeconds(10);

    private void repairBootstrapObjects() {
        while (serving) {
            try {
                Thread.sleep(BOOTSTRAP_INTERVAL);
            } catch (InterruptedException closing) {
                return;
            }
            try {
                if (serving) {
                    Bootstrap.run(this, config);
                }
            } catch (RuntimeException failure) {
                LOG.debug("repairing the bootstrap objects failed, trying again in {}: {}", BOOTSTRAP_INTERVAL,
                        failure.getMessage());
            }
        }
    }

    /**
     * Renders the OpenAPI documents now (about a second of CPU) rather than on the first request
     * for them; the server is fully usable meanwhile. Meant for a background thread after
     * {@link #ready()}.
     */
    public void prepareOpenApi() {
        openApi.prepare();
    }

    /** Completes when the server is ready to serve every built-in resource. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** The bound port (useful when configured with port 0). */
    public int port() {
        return server == null ? config.port() : HttpFront.port(server);
    }

    /** The resources served; CRDs add to it at run time. */
    public ResourceRegistry registry() {
        return registry;
    }

    /** The store of a served resource. */
    public Optional<ResourceStore> store(GroupVersionResource resource) {
        ResourceStore existing = stores.get(resource);
        if (existing != null) {
            return Optional.of(existing);
        }
        Optional<ResourceDefinition> definition = registry.snapshot().find(resource);
        if (definition.isEmpty() || BuiltinKinds.isServedByHandler(definition.get())) {
            return Optional.empty();
        }
        return Optional.of(stores.computeIfAbsent(resource, ignored -> new ResourceStore(definition.get(),
                store, caches, this::findNamespace, clock, config.garbageCollection(), admissions)));
    }

    /** The cluster IPs and node ports current services hold, for allocation. */
    private ServiceAllocation.Taken takenServiceAddresses() {
        ResourceStore services = store(new GroupVersionResource("", "v1", "services")).orElseThrow();
        java.util.Set<String> ips = new java.util.HashSet<>();
        java.util.Set<Integer> ports = new java.util.HashSet<>();
        for (CachedObject service : services.listCached()) {
            service.object().path("spec").path("clusterIPs").forEach(ip -> ips.add(ip.asText()));
            String single = service.object().path("spec").path("clusterIP").asText("");
            if (!single.isEmpty()) {
                ips.add(single);
            }
            service.object().path("spec").path("ports").forEach(port -> {
                if (port.path("nodePort").asInt(0) > 0) {
                    ports.add(port.path("nodePort").asInt());
                }
            });
        }
        return new ServiceAllocation.Taken(ips, ports);
    }

    /**
     * The namespace as the cache has it, else as the store has it: like upstream's
     * NamespaceLifecycle admission, a create does not wait for the cache when it already knows
     * the namespace, and a namespace created a moment ago is still found.
     */
    private Optional<ObjectNode> findNamespace(String namespace) {
        return find(new GroupVersionResource("", "v1", "namespaces"), "", namespace);
    }

    /** An object as the cache has it, else as the store has it (not to be modified). */
    private Optional<ObjectNode> find(GroupVersionResource resource, String namespace, String name) {
        Optional<ResourceStore> served = store(resource);
        if (served.isEmpty()) {
            return Optional.empty();
        }
        Optional<CachedObject> cached = served.get().peekCached(namespace, name);
        if (cached.isPresent()) {
            return cached.map(CachedObject::object);
        }
        try {
            return Optional.of(served.get().get(namespace, name, ""));
        } catch (ApiException notFound) {
            if (notFound.code() == 404) {
                return Optional.empty();
            }
            throw notFound;
        }
    }

    private boolean nonResource(RequestInfo.NonResource request, Exchange exchange,
                                Optional<dev.kapal.apiserver.auth.UserInfo> user) {
        String path = request.path();
        if (!request.verb().equals("get") && !request.verb().equals("head")) {
            if (discovery.handle(path, "", Optional.empty()).isPresent() || path.startsWith("/healthz") || path.startsWith("/openapi/")
                    || path.startsWith("/readyz") || path.startsWith("/livez") || path.equals("/metrics")) {
                throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
            }
            return false;
        }
        if (path.equals("/healthz") || path.startsWith("/healthz/") || path.equals("/livez") || path.startsWith("/livez/")
                || path.equals("/readyz") || path.startsWith("/readyz/")) {
            String rawQuery = exchange.rawQuery();
            Optional<HealthResponse> answer = health.handle(path, rawQuery);
            if (answer.isEmpty()) {
                return false;
            }
            answer.get().headers().forEach(exchange::setHeader);
            exchange.respond(answer.get().status(), answer.get().contentType(), answer.get().bodyBytes());
            return true;
        }
        if (path.equals("/metrics")) {
            if (user.isEmpty()) {
                throw ApiException.unauthorized();
            }
            exchange.respond(200, metrics.contentType(), metrics.render(config.metricsSources()));
            return true;
        }
        if (user.isEmpty() && !path.equals("/version") && !path.equals("/version/")) {
            throw ApiException.unauthorized();
        }
        if (path.equals("/.well-known/openid-configuration")) {
            // Service account issuer discovery, as upstream serves it to authenticated callers.
            ObjectNode document = dev.kapal.api.Json.object();
            document.put("issuer", tokens.issuer());
            document.put("jwks_uri", "https://" + dev.kapal.apiserver.tls.InetLiterals.formatForUrl(config.advertiseAddress())
                    + ":" + port() + "/openid/v1/jwks");
            document.putArray("response_types_supported").add("id_token");
            document.putArray("subject_types_supported").add("public");
            document.putArray("id_token_signing_alg_values_supported").add("RS256");
            exchange.setHeader("Cache-Control", "public, max-age=3600");
            exchange.respond(200, "application/json", dev.kapal.api.Json.write(document));
            return true;
        }
        if (path.equals("/openid/v1/jwks")) {
            exchange.setHeader("Cache-Control", "public, max-age=3600");
            exchange.respond(200, "application/jwk-set+json", tokens.jwks().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return true;
        }
        Optional<DiscoveryResponse> answer = path.startsWith("/openapi/")
                ? openApi.handle(path, exchange.rawQuery(), exchange.header("Accept").orElse(""), exchange.header("If-None-Match"))
                : discovery.handle(path, exchange.header("Accept").orElse(""), exchange.header("If-None-Match"));
        if (answer.isEmpty()) {
            return false;
        }
        DiscoveryResponse response = answer.get();
        response.headers().forEach(exchange::setHeader);
        if (response.status() == 304) {
            exchange.respondNotModified();
        } else {
            exchange.respond(response.status(), response.contentType().orElse("application/json"), response.body());
        }
        return true;
    }

    private ApiHandler.RequestObserver observer() {
        return new ApiHandler.RequestObserver() {
            @Override
            public void observe(RequestInfo request, int code, long nanos) {
                ApiServer.this.observe(request, code, nanos);
            }

            @Override
            public AutoCloseable watchStarted(RequestInfo.Resource request) {
                return metrics.watchOpened(request.group(), request.version(), request.resource(),
                        request.namespace().isEmpty() ? "cluster" : "namespace");
            }
        };
    }

    private void observe(RequestInfo request, int code, long nanos) {
        switch (request) {
            case RequestInfo.Resource r -> metrics.observeRequest(r.verb().toUpperCase(), r.group(), r.version(),
                    r.resource(), r.subresource(), r.name().isEmpty() ? (r.namespace().isEmpty() ? "cluster" : "namespace")
                            : "resource", code, nanos);
            case RequestInfo.NonResource n -> {
            }
        }
    }

    /** The server's request and store metrics. */
    public ApiMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        serving = false;
        if (bootstrapLoop != null) {
            bootstrapLoop.interrupt();
        }
        if (crds != null) {
            crds.close();
        }
        if (compactor != null) {
            compactor.close();
        }
        if (eventTtl != null) {
            eventTtl.close();
        }
        caches.close();
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                LOG.warn("stopping the HTTP server: {}", e.getMessage());
            }
        }
        store.close();
    }
}
