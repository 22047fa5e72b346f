package dev.kapal.kubelet;

import dev.kapal.kubelet.probe.health.HealthCheckRequest;
import dev.kapal.kubelet.probe.health.HealthCheckResponse;
import dev.kapal.kubelet.probe.health.HealthGrpc;
import dev.kapal.kubelet.runtime.ExecResult;
import dev.kapal.kubelet.runtime.ExecTimeout;
import dev.kapal.kubelet.runtime.NodeRuntime;
import dev.kapal.kubelet.runtime.RuntimeFailure;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Carries out one run of a container probe as upstream's {@code pkg/probe} does, from the node's
 * host network to the pod: exec through {@link NodeRuntime#execSync}, httpGet, tcpSocket and
 * grpc ({@code grpc.health.v1.Health/Check}, plaintext). Results and output texts are upstream's,
 * including Go's error strings for the common network failures, so {@code Unhealthy} events read
 * the same ({@code HTTP probe failed with statuscode: 500},
 * {@code dial tcp 10.42.0.5:8080: connect: connection refused}).
 *
 * <p>Stateless and thread-safe; every call blocks for up to the probe's timeout (callers use
 * virtual threads).
 */
final class ProbeRunner {
    /** Upstream reads at most 10 KiB of a probe's output or body. */
    private static final int MAX_OUTPUT = 10 * 1024;
    private static final int MAX_REDIRECTS = 10;
    static final String USER_AGENT = "kube-probe/1.33";
    private static final SSLSocketFactory INSECURE = insecureSockets();

    /** Upstream's {@code probe.Result}. */
    enum Result { SUCCESS, WARNING, FAILURE, UNKNOWN }

    /**
     * One run's outcome: the result and output text, or an error (the probe could not be carried
     * out: upstream records "errored" and throws the result away).
     */
    record Outcome(Result result, String output, String error, Optional<Integer> exitCode) {
        Outcome {
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(output, "output");
            Objects.requireNonNull(exitCode, "exitCode");
        }

        static Outcome of(Result result, String output) {
            return new Outcome(result, output, null, Optional.empty());
        }

        static Outcome error(String error) {
            return new Outcome(Result.UNKNOWN, "", error, Optional.empty());
        }

        boolean errored() {
            return error != null;
        }
    }

    private ProbeRunner() {
    }

    /**
     * Runs {@code probe} once against the container.
     *
     * @param podIp the pod's address (the host's for host-network pods), empty when it has none yet
     */
    static Outcome run(NodeRuntime runtime, Probe probe, Container container, String containerId, String podIp) {
        Duration timeout = Duration.ofSeconds(probe.getTimeoutSeconds() == null || probe.getTimeoutSeconds() < 1
                ? 1 : probe.getTimeoutSeconds());
        if (probe.getExec() != null) {
            return exec(runtime, containerId, expand(probe.getExec().getCommand(), container.getEnv()), timeout);
        }
        if (probe.getHttpGet() != null) {
            return httpGet(probe.getHttpGet(), container, podIp, timeout);
        }
        if (probe.getTcpSocket() != null) {
            int port;
            try {
                port = resolvePort(probe.getTcpSocket().getPort(), container);
            } catch (IllegalArgumentException invalid) {
                return Outcome.error(invalid.getMessage());
            }
            String host = probe.getTcpSocket().getHost() == null || probe.getTcpSocket().getHost().isEmpty()
                    ? podIp : probe.getTcpSocket().getHost();
            return tcp(host, port, timeout);
        }
        if (probe.getGrpc() != null) {
            String service = probe.getGrpc().getService() == null ? "" : probe.getGrpc().getService();
            return grpc(podIp, probe.getGrpc().getPort() == null ? 0 : probe.getGrpc().getPort(), service, timeout);
        }
        return Outcome.error("missing probe handler for container " + container.getName());
    }

    // ---------------------------------------------------------------- exec

    static Outcome exec(NodeRuntime runtime, String containerId, List<String> command, Duration timeout) {
        ExecResult result;
        try {
            result = runtime.execSync(containerId, command, timeout);
        } catch (ExecTimeout timedOut) {
            return Outcome.of(Result.FAILURE, timedOut.getMessage());
        } catch (RuntimeFailure failure) {
            return Outcome.error(failure.getMessage());
        }
        String output = truncate(result.combinedOutput());
        return new Outcome(result.exitCode() == 0 ? Result.SUCCESS : Result.FAILURE, output, null, Optional.of(result.exitCode()));
    }

