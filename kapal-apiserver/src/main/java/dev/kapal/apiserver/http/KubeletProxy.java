package dev.kapal.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.GroupVersionKind;
import dev.kapal.api.GroupVersionResource;
import dev.kapal.api.StatusCause;
import dev.kapal.apiserver.ApiServerConfig;
import dev.kapal.apiserver.registry.ResourceStore;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;

/**
 * The subresources answered by the pod's kubelet: {@code pods/log} (streamed, {@code follow}
 * included), and {@code pods/exec}, {@code pods/attach}, {@code pods/portforward} (upgrade
 * requests: SPDY/3.1 or WebSocket, proxied byte for byte once the kubelet switched protocols).
 * As upstream: the pod and container are checked here with upstream's messages, the node is the
 * pod's {@code spec.nodeName}, its address the InternalIP (else ExternalIP, else Hostname) and its
 * port {@code status.daemonEndpoints.kubeletEndpoint.Port}; the connection is TLS with the API
 * server's kubelet client certificate, the kubelet's serving certificate checked against the
 * configured CA and the node's address. A kubelet's refusal of a log request becomes 400 BadRequest
 * with its message; a refused upgrade is relayed as the kubelet sent it.
 */
final class KubeletProxy {
    private static final GroupVersionResource PODS = new GroupVersionResource("", "v1", "pods");
    private static final GroupVersionResource NODES = new GroupVersionResource("", "v1", "nodes");
    private static final Set<String> DROPPED = Set.of("host", "content-length", "transfer-encoding", "authorization",
            "accept-encoding", "keep-alive", "proxy-connection", "te", "trailer", "impersonate-user", "impersonate-group");

    private final Function<GroupVersionResource, Optional<ResourceStore>> stores;
    private final Optional<SSLContext> tls;
    private final Optional<HttpClient> client;

    KubeletProxy(Function<GroupVersionResource, Optional<ResourceStore>> stores,
                 Optional<ApiServerConfig.KubeletClientMaterial> material) {
        this.stores = stores;
        this.tls = material.map(KubeletProxy::sslContext);
        this.client = tls.map(context -> HttpClient.newBuilder()
                .sslContext(context)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build());
    }

