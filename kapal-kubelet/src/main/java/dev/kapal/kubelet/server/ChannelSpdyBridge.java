package dev.kapal.kubelet.server;

import dev.kapal.kubelet.runtime.NodeRuntime;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.Deflater;

/**
 * Exec and attach for WebSocket clients (kubectl 1.30 and later speak {@code v5.channel.k8s.io},
 * fabric8 and other Java clients {@code v4.channel.k8s.io}), translated to the SPDY/3.1
 * remote-command protocol ({@code v4.channel.k8s.io}) of the runtime's streaming server, which
 * knows no v5. This is what upstream's API server does with its stream translator before its SPDY
 * hop to the kubelet.
 *
 * <p>On the SPDY side this is the client: it opens the streams the session needs, in upstream's
 * order ({@code error}, then {@code stdin}, {@code stdout}, {@code stderr} as asked, and
 * {@code resize} with a terminal), each a {@code SYN_STREAM} whose {@code streamtype} header names
 * it (header blocks zlib-compressed without the preset dictionary, which the SPDY framing allows
 * and the Go framer accepts). On the WebSocket side every message starts with its channel byte:
 * the runtime's stdout, stderr and error-stream data go to the client on channels 1, 2 and 3;
 * the client's channel 0 goes to stdin and channel 4 (terminal size JSON) to resize; v5's close
 * signal ({@code 255, 0}) half-closes stdin, so {@code kubectl cp} and {@code exec -i} see their
 * input end. The session ends when the runtime closes the connection (after writing the exit
 * status on the error stream) or every output stream has finished.
 *
 * <p>Server header blocks are never decompressed: the remote-command protocol carries nothing in
 * them a client needs, only data. Pings are answered; flow control is not needed (the Go SPDY
 * implementation does not enforce windows).
 */
final class ChannelSpdyBridge implements WebSocketTunnelConnection.Bridge {
    /** The WebSocket subprotocols served, most preferred first. */
    static final List<String> PROTOCOLS = List.of("v5.channel.k8s.io", "v4.channel.k8s.io");
    /** What the runtime is asked to speak. */
    static final String SPDY_PROTOCOL = "v4.channel.k8s.io";

    private static final int SPDY_VERSION = 3;
    private static final int SYN_STREAM = 1;
    private static final int RST_STREAM = 3;
    private static final int PING = 6;
    private static final int GOAWAY = 7;
    private static final int FLAG_FIN = 0x01;
    private static final int STDIN = 0;
    private static final int STDOUT = 1;
    private static final int STDERR = 2;
    private static final int ERROR = 3;
    private static final int RESIZE = 4;
    private static final int CLOSE = 255;

    private final Socket upstream;
    private final DataInputStream in;
    private final OutputStream out;
    private final boolean v5;
    private final Deflater headers = new Deflater();
    /** Channel number by SPDY stream id, and stream id by channel. */
    private final Map<Integer, Integer> channels = new HashMap<>();
    private final Map<Integer, Integer> streams = new HashMap<>();
    private final Set<Integer> outputsOpen = new HashSet<>();

    /**
     * Opens the session's streams on {@code upstream}, a connection the runtime already switched
     * to SPDY/3.1 ({@value #SPDY_PROTOCOL}).
     *
     * @param protocol the WebSocket subprotocol negotiated with the client (one of {@link #PROTOCOLS})
     */
    ChannelSpdyBridge(Socket upstream, InputStream upstreamIn, NodeRuntime.StreamOptions options, String protocol)
            throws IOException {
        this.upstream = upstream;
        this.in = new DataInputStream(upstreamIn);
        this.out = upstream.getOutputStream();
        this.v5 = protocol.equals(PROTOCOLS.getFirst());
        int id = 1;
        id = open(id, ERROR, "error");
        if (options.stdin()) {
            id = open(id, STDIN, "stdin");
        }
        if (options.stdout()) {
            id = open(id, STDOUT, "stdout");
        }
        if (options.stderr() && !options.tty()) {
            id = open(id, STDERR, "stderr");
        }
        if (options.tty()) {
            open(id, RESIZE, "resize");
        }
        out.flush();
    }