    /**
     * Upstream's {@code ExpandContainerCommandOnlyStatic}: {@code $(NAME)} becomes the value of a
     * literal env variable of the container, {@code $$} a {@code $}; anything else stays as is.
     */
    static List<String> expand(List<String> command, List<EnvVar> env) {
        Map<String, String> values = new HashMap<>();
        for (EnvVar variable : env) {
            if (variable.getValue() != null) {
                values.put(variable.getName(), variable.getValue());
            }
        }
        return command.stream().map(argument -> expand(argument, values)).toList();
    }

    private static String expand(String input, Map<String, String> values) {
        StringBuilder out = new StringBuilder(input.length());
        for (int index = 0; index < input.length(); index++) {
            char c = input.charAt(index);
            if (c != '$' || index + 1 >= input.length()) {
                out.append(c);
                continue;
            }
            char next = input.charAt(index + 1);
            if (next == '$') {
                out.append('$');
                index++;
            } else if (next == '(') {
                int close = input.indexOf(')', index + 2);
                if (close < 0) {
                    out.append(input, index, input.length());
                    break;
                }
                String name = input.substring(index + 2, close);
                out.append(values.getOrDefault(name, "$(" + name + ")"));
                index = close;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- httpGet

    static Outcome httpGet(HTTPGetAction action, Container container, String podIp, Duration timeout) {
        int port;
        try {
            port = resolvePort(action.getPort(), container);
        } catch (IllegalArgumentException invalid) {
            return Outcome.error(invalid.getMessage());
        }
        String scheme = action.getScheme() == null ? "http" : action.getScheme().toLowerCase(Locale.ROOT);
        String host = action.getHost() == null || action.getHost().isEmpty() ? podIp : action.getHost();
        String path = action.getPath() == null ? "" : action.getPath();
        if (!path.isEmpty() && !path.startsWith("/")) {
            path = "/" + path;
        }
        String hostPort = host.contains(":") && !host.startsWith("[") ? "[" + host + "]:" + port : host + ":" + port;
        String url = scheme + "://" + hostPort + path;
        long deadline = System.nanoTime() + timeout.toNanos();
        String current = url;
        for (int redirects = 0; ; redirects++) {
            HttpURLConnection connection = null;
            try {
                connection = (HttpURLConnection) URI.create(current).toURL().openConnection(Proxy.NO_PROXY);
                if (connection instanceof HttpsURLConnection https) {
                    // As upstream: probes do not verify the container's certificate.
                    https.setSSLSocketFactory(INSECURE);
                    https.setHostnameVerifier((name, session) -> true);
                }
                int remaining = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                connection.setConnectTimeout(remaining);
                connection.setReadTimeout(remaining);
                connection.setInstanceFollowRedirects(false);
                connection.setUseCaches(false);
                connection.setRequestProperty("Connection", "close");
                boolean agent = false;
                boolean accept = false;
                for (HTTPHeader header : action.getHttpHeaders()) {
                    agent |= "user-agent".equalsIgnoreCase(header.getName());
                    accept |= "accept".equalsIgnoreCase(header.getName());
                    connection.addRequestProperty(header.getName(), header.getValue());
                }
                if (!agent) {
                    connection.setRequestProperty("User-Agent", USER_AGENT);
                }
                if (!accept) {
                    connection.setRequestProperty("Accept", "*/*");
                }
                int code = connection.getResponseCode();
                String body = readBody(connection);
                if (code >= 300 && code < 400) {
                    String location = connection.getHeaderField("Location");
                    URL next = location == null ? null : resolve(current, location);
                    if (next != null && next.getHost().equalsIgnoreCase(URI.create(current).getHost()) && redirects < MAX_REDIRECTS) {
                        current = next.toString();
                        continue;
                    }
                    if (next != null && redirects >= MAX_REDIRECTS) {
                        return Outcome.of(Result.FAILURE, "Get \"" + current + "\": stopped after 10 redirects");
                    }
                    return Outcome.of(Result.WARNING, "Probe terminated redirects, Response body: " + body);
                }
                if (code >= 200 && code < 400) {
                    return Outcome.of(Result.SUCCESS, body);
                }
                return Outcome.of(Result.FAILURE, "HTTP probe failed with statuscode: " + code);
            } catch (SocketTimeoutException timedOut) {
                return Outcome.of(Result.FAILURE, "Get \"" + current + "\": context deadline exceeded"
                        + " (Client.Timeout exceeded while awaiting headers)");
            } catch (IOException | IllegalArgumentException failure) {
                return Outcome.of(Result.FAILURE, "Get \"" + current + "\": " + dialError(host, port, failure));
            } finally {
                if (connection != null) {
                    connection.disconnect();
                }
            }
        }
    }

    private static URL resolve(String base, String location) {
        try {
            return new URI(base).resolve(location).toURL();
        } catch (URISyntaxException | IOException | IllegalArgumentException malformed) {
            return null;
        }
    }

    private static String readBody(HttpURLConnection connection) {
        try (InputStream in = connection.getResponseCode() >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            if (in == null) {
                return "";
            }
            return new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
        } catch (IOException unreadable) {
            return "";
        }
    }

    // ---------------------------------------------------------------- tcpSocket

    static Outcome tcp(String host, int port, Duration timeout) {
        try (Socket socket = new Socket(Proxy.NO_PROXY)) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            return Outcome.of(Result.SUCCESS, "");
        } catch (IOException failure) {
            return Outcome.of(Result.FAILURE, dialError(host, port, failure));
        }
    }

    /** Go's {@code net.Dial} error text for what Java reports. */
    private static String dialError(String host, int port, Exception failure) {
        String address = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        if (failure instanceof SocketTimeoutException) {
            return "dial tcp " + address + ": i/o timeout";
        }
        if (failure instanceof ConnectException) {
            return "dial tcp " + address + ": connect: connection refused";
        }
        if (failure instanceof NoRouteToHostException) {
            return "dial tcp " + address + ": connect: no route to host";
        }
        if (failure instanceof UnknownHostException) {
            return "dial tcp: lookup " + host + ": no such host";
        }
        return "dial tcp " + address + ": " + failure.getMessage();
    }

    // ---------------------------------------------------------------- grpc

    static Outcome grpc(String host, int port, String service, Duration timeout) {
        String address = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        ManagedChannel channel = NettyChannelBuilder.forAddress(host, port)
                .usePlaintext()
                .proxyDetector(target -> null)
                .userAgent(USER_AGENT)
                .build();
        try {
            HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
                    .withWaitForReady()
                    .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
                    .check(HealthCheckRequest.newBuilder().setService(service).build());
            if (response.getStatus() != HealthCheckResponse.ServingStatus.SERVING) {
                return Outcome.of(Result.FAILURE, "service unhealthy (responded with \"" + response.getStatus().name() + "\")");
            }
            return Outcome.of(Result.SUCCESS, "service healthy");
        } catch (StatusRuntimeException failure) {
            Status status = failure.getStatus();
            String seconds = PodWorker.goDuration(timeout);
            return switch (status.getCode()) {
                case UNIMPLEMENTED -> Outcome.of(Result.FAILURE, "error: this server does not implement the grpc health protocol"
                        + " (grpc.health.v1.Health): " + nonNull(status.getDescription()));
                case DEADLINE_EXCEEDED -> channel.getState(false) == ConnectivityState.READY
                        ? Outcome.of(Result.FAILURE, "timeout: health rpc did not complete within " + seconds)
                        : Outcome.of(Result.FAILURE, "timeout: failed to connect service \"" + address + "\" within " + seconds
                                + ": context deadline exceeded");
                default -> Outcome.of(Result.FAILURE, "error: health rpc probe failed: rpc error: code = "
                        + goCode(status.getCode()) + " desc = " + nonNull(status.getDescription()));
            };
        } finally {
            channel.shutdownNow();
        }
    }

    /** grpc-go's code names ({@code Unavailable}) for grpc-java's ({@code UNAVAILABLE}). */
    private static String goCode(Status.Code code) {
        StringBuilder name = new StringBuilder();
        for (String part : code.name().split("_")) {
            name.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return name.toString();
    }

    // ---------------------------------------------------------------- helpers

    /** Upstream's {@code ResolveContainerPort}: a number, or a named port of the container. */
    static int resolvePort(IntOrString port, Container container) {
        int value;
        if (port == null) {
            throw new IllegalArgumentException("invalid port number: -1");
        }
        if (port.getIntVal() != null) {
            value = port.getIntVal();
        } else {
            String name = port.getStrVal() == null ? "" : port.getStrVal();
            Integer found = null;
            for (ContainerPort candidate : container.getPorts()) {
                if (name.equals(candidate.getName())) {
                    found = candidate.getContainerPort();
                    break;
                }
            }
            if (found == null) {
                try {
                    found = Integer.parseInt(name);
                } catch (NumberFormatException notANumber) {
                    throw new IllegalArgumentException("strconv.Atoi: parsing \"" + name + "\": invalid syntax");
                }
            }
            value = found;
        }
        if (value > 0 && value < 65536) {
            return value;
        }
        throw new IllegalArgumentException("invalid port number: " + value);
    }

    private static String truncate(String output) {
        return output.length() > MAX_OUTPUT ? output.substring(0, MAX_OUTPUT) : output;
    }

    private static String nonNull(String text) {
        return text == null ? "" : text;
    }

    private static SSLSocketFactory insecureSockets() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return context.getSocketFactory();
        } catch (java.security.GeneralSecurityException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
