package dev.kapal.kubelet.server;

import dev.kapal.kubelet.logs.ContainerLogReader;
import dev.kapal.kubelet.logs.LogOptions;
import dev.kapal.kubelet.runtime.ContainerState;
import dev.kapal.kubelet.runtime.ContainerStatus;
import dev.kapal.kubelet.runtime.NodeRuntime;
import dev.kapal.kubelet.runtime.PodSandboxStatus;
import dev.kapal.kubelet.runtime.RuntimeFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's HTTPS API for one node, on the node's {@link NodeRuntime}:
 * <ul>
 *   <li>{@code GET /healthz}: {@code ok};</li>
 *   <li>{@code GET /containerLogs/{namespace}/{pod}/{container}} with {@code follow}, {@code previous},
 *       {@code tailLines}, {@code sinceSeconds}, {@code sinceTime}, {@code timestamps}, {@code limitBytes}
 *       (see {@link ContainerLogReader});</li>
 *   <li>{@code /exec/{namespace}/{pod}[/{uid}]/{container}?command=…&stdin=…&stdout=…&stderr=…&tty=…},
 *       {@code /attach/…} and {@code /portForward/{namespace}/{pod}[/{uid}]}: upgrade requests,
 *       proxied to the URL of the CRI's {@code Exec}/{@code Attach}/{@code PortForward} (whatever the
 *       runtime's streaming server speaks passes through: SPDY/3.1), except WebSockets, which are
 *       terminated here: exec and attach over {@code v5.channel.k8s.io} (kubectl 1.30+) or
 *       {@code v4.channel.k8s.io} are translated to the runtime's SPDY streams ({@link ChannelSpdyBridge}),
 *       port-forward over WebSocket ({@code SPDY/3.1+portforward.k8s.io}, kubectl 1.31+) has its SPDY
 *       bytes passed on ({@link WebSocketTunnelConnection});</li>
 *   <li>{@code GET /stats/summary}: node CPU and memory from {@code /proc}, pods and containers
 *       from the CRI's {@code ListContainerStats};</li>
 *   <li>{@code GET /metrics/resource}: the same figures in Prometheus form ({@link ResourceMetrics}).</li>
 * </ul>
 * TLS with client certificates from the cluster's client CA: a request without one gets 401
 * {@code Unauthorized}, one the {@link KubeletAuthorizer} refuses 403, as the kubelet answers.
 * Errors are plain text, as the kubelet writes them. Handlers run on virtual threads.
 */