    private static SSLContext sslContext(ApiServerConfig.KubeletClientMaterial material) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", material.key(), new char[0], new Certificate[] {material.certificate()});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, new char[0]);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("kubelet-ca", material.kubeletCa());
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), new SecureRandom());
            return context;
        } catch (Exception e) {
            throw new IllegalArgumentException("unusable kubelet client material", e);
        }
    }

    /** Whether this subresource of {@code resource} is served here. */
    static boolean handles(String resource, String subresource) {
        return resource.equals("pods") && Set.of("log", "exec", "attach", "portforward").contains(subresource)
                || resource.equals("nodes") && subresource.equals("proxy");
    }

    void handle(RequestInfo.Resource request, Exchange exchange) throws IOException {
        switch (request.subresource()) {
            case "log" -> {
                if (!request.verb().equals("get")) {
                    throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
                }
                log(request, exchange);
            }
            case "exec", "attach" -> container(request, exchange);
            case "portforward" -> portForward(request, exchange);
            case "proxy" -> nodeProxy(request, exchange);
            default -> throw new ApiException(dev.kapal.api.StatusReason.NOT_FOUND, "the server could not find the requested resource");
        }
    }

    // ---------------------------------------------------------------- nodes/proxy

    /**
     * {@code /api/v1/nodes/{node}[:{port}]/proxy/{path}}: the request, method and body included, to
     * that path on the node's kubelet ({@code stats/summary}, {@code metrics/resource},
     * {@code healthz}, ...), its answer relayed with its status and content type.
     */
    private void nodeProxy(RequestInfo.Resource request, Exchange exchange) throws IOException {
        String name = request.name();
        int colon = name.lastIndexOf(':');
        String nodeName = colon < 0 ? name : name.substring(0, colon);
        String marker = "/nodes/" + name + "/proxy";
        String path = exchange.path();
        int at = path.indexOf(marker);
        String rest = at < 0 ? "/" : path.substring(at + marker.length());
        if (rest.isEmpty()) {
            rest = "/";
        }
        String query = exchange.rawQuery();
        URI target = kubelet(nodeName, rest + (query == null || query.isEmpty() ? "" : "?" + query));
        byte[] body = exchange.body();
        HttpRequest.BodyPublisher publisher = body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest.Builder outgoing = HttpRequest.newBuilder(target).method(exchange.method(), publisher);
        exchange.header("Content-Type").ifPresent(type -> outgoing.header("Content-Type", type));
        exchange.header("Accept").ifPresent(accept -> outgoing.header("Accept", accept));
        HttpResponse<InputStream> answer = send(nodeName, outgoing.build());
        try (InputStream in = answer.body()) {
            relay(in, exchange, answer.statusCode(), answer.headers().firstValue("Content-Type").orElse("text/plain"));
        }
    }

    private HttpResponse<InputStream> send(String nodeName, HttpRequest request) {
        try {
            return httpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.internal("interrupted while connecting to the kubelet");
        } catch (IOException e) {
            throw unreachable(nodeName, e);
        }
    }

    /** Streams the kubelet's answer to the client; a client or kubelet that goes away ends it quietly. */
    private static void relay(InputStream in, Exchange exchange, int status, String contentType) throws IOException {
        exchange.startStream(status, contentType);
        byte[] buffer = new byte[16 * 1024];
        int read;
        try {
            while ((read = in.read(buffer)) >= 0) {
                if (read > 0) {
                    exchange.stream(java.util.Arrays.copyOf(buffer, read));
                }
            }
        } catch (IOException gone) {
            // A follower that stopped (kubectl logs -f ended) or a kubelet that went away.
            exchange.abort(gone);
            return;
        }
        exchange.endStream();
    }

    // ---------------------------------------------------------------- pods/log

    private void log(RequestInfo.Resource request, Exchange exchange) throws IOException {
        ObjectNode pod = pod(request);
        String container = container(pod, exchange.query("container").orElse(""));
        validateLogOptions(request.name(), exchange);
        String nodeName = pod.path("spec").path("nodeName").asText("");
        if (nodeName.isEmpty()) {
            // Not yet on a node: nothing has been written (upstream answers an empty stream too).
            exchange.respond(200, "text/plain", new byte[0]);
            return;
        }
        StringBuilder query = new StringBuilder();
        for (String name : List.of("follow", "previous", "tailLines", "sinceSeconds", "sinceTime", "timestamps", "limitBytes")) {
            Optional<String> value = exchange.query(name);
            if (value.isPresent()) {
                query.append(query.isEmpty() ? "?" : "&").append(name).append('=')
                        .append(URLEncoder.encode(value.get(), StandardCharsets.UTF_8));
            }
        }
        URI target = kubelet(nodeName, "/containerLogs/" + request.namespace() + "/" + request.name() + "/" + container + query);
        HttpResponse<InputStream> answer = send(nodeName, HttpRequest.newBuilder(target).GET().build());
        try (InputStream body = answer.body()) {
            if (answer.statusCode() != 200) {
                String message = new String(body.readNBytes(64 * 1024), StandardCharsets.UTF_8).trim();
                throw ApiException.badRequest(message.isEmpty() ? "the kubelet answered " + answer.statusCode() : message);
            }
            relay(body, exchange, 200, "text/plain");
        }
    }

    private static void validateLogOptions(String name, Exchange exchange) {
        List<StatusCause> causes = new ArrayList<>();
        Optional<Long> tail = number(exchange, "tailLines");
        Optional<Long> since = number(exchange, "sinceSeconds");
        Optional<Long> limit = number(exchange, "limitBytes");
        tail.filter(value -> value < 0).ifPresent(value ->
                causes.add(StatusCause.invalid("tailLines", Long.toString(value), "must be greater than or equal to 0")));
        since.filter(value -> value < 1).ifPresent(value ->
                causes.add(StatusCause.invalid("sinceSeconds", Long.toString(value), "must be greater than 0")));
        limit.filter(value -> value < 1).ifPresent(value ->
                causes.add(StatusCause.invalid("limitBytes", Long.toString(value), "must be greater than 0")));
        if (since.isPresent() && exchange.query("sinceTime").isPresent()) {
            causes.add(StatusCause.forbidden("", "at most one of `sinceTime` or `sinceSeconds` may be specified"));
        }
        exchange.query("sinceTime").ifPresent(value -> {
            try {
                java.time.OffsetDateTime.parse(value);
            } catch (java.time.format.DateTimeParseException e) {
                throw ApiException.badRequest("parsing time \"" + value + "\" as RFC 3339: " + e.getMessage());
            }
        });
        if (!causes.isEmpty()) {
            throw ApiException.invalid(new GroupVersionKind("", "v1", "PodLogOptions"), name, causes);
        }
    }

    private static Optional<Long> number(Exchange exchange, String name) {
        Optional<String> value = exchange.query(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(value.get()));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("strconv.ParseInt: parsing \"" + value.get() + "\": invalid syntax");
        }
    }

    // ---------------------------------------------------------------- exec, attach, portforward

    private void container(RequestInfo.Resource request, Exchange exchange) throws IOException {
        ObjectNode pod = pod(request);
        String container = container(pod, exchange.query("container").orElse(""));
        String nodeName = assignedNode(pod, request.name());
        String phase = pod.path("status").path("phase").asText("");
        if (phase.equals("Succeeded") || phase.equals("Failed")) {
            throw ApiException.badRequest((request.subresource().equals("exec") ? "cannot exec into" : "cannot attach to")
                    + " a container in a completed pod; current phase is " + phase);
        }
        String query = exchange.rawQuery();
        URI target = kubelet(nodeName, "/" + request.subresource() + "/" + request.namespace() + "/" + request.name() + "/"
                + container + (query.isEmpty() ? "" : "?" + query));
        upgrade(exchange, nodeName, target);
    }

    private void portForward(RequestInfo.Resource request, Exchange exchange) throws IOException {
        ObjectNode pod = pod(request);
        String nodeName = assignedNode(pod, request.name());
        String query = exchange.rawQuery();
        upgrade(exchange, nodeName, kubelet(nodeName, "/portForward/" + request.namespace() + "/" + request.name()
                + (query.isEmpty() ? "" : "?" + query)));
    }

    private static String assignedNode(ObjectNode pod, String name) {
        String nodeName = pod.path("spec").path("nodeName").asText("");
        if (nodeName.isEmpty()) {
            throw ApiException.badRequest("pod " + name + " does not have a host assigned");
        }
        return nodeName;
    }

    /** Replays the upgrade request on a TLS connection to the kubelet and relays its answer. */
    private void upgrade(Exchange exchange, String nodeName, URI target) throws IOException {
        Request request = exchange.request();
        String connection = exchange.header("Connection").orElse("").toLowerCase(Locale.ROOT);
        if (exchange.header("Upgrade").isEmpty() || !connection.contains("upgrade")) {
            throw ApiException.badRequest("Upgrade request required");
        }
        SSLSocket socket;
        try {
            java.net.Socket plain = new java.net.Socket();
            plain.connect(new InetSocketAddress(target.getHost(), target.getPort()), 10_000);
            socket = (SSLSocket) tlsContext().getSocketFactory().createSocket(plain, target.getHost(), target.getPort(), true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
        } catch (IOException e) {
            throw unreachable(nodeName, e);
        }
        boolean handedOver = false;
        try {
            StringBuilder head = new StringBuilder();
            head.append(request.getMethod()).append(' ').append(target.getRawPath());
            if (target.getRawQuery() != null) {
                head.append('?').append(target.getRawQuery());
            }
            head.append(" HTTP/1.1\r\nHost: ").append(target.getHost()).append(':').append(target.getPort()).append("\r\n");
            for (HttpField field : request.getHeaders()) {
                if (!DROPPED.contains(field.getLowerCaseName())) {
                    head.append(field.getName()).append(": ").append(field.getValue()).append("\r\n");
                }
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            int status = readStatus(in);
            List<String[]> headers = readHeaders(in);
            var response = exchange.response();
            if (status == 101) {
                response.setStatus(101);
                for (String[] header : headers) {
                    if (!header[0].equalsIgnoreCase("content-length") && !header[0].equalsIgnoreCase("date")) {
                        response.getHeaders().add(header[0], header[1]);
                    }
                }
                request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, new TunnelConnection(
                        request.getConnectionMetaData().getConnection().getEndPoint(), request.getComponents().getExecutor(),
                        socket, in));
                handedOver = true;
                exchange.answeredElsewhere(101);
                exchange.callback().succeeded();
                return;
            }
            String contentType = "text/plain; charset=utf-8";
            long length = -1;
            boolean chunked = false;
            for (String[] header : headers) {
                switch (header[0].toLowerCase(Locale.ROOT)) {
                    case "content-type" -> contentType = header[1];
                    case "content-length" -> length = Long.parseLong(header[1].trim());
                    case "transfer-encoding" -> chunked = header[1].toLowerCase(Locale.ROOT).contains("chunked");
                    default -> {
                    }
                }
            }
            byte[] body = length >= 0 ? in.readNBytes((int) Math.min(length, 1 << 20))
                    : chunked ? readChunked(in) : in.readNBytes(1 << 20);
            exchange.respond(status, contentType, body);
        } finally {
            if (!handedOver) {
                socket.close();
            }
        }
    }

    private static int readStatus(InputStream in) throws IOException {
        String line = readLine(in);
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("the kubelet did not answer HTTP: " + line);
        }
        return Integer.parseInt(parts[1]);
    }

    private static List<String[]> readHeaders(InputStream in) throws IOException {
        List<String[]> headers = new ArrayList<>();
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
            }
        }
        return headers;
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (body.size() < (1 << 20)) {
            String size = readLine(in);
            int semicolon = size.indexOf(';');
            int chunk = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (chunk == 0) {
                break;
            }
            body.write(in.readNBytes(chunk));
            readLine(in);
        }
        return body.toByteArray();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
            if (line.size() > 64 * 1024) {
                throw new IOException("header line too long");
            }
        }
        if (b < 0 && line.size() == 0) {
            throw new IOException("the kubelet closed the connection");
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    // ---------------------------------------------------------------- lookups

    private ObjectNode pod(RequestInfo.Resource request) {
        return stores.apply(PODS).orElseThrow().get(request.namespace(), request.name(), "");
    }

    /**
     * The container a request names, or the pod's only container when it names none; upstream's
     * messages for a missing or unknown one.
     */
    static String container(JsonNode pod, String requested) {
        String name = pod.path("metadata").path("name").asText("");
        List<String> containers = names(pod.path("spec").path("containers"));
        List<String> initContainers = names(pod.path("spec").path("initContainers"));
        List<String> ephemeral = names(pod.path("spec").path("ephemeralContainers"));
        if (requested.isEmpty()) {
            if (containers.size() == 1) {
                return containers.getFirst();
            }
            StringBuilder message = new StringBuilder("a container name must be specified for pod " + name
                    + ", choose one of: [" + String.join(" ", containers) + "]");
            if (!initContainers.isEmpty()) {
                message.append(" or one of the init containers: [").append(String.join(" ", initContainers)).append(']');
            }
            if (!ephemeral.isEmpty()) {
                message.append(" or one of the ephemeral containers: [").append(String.join(" ", ephemeral)).append(']');
            }
            throw ApiException.badRequest(message.toString());
        }
        if (containers.contains(requested) || initContainers.contains(requested) || ephemeral.contains(requested)) {
            return requested;
        }
        throw ApiException.badRequest("container " + requested + " is not valid for pod " + name);
    }

    private static List<String> names(JsonNode containers) {
        List<String> names = new ArrayList<>();
        containers.forEach(container -> names.add(container.path("name").asText("")));
        return names;
    }

    /** {@code https://<address>:<port><path>} of the node's kubelet. */
    private URI kubelet(String nodeName, String pathAndQuery) {
        tlsContext();
        ObjectNode node;
        try {
            node = stores.apply(NODES).orElseThrow().get("", nodeName, "");
        } catch (ApiException e) {
            if (e.code() == 404) {
                throw ApiException.badRequest("node \"" + nodeName + "\" not found");
            }
            throw e;
        }
        String address = "";
        for (String type : List.of("InternalIP", "ExternalIP", "Hostname")) {
            for (JsonNode entry : node.path("status").path("addresses")) {
                if (address.isEmpty() && entry.path("type").asText("").equals(type)) {
                    address = entry.path("address").asText("");
                }
            }
        }
        if (address.isEmpty()) {
            throw ApiException.badRequest("node \"" + nodeName + "\" has no address");
        }
        int port = node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt(0);
        if (port <= 0) {
            port = 10250;
        }
        String host = address.contains(":") ? "[" + address + "]" : address;
        return URI.create("https://" + host + ":" + port + pathAndQuery);
    }

    private SSLContext tlsContext() {
        return tls.orElseThrow(() -> ApiException.serviceUnavailable("no kubelet client credentials are configured"));
    }

    private HttpClient httpClient() {
        return client.orElseThrow(() -> ApiException.serviceUnavailable("no kubelet client credentials are configured"));
    }

    private static ApiException unreachable(String nodeName, IOException e) {
        return ApiException.internal("error dialing backend: " + e.getMessage() + " (node " + nodeName + ")");
    }
}