    /** The first subprotocol the client offers that is served here. */
    static Optional<String> negotiate(List<String> offered) {
        return offered.stream().map(String::trim).filter(PROTOCOLS::contains).findFirst();
    }

    private int open(int streamId, int channel, String type) throws IOException {
        channels.put(streamId, channel);
        streams.put(channel, streamId);
        if (channel == STDOUT || channel == STDERR || channel == ERROR) {
            outputsOpen.add(streamId);
        }
        byte[] block = headerBlock(Map.of("streamtype", type));
        ByteBuffer frame = ByteBuffer.allocate(8 + 10 + block.length);
        frame.putShort((short) (0x8000 | SPDY_VERSION)).putShort((short) SYN_STREAM);
        frame.putInt(10 + block.length); // flags 0
        frame.putInt(streamId).putInt(0).put((byte) 0).put((byte) 0).put(block);
        out.write(frame.array());
        return streamId + 2;
    }

    /** A SPDY/3 name/value header block, compressed on the session's one zlib stream. */
    private byte[] headerBlock(Map<String, String> values) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        ByteBuffer count = ByteBuffer.allocate(4).putInt(values.size());
        raw.writeBytes(count.array());
        values.forEach((name, value) -> {
            for (String text : List.of(name, value)) {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                raw.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
                raw.writeBytes(bytes);
            }
        });
        headers.setInput(raw.toByteArray());
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        int written;
        do {
            written = headers.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
            compressed.write(buffer, 0, written);
        } while (written == buffer.length);
        return compressed.toByteArray();
    }

    private synchronized void data(int streamId, byte[] payload, int offset, int length, boolean fin) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(8).putInt(streamId & 0x7fffffff).putInt((fin ? FLAG_FIN : 0) << 24 | length);
        out.write(header.array());
        out.write(payload, offset, length);
        out.flush();
    }

    @Override
    public void fromClient(byte[] message) throws IOException {
        if (message.length == 0) {
            return;
        }
        int channel = message[0] & 0xff;
        if (channel == CLOSE) {
            if (v5 && message.length > 1 && (message[1] & 0xff) == STDIN && streams.containsKey(STDIN)) {
                data(streams.get(STDIN), message, 0, 0, true);
            }
            return;
        }
        Integer streamId = (channel == STDIN || channel == RESIZE) ? streams.get(channel) : null;
        if (streamId != null && message.length > 1) {
            data(streamId, message, 1, message.length - 1, false);
        }
    }

    @Override
    public void toClient(WebSocketTunnelConnection.Sink client) throws IOException {
        byte[] head = new byte[8];
        while (!outputsOpen.isEmpty()) {
            try {
                in.readFully(head);
            } catch (EOFException ended) {
                return;
            }
            ByteBuffer header = ByteBuffer.wrap(head);
            int first = header.getInt();
            int flagsAndLength = header.getInt();
            int flags = flagsAndLength >>> 24;
            int length = flagsAndLength & 0xffffff;
            byte[] payload = new byte[length];
            in.readFully(payload);
            if ((first & 0x80000000) != 0) {
                int type = first & 0xffff;
                switch (type) {
                    case PING -> {
                        synchronized (this) {
                            out.write(head);
                            out.write(payload);
                            out.flush();
                        }
                    }
                    case GOAWAY -> {
                        return;
                    }
                    case RST_STREAM -> outputsOpen.remove(ByteBuffer.wrap(payload).getInt() & 0x7fffffff);
                    default -> {
                        // SYN_REPLY, SETTINGS, HEADERS, WINDOW_UPDATE: nothing a remote-command client needs
                    }
                }
                continue;
            }
            int streamId = first & 0x7fffffff;
            Integer channel = channels.get(streamId);
            if (channel != null && length > 0 && channel != STDIN && channel != RESIZE) {
                byte[] message = new byte[length + 1];
                message[0] = (byte) channel.intValue();
                System.arraycopy(payload, 0, message, 1, length);
                client.send(message);
            }
            if ((flags & FLAG_FIN) != 0) {
                outputsOpen.remove(streamId);
            }
        }
    }

    @Override
    public void close() {
        headers.end();
        try {
            upstream.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