public final class KubeletServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubeletServer.class);
    /** The kubelet's default port. */
    public static final int DEFAULT_PORT = 10250;
    private static final Duration FOLLOW_POLL = Duration.ofMillis(200);

    /**
     * The serving key and chain (serving certificate first, signed by the cluster's server CA so the
     * API server trusts it), and the CA whose client certificates are accepted.
     */
    public record Tls(PrivateKey key, List<X509Certificate> chain, X509Certificate clientCa) {
        public Tls {
            Objects.requireNonNull(key, "key");
            chain = List.copyOf(chain);
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("the serving chain is empty");
            }
            Objects.requireNonNull(clientCa, "clientCa");
        }

        @Override
        public String toString() {
            return "Tls[" + chain.getFirst().getSubjectX500Principal() + "]";
        }
    }

    private final String nodeName;
    private final NodeRuntime runtime;
    private final KubeletAuthorizer authorizer;
    private final Clock clock;
    private final Instant started;
    private final Server server;

    /**
     * Builds the server (not yet listening; see {@link #start()}).
     *
     * @param nodeName    the node this kubelet runs (named in authorization and stats)
     * @param runtime     the node's runtime (not closed by this server)
     * @param tls         serving and client-verification material
     * @param bindAddress where to listen ({@code 0.0.0.0} for every interface)
     * @param port        the port, {@link #DEFAULT_PORT} normally, {@code 0} for any free one
     * @param authorizer  who may do what once authenticated
     */
    public KubeletServer(String nodeName, NodeRuntime runtime, Tls tls, InetAddress bindAddress, int port,
                         KubeletAuthorizer authorizer) {
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.clock = Clock.systemUTC();
        this.started = clock.instant();
        QueuedThreadPool threads = new QueuedThreadPool(8, 2, 60_000);
        threads.setName("kubelet-http");
        server = new Server(threads);
        server.setStopTimeout(2_000);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setUriCompliance(org.eclipse.jetty.http.UriCompliance.UNSAFE);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        secure.setSniRequired(false);
        http.addCustomizer(secure);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("kubelet", tls.key(), "kapal".toCharArray(), tls.chain().toArray(new Certificate[0]));
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("client-ca", tls.clientCa());
            ssl.setKeyStore(keys);
            ssl.setKeyStorePassword("kapal");
            ssl.setTrustStore(trust);
        } catch (Exception e) {
            throw new IllegalArgumentException("unusable kubelet TLS material", e);
        }
        ssl.setWantClientAuth(true);
        ssl.setSniRequired(false);
        ssl.setEndpointIdentificationAlgorithm(null);
        // HTTP/1.1 only: upgrades (SPDY, WebSocket) are HTTP/1.1, and the API server speaks it here.
        HttpConnectionFactory http1 = new HttpConnectionFactory(http);
        ServerConnector connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(ssl, http1.getProtocol()), http1);
        connector.setHost(bindAddress.getHostAddress());
        connector.setPort(port);
        connector.setIdleTimeout(TunnelConnection.STREAM_IDLE_TIMEOUT.toMillis());
        server.addConnector(connector);
        server.setHandler(new Routes());
    }

    /** Starts listening. */
    public void start() throws Exception {
        server.start();
    }

    /** The bound port (after {@link #start()}). */
    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the kubelet server", e);
        }
    }

    // ---------------------------------------------------------------- routing

    private static final Executor REQUEST_THREADS =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("kubelet-request-", 0).factory());

    /** A refusal carrying the status and plain-text message the kubelet answers with. */
    static final class HttpError extends RuntimeException {
        final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final class Routes extends Handler.Abstract {
        Routes() {
            super(InvocationType.NON_BLOCKING);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            REQUEST_THREADS.execute(() -> serve(request, response, callback));
            return true;
        }
    }

    private void serve(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        try {
            Caller caller = authenticate(request).orElseThrow(() -> new HttpError(401, "Unauthorized"));
            List<String> segments = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
            String root = segments.isEmpty() ? "" : segments.getFirst();
            String subresource = switch (root) {
                case "stats" -> "stats";
                case "metrics" -> "metrics";
                case "logs" -> "log";
                case "spec" -> "spec";
                default -> "proxy";
            };
            String verb = switch (request.getMethod()) {
                case "POST" -> "create";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> "delete";
                default -> "get";
            };
            if (!authorizer.allowed(caller.user(), caller.groups(), verb, subresource)) {
                throw new HttpError(403, "Forbidden (user=" + caller.user() + ", verb=" + verb + ", resource=nodes, subresource="
                        + subresource + ")");
            }
            Fields query = queryOf(request);
            switch (root) {
                case "healthz" -> text(response, callback, 200, "ok");
                case "containerLogs" -> {
                    requireSegments(segments, 4, path);
                    containerLogs(segments.get(1), segments.get(2), segments.get(3), query, response, callback);
                }
                case "exec", "attach" -> {
                    if (segments.size() != 4 && segments.size() != 5) {
                        throw new HttpError(404, "404 page not found");
                    }
                    stream(root, segments.get(1), segments.get(2), segments.getLast(), query, request, response, callback);
                }
                case "portForward" -> {
                    if (segments.size() != 3 && segments.size() != 4) {
                        throw new HttpError(404, "404 page not found");
                    }
                    portForward(segments.get(1), segments.get(2), query, request, response, callback);
                }
                case "stats" -> {
                    if (!path.equals("/stats/summary") && !path.equals("/stats/summary/")) {
                        throw new HttpError(404, "404 page not found");
                    }
                    byte[] body = StatsSummary.of(nodeName, started, runtime, clock).getBytes(StandardCharsets.UTF_8);
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                    response.write(true, ByteBuffer.wrap(body), callback);
                }
                case "metrics" -> {
                    if (!path.equals("/metrics/resource") && !path.equals("/metrics/resource/")) {
                        throw new HttpError(404, "404 page not found");
                    }
                    byte[] body = ResourceMetrics.of(runtime, clock).getBytes(StandardCharsets.UTF_8);
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                    response.write(true, ByteBuffer.wrap(body), callback);
                }
                default -> throw new HttpError(404, "404 page not found");
            }
        } catch (HttpError error) {
            fail(response, callback, error.status, error.getMessage());
        } catch (RuntimeFailure failure) {
            fail(response, callback, switch (failure.code()) {
                case NOT_FOUND -> 404;
                case INVALID_ARGUMENT, FAILED_PRECONDITION -> 400;
                case UNAVAILABLE, UNKNOWN -> 500;
            }, failure.getMessage());
        } catch (Throwable unexpected) {
            LOG.warn("kubelet request {} {} failed", request.getMethod(), path, unexpected);
            fail(response, callback, 500, "internal error: " + unexpected.getMessage());
        }
    }

    private static void fail(Response response, Callback callback, int status, String message) {
        if (response.isCommitted()) {
            callback.failed(new IOException(message));
            return;
        }
        text(response, callback, status, message);
    }

    private static void text(Response response, Callback callback, int status, String message) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        if (status == 401) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"kubelet\"");
        }
        response.write(true, ByteBuffer.wrap((message + "\n").getBytes(StandardCharsets.UTF_8)), callback);
    }

    private static void requireSegments(List<String> segments, int count, String path) {
        if (segments.size() != count) {
            throw new HttpError(404, "404 page not found");
        }
    }

    private static Fields queryOf(Request request) {
        try {
            return Request.extractQueryParameters(request);
        } catch (RuntimeException malformed) {
            throw new HttpError(400, "malformed query: " + malformed.getMessage());
        }
    }

    // ---------------------------------------------------------------- authentication

    /** Who the client certificate names: CN is the user, each O a group. */
    record Caller(String user, List<String> groups) {
    }

    private static Optional<Caller> authenticate(Request request) {
        EndPoint.SslSessionData ssl = (EndPoint.SslSessionData) request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        if (ssl == null || ssl.peerCertificates() == null || ssl.peerCertificates().length == 0) {
            return Optional.empty();
        }
        // The TLS layer already checked the chain against the client CA.
        X509Certificate leaf = ssl.peerCertificates()[0];
        try {
            String user = "";
            List<String> groups = new ArrayList<>();
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    user = rdn.getValue().toString();
                } else if (rdn.getType().equalsIgnoreCase("O")) {
                    groups.add(rdn.getValue().toString());
                }
            }
            return user.isEmpty() ? Optional.empty() : Optional.of(new Caller(user, List.copyOf(groups)));
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- logs

    private void containerLogs(String namespace, String pod, String container, Fields query, Response response,
                               Callback callback) throws IOException {
        LogOptions options = logOptions(query);
        PodSandboxStatus sandbox = sandboxOf(namespace, pod);
        List<ContainerStatus> instances = instancesOf(sandbox, container);
        if (instances.isEmpty()) {
            throw new HttpError(400, "container \"" + container + "\" in pod \"" + pod + "\" is waiting to start: ContainerCreating");
        }
        ContainerStatus chosen;
        if (options.previous()) {
            if (instances.size() < 2) {
                throw new HttpError(400, "previous terminated container \"" + container + "\" in pod \"" + pod + "\" not found");
            }
            chosen = instances.get(1);
        } else {
            chosen = instances.getFirst();
            if (chosen.state() == ContainerState.CONTAINER_CREATED) {
                throw new HttpError(400, "container \"" + container + "\" in pod \"" + pod
                        + "\" is waiting to start: ContainerCreating");
            }
        }
        Optional<Path> file = runtime.containerLogPath(chosen.id()).filter(Files::exists);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            if (file.isPresent()) {
                String id = chosen.id();
                new ContainerLogReader(file.get(), options, () -> runtime.containerStatus(id)
                        .map(status -> status.state() == ContainerState.CONTAINER_RUNNING
                                || status.state() == ContainerState.CONTAINER_CREATED)
                        .orElse(false), FOLLOW_POLL).copyTo(out);
            }
        } catch (IOException clientGone) {
            callback.failed(clientGone);
            return;
        }
        callback.succeeded();
    }

    /** The {@code PodLogOptions} of the query, validated as upstream validates them. */
    static LogOptions logOptions(Fields query) {
        OptionalLong tail = longParameter(query, "tailLines");
        OptionalLong sinceSeconds = longParameter(query, "sinceSeconds");
        OptionalLong limit = longParameter(query, "limitBytes");
        Optional<Instant> since = Optional.empty();
        String sinceTime = value(query, "sinceTime");
        if (sinceSeconds.isPresent() && sinceTime != null) {
            throw new HttpError(400, "at most one of sinceTime or sinceSeconds may be specified");
        }
        if (sinceSeconds.isPresent()) {
            if (sinceSeconds.getAsLong() < 1) {
                throw new HttpError(400, "sinceSeconds: Invalid value: " + sinceSeconds.getAsLong() + ": must be greater than 0");
            }
            since = Optional.of(Instant.now().minusSeconds(sinceSeconds.getAsLong()));
        } else if (sinceTime != null) {
            try {
                since = Optional.of(java.time.OffsetDateTime.parse(sinceTime).toInstant());
            } catch (DateTimeParseException e) {
                throw new HttpError(400, "sinceTime: Invalid value: \"" + sinceTime + "\": must be RFC 3339");
            }
        }
        if (tail.isPresent() && tail.getAsLong() < 0) {
            throw new HttpError(400, "tailLines: Invalid value: " + tail.getAsLong() + ": must be greater than or equal to 0");
        }
        if (limit.isPresent() && limit.getAsLong() < 1) {
            throw new HttpError(400, "limitBytes: Invalid value: " + limit.getAsLong() + ": must be greater than 0");
        }
        return new LogOptions(flag(query, "follow"), flag(query, "previous"), tail, since, flag(query, "timestamps"), limit);
    }

    private static String value(Fields query, String name) {
        Fields.Field field = query.get(name);
        return field == null ? null : field.getValue();
    }

    private static boolean flag(Fields query, String name) {
        String value = value(query, name);
        return value != null && (value.equals("1") || value.equalsIgnoreCase("true"));
    }

    private static OptionalLong longParameter(Fields query, String name) {
        String value = value(query, name);
        if (value == null || value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new HttpError(400, name + ": Invalid value: \"" + value + "\": must be an integer");
        }
    }

    // ---------------------------------------------------------------- streaming

    private void stream(String kind, String namespace, String pod, String container, Fields query, Request request,
                        Response response, Callback callback) throws IOException {
        if (!UpgradeProxy.isUpgrade(request)) {
            throw new HttpError(400, "Upgrade request required");
        }
        boolean tty = flag(query, "tty");
        boolean stdin = flag(query, "stdin") || flag(query, "input");
        boolean stdout = flag(query, "stdout") || flag(query, "output");
        // With a terminal, stderr is the terminal's: the kubelet drops the flag.
        boolean stderr = !tty && (flag(query, "stderr") || flag(query, "error"));
        if (!stdin && !stdout && !stderr) {
            throw new HttpError(400, "you must specify at least 1 of stdin, stdout, stderr");
        }
        PodSandboxStatus sandbox = sandboxOf(namespace, pod);
        ContainerStatus running = instancesOf(sandbox, container).stream()
                .filter(c -> c.state() == ContainerState.CONTAINER_RUNNING).findFirst()
                .orElseThrow(() -> new HttpError(400, "container not found (\"" + container + "\")"));
        NodeRuntime.StreamOptions streams = new NodeRuntime.StreamOptions(stdin, stdout, stderr, tty);
        URI target;
        if (kind.equals("exec")) {
            Fields.Field command = query.get("command");
            if (command == null || command.getValues().isEmpty()) {
                throw new HttpError(400, "you must specify at least one command for the container");
            }
            target = runtime.exec(running.id(), command.getValues(), streams);
        } else {
            target = runtime.attach(running.id(), streams);
        }
        Optional<String> channels = UpgradeProxy.channelProtocol(request);
        if (channels.isPresent()) {
            UpgradeProxy.proxyChannelWebSocket(request, response, callback, target, streams, channels.get());
        } else {
            UpgradeProxy.proxy(request, response, callback, target);
        }
    }

    private void portForward(String namespace, String pod, Fields query, Request request, Response response,
                             Callback callback) throws IOException {
        if (!UpgradeProxy.isUpgrade(request)) {
            throw new HttpError(400, "Upgrade request required");
        }
        PodSandboxStatus sandbox = sandboxOf(namespace, pod);
        List<Integer> ports = new ArrayList<>();
        Fields.Field field = query.get("port");
        if (field != null) {
            for (String port : field.getValues()) {
                try {
                    ports.add(Integer.parseInt(port));
                } catch (NumberFormatException e) {
                    throw new HttpError(400, "invalid port: " + port);
                }
            }
        }
        URI target = runtime.portForward(sandbox.id(), ports);
        if (UpgradeProxy.isSpdyOverWebSocket(request)) {
            UpgradeProxy.proxySpdyOverWebSocket(request, response, callback, target);
        } else {
            UpgradeProxy.proxy(request, response, callback, target);
        }
    }

    // ---------------------------------------------------------------- pods in the runtime

    /** The pod's newest sandbox. */
    private PodSandboxStatus sandboxOf(String namespace, String pod) {
        return runtime.listPodSandbox(new NodeRuntime.PodSandboxFilter(Optional.empty(), Optional.empty(),
                        Map.of("io.kubernetes.pod.namespace", namespace, "io.kubernetes.pod.name", pod))).stream()
                .max(Comparator.comparing(PodSandboxStatus::createdAt))
                .orElseThrow(() -> new HttpError(404, "pod \"" + pod + "\" does not exist"));
    }

    /** The instances of a container in the sandbox, newest (highest attempt) first. */
    private List<ContainerStatus> instancesOf(PodSandboxStatus sandbox, String container) {
        return runtime.listContainers(new NodeRuntime.ContainerFilter(Optional.empty(), Optional.empty(),
                        Optional.of(sandbox.id()), Map.of("io.kubernetes.container.name", container))).stream()
                .sorted(Comparator.comparingInt((ContainerStatus c) -> c.metadata().attempt())
                        .thenComparing(ContainerStatus::createdAt).reversed())
                .toList();
    }

    @Override
    public String toString() {
        return "KubeletServer[" + nodeName + "]";
    }

    static String lower(String value) {
        return value.toLowerCase(Locale.ROOT);
    }
}
