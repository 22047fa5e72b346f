package dev.kapal.kubelet.server;

import dev.kapal.kubelet.runtime.NodeRuntime;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Proxies an upgrade request (SPDY/3.1 or WebSocket) to the runtime's streaming server, as the
 * kubelet proxies to the URL the CRI's {@code Exec}/{@code Attach}/{@code PortForward} returned:
 * the request is replayed on a new connection with the client's upgrade headers; a 101 answer is
 * passed back and the connection becomes a {@link TunnelConnection}; any other answer is relayed
 * as it is (status, content type, body), so the client sees the runtime's refusal.
 */
final class UpgradeProxy {
    /** Headers not replayed: the proxy sets its own framing and host, and credentials stay here. */
    private static final Set<String> DROPPED = Set.of("host", "content-length", "transfer-encoding", "authorization",
            "accept-encoding", "keep-alive", "proxy-connection", "te", "trailer");

    private UpgradeProxy() {
    }

    /** Whether the request asks to switch protocols. */
    static boolean isUpgrade(Request request) {
        String connection = request.getHeaders().get("Connection");
        return request.getHeaders().get("Upgrade") != null && connection != null
                && connection.toLowerCase(Locale.ROOT).contains("upgrade");
    }

    /** Proxies {@code request} to {@code target} (an {@code http://} URL); completes {@code callback}. */
    static void proxy(Request request, Response response, Callback callback, URI target) throws IOException {
        int port = target.getPort() < 0 ? 80 : target.getPort();
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(target.getHost(), port), 10_000);
        boolean handedOver = false;
        try {
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder();
            String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
            if (target.getRawQuery() != null) {
                path += "?" + target.getRawQuery();
            }
            head.append(request.getMethod()).append(' ').append(path).append(" HTTP/1.1\r\n");
            head.append("Host: ").append(target.getHost()).append(':').append(port).append("\r\n");
            for (HttpField field : request.getHeaders()) {
                if (!DROPPED.contains(field.getLowerCaseName())) {
                    head.append(field.getName()).append(": ").append(field.getValue()).append("\r\n");
                }
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();

            InputStream in = new BufferedInputStream(socket.getInputStream());
            Head answer = readHead(in);
            response.setStatus(answer.status());
            if (answer.status() == 101) {
                for (String[] header : answer.headers()) {
                    if (!header[0].equalsIgnoreCase("content-length") && !header[0].equalsIgnoreCase("date")) {
                        response.getHeaders().add(header[0], header[1]);
                    }
                }
                TunnelConnection tunnel = new TunnelConnection(request.getConnectionMetaData().getConnection().getEndPoint(),
                        request.getComponents().getExecutor(), socket, in);
                request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, tunnel);
                handedOver = true;
                callback.succeeded();
                return;
            }
            byte[] body = readBody(in, answer);
            for (String[] header : answer.headers()) {
                if (header[0].equalsIgnoreCase("content-type")) {
                    response.getHeaders().put("Content-Type", header[1]);
                }
            }
            response.write(true, ByteBuffer.wrap(body), callback);
        } finally {
            if (!handedOver) {
                socket.close();
            }
        }
    }

    /** Whether this is kubectl 1.31+'s port-forward: a WebSocket offering SPDY tunnelled in it. */
    static boolean isSpdyOverWebSocket(Request request) {
        String upgrade = request.getHeaders().get("Upgrade");
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket") || request.getHeaders().get("Sec-WebSocket-Key") == null) {
            return false;
        }
        for (String offered : request.getHeaders().getCSV("Sec-WebSocket-Protocol", false)) {
            if (offered.trim().equals(WebSocketTunnelConnection.SPDY_TUNNEL_PROTOCOL)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Port-forward for a WebSocket client tunnelling SPDY: a plain SPDY/3.1 upgrade to
     * {@code target}; once the runtime switched, the client's WebSocket is accepted and becomes a
     * {@link WebSocketTunnelConnection} passing the bytes through. A refusal is relayed as it is.
     */
    static void proxySpdyOverWebSocket(Request request, Response response, Callback callback, URI target) throws IOException {
        bridgeWebSocket(request, response, callback, target, "portforward.k8s.io", WebSocketTunnelConnection.SPDY_TUNNEL_PROTOCOL,
                WebSocketTunnelConnection::raw);
    }

    /** The channel subprotocol to serve a WebSocket exec/attach with, if the client offers one ({@link ChannelSpdyBridge}). */
    static Optional<String> channelProtocol(Request request) {
        String upgrade = request.getHeaders().get("Upgrade");
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket") || request.getHeaders().get("Sec-WebSocket-Key") == null) {
            return Optional.empty();
        }
        return ChannelSpdyBridge.negotiate(request.getHeaders().getCSV("Sec-WebSocket-Protocol", false));
    }

    /**
     * Exec or attach for a WebSocket client speaking {@code protocol} (see {@link #channelProtocol}):
     * a SPDY/3.1 remote-command upgrade to {@code target}, then the client's WebSocket accepted and
     * translated by a {@link ChannelSpdyBridge}. A refusal is relayed as it is.
     */
    static void proxyChannelWebSocket(Request request, Response response, Callback callback, URI target,
                                      NodeRuntime.StreamOptions options, String protocol) throws IOException {
        bridgeWebSocket(request, response, callback, target, ChannelSpdyBridge.SPDY_PROTOCOL, protocol,
                (socket, in) -> new ChannelSpdyBridge(socket, in, options, protocol));
    }

    @FunctionalInterface
    private interface BridgeFactory {
        WebSocketTunnelConnection.Bridge open(Socket upstream, InputStream upstreamIn) throws IOException;
    }

    private static void bridgeWebSocket(Request request, Response response, Callback callback, URI target, String spdyProtocol,
                                        String webSocketProtocol, BridgeFactory bridges) throws IOException {
        int port = target.getPort() < 0 ? 80 : target.getPort();
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(target.getHost(), port), 10_000);
        boolean handedOver = false;
        try {
            String path = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + target.getHost() + ":" + port + "\r\n"
                    + "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: " + spdyProtocol + "\r\n"
                    + "Content-Length: 0\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            Head answer = readHead(in);
            if (answer.status() != 101) {
                response.setStatus(answer.status());
                byte[] body = readBody(in, answer);
                response.getHeaders().put("Content-Type", "text/plain; charset=utf-8");
                response.write(true, ByteBuffer.wrap(body), callback);
                return;
            }
            WebSocketTunnelConnection.Bridge bridge = bridges.open(socket, in);
            response.setStatus(101);
            response.getHeaders().put("Upgrade", "websocket");
            response.getHeaders().put("Connection", "Upgrade");
            response.getHeaders().put("Sec-WebSocket-Accept",
                    WebSocketTunnelConnection.accept(request.getHeaders().get("Sec-WebSocket-Key")));
            response.getHeaders().put("Sec-WebSocket-Protocol", webSocketProtocol);
            request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, new WebSocketTunnelConnection(
                    request.getConnectionMetaData().getConnection().getEndPoint(), request.getComponents().getExecutor(), bridge));
            handedOver = true;
            callback.succeeded();
        } finally {
            if (!handedOver) {
                socket.close();
            }
        }
    }

    record Head(int status, List<String[]> headers) {
        String header(String name) {
            for (String[] header : headers) {
                if (header[0].equalsIgnoreCase(name)) {
                    return header[1];
                }
            }
            return null;
        }
    }

    static Head readHead(InputStream in) throws IOException {
        String statusLine = readLine(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        List<String[]> headers = new ArrayList<>();
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
            }
        }
        return new Head(status, headers);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
            if (line.size() > 64 * 1024) {
                throw new IOException("response header line too long");
            }
        }
        if (b < 0 && line.size() == 0) {
            throw new IOException("connection closed before the response");
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** An error answer's body: by length, chunked, or up to the close; at most 1 MiB. */
    static byte[] readBody(InputStream in, Head head) throws IOException {
        String length = head.header("Content-Length");
        if (length != null) {
            return in.readNBytes((int) Math.min(Long.parseLong(length.trim()), 1 << 20));
        }
        String encoding = head.header("Transfer-Encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
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
        return in.readNBytes(1 << 20);
    }
}
