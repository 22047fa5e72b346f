package dev.kapal.kubelet.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.BufferUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket terminated here and bridged to the runtime's streaming server (RFC 6455 framing:
 * client frames masked, ours not; fragmented messages reassembled; pings answered; a close frame
 * ends the session). What a message means is the {@link Bridge}'s business:
 * <ul>
 * <li>port-forward as kubectl 1.31 and later speak it (subprotocol {@value #SPDY_TUNNEL_PROTOCOL}):
 *     binary messages carry the bytes of a SPDY/3.1 connection, passed unchanged to and from the
 *     runtime ({@link #raw}); upstream's API server does the same unwrapping;</li>
 * <li>exec and attach over {@code v5.channel.k8s.io}/{@code v4.channel.k8s.io}
 *     ({@link ChannelSpdyBridge}), translated to the runtime's SPDY streams.</li>
 * </ul>
 */
final class WebSocketTunnelConnection extends AbstractConnection {
    static final String SPDY_TUNNEL_PROTOCOL = "SPDY/3.1+portforward.k8s.io";
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketTunnelConnection.class);
    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_FRAME = 16 * 1024 * 1024;

    /** Where the messages of the WebSocket go and come from. */
    interface Bridge {
        /** One whole message from the client. */
        void fromClient(byte[] message) throws IOException;

        /**
         * Sends the upstream side's messages to the client until upstream is done; the connection
         * then closes the WebSocket normally. Runs on its own (virtual) thread.
         */
        void toClient(Sink client) throws IOException;

        /** Releases upstream; called once, whichever side ended first. */
        void close();
    }

    /** Sends one binary message to the client. */
    @FunctionalInterface
    interface Sink {
        void send(byte[] message) throws IOException;
    }

    /** A bridge passing the bytes of {@code upstream} through unchanged, one binary message per read. */
    static Bridge raw(Socket upstream, InputStream upstreamIn) throws IOException {
        OutputStream upstreamOut = upstream.getOutputStream();
        return new Bridge() {
            @Override
            public void fromClient(byte[] message) throws IOException {
                upstreamOut.write(message);
                upstreamOut.flush();
            }

            @Override
            public void toClient(Sink client) throws IOException {
                byte[] bytes = new byte[16 * 1024];
                int read;
                while ((read = upstreamIn.read(bytes)) >= 0) {
                    if (read > 0) {
                        client.send(java.util.Arrays.copyOf(bytes, read));
                    }
                }
            }

            @Override
            public void close() {
                try {
                    upstream.close();
                } catch (IOException ignored) {
                    // already gone
                }
            }
        };
    }

    private final Bridge bridge;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ReentrantLock writing = new ReentrantLock();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final ByteArrayOutputStream message = new ByteArrayOutputStream();

    WebSocketTunnelConnection(EndPoint endPoint, Executor executor, Bridge bridge) {
        super(endPoint, executor);
        this.bridge = bridge;
    }

    /** {@code Sec-WebSocket-Accept} for a client's {@code Sec-WebSocket-Key} (RFC 6455 §4.2.2). */
    static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key.trim() + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void onOpen() {
        super.onOpen();
        getEndPoint().setIdleTimeout(TunnelConnection.STREAM_IDLE_TIMEOUT.toMillis());
        Thread.ofVirtual().name("kubelet-ws-tunnel").start(this::copyUpstreamToClient);
        fillInterested();
    }

    @Override
    public void onFillable() {
        ByteBuffer buffer = BufferUtil.allocate(16 * 1024);
        try {
            while (true) {
                BufferUtil.clear(buffer);
                int filled = getEndPoint().fill(buffer);
                if (filled > 0) {
                    pending.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
                    if (!decodeFrames()) {
                        closeBoth();
                        return;
                    }
                } else if (filled == 0) {
                    fillInterested();
                    return;
                } else {
                    closeBoth();
                    return;
                }
            }
        } catch (IOException e) {
            LOG.debug("websocket tunnel client side ended", e);
            closeBoth();
        }
    }

    /** Handles every complete frame buffered so far; false once the client closed. */
    private boolean decodeFrames() throws IOException {
        byte[] bytes = pending.toByteArray();
        int offset = 0;
        while (true) {
            int available = bytes.length - offset;
            if (available < 2) {
                break;
            }
            boolean fin = (bytes[offset] & 0x80) != 0;
            int opcode = bytes[offset] & 0x0f;
            boolean masked = (bytes[offset + 1] & 0x80) != 0;
            long length = bytes[offset + 1] & 0x7f;
            int header = 2;
            if (length == 126) {
                if (available < 4) {
                    break;
                }
                length = ((bytes[offset + 2] & 0xff) << 8) | (bytes[offset + 3] & 0xff);
                header = 4;
            } else if (length == 127) {
                if (available < 10) {
                    break;
                }
                length = ByteBuffer.wrap(bytes, offset + 2, 8).getLong();
                header = 10;
            }
            if (length > MAX_FRAME || length < 0) {
                throw new IOException("websocket frame too large: " + length);
            }
            int maskOffset = offset + header;
            if (masked) {
                header += 4;
            }
            if (available < header + length) {
                break;
            }
            byte[] payload = new byte[(int) length];
            System.arraycopy(bytes, offset + header, payload, 0, payload.length);
            if (masked) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= bytes[maskOffset + (i & 3)];
                }
            }
            offset += header + (int) length;
            switch (opcode) {
                case 0x0, 0x1, 0x2 -> {
                    message.write(payload);
                    if (message.size() > MAX_FRAME) {
                        throw new IOException("websocket message too large");
                    }
                    if (fin) {
                        byte[] whole = message.toByteArray();
                        message.reset();
                        bridge.fromClient(whole);
                    }
                }
                case 0x8 -> {
                    sendFrame(0x8, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0]);
                    return false;
                }
                case 0x9 -> sendFrame(0xA, payload);
                default -> {
                    // pong or reserved: ignored
                }
            }
        }
        pending.reset();
        pending.write(bytes, offset, bytes.length - offset);
        return true;
    }

    private void copyUpstreamToClient() {
        try {
            bridge.toClient(payload -> sendFrame(0x2, payload));
            sendFrame(0x8, new byte[] {0x03, (byte) 0xe8}); // 1000: normal closure
        } catch (IOException e) {
            LOG.debug("websocket tunnel upstream side ended", e);
        } finally {
            closeBoth();
        }
    }

    /** Writes one unmasked, final frame; frames from the two directions never interleave. */
    private void sendFrame(int opcode, byte[] payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(payload.length + 10);
        frame.put((byte) (0x80 | opcode));
        if (payload.length < 126) {
            frame.put((byte) payload.length);
        } else if (payload.length < 65536) {
            frame.put((byte) 126).putShort((short) payload.length);
        } else {
            frame.put((byte) 127).putLong(payload.length);
        }
        frame.put(payload).flip();
        writing.lock();
        try (Blocker.Callback written = Blocker.callback()) {
            getEndPoint().write(written, frame);
            written.block();
        } finally {
            writing.unlock();
        }
    }

    private void closeBoth() {
        if (closed.compareAndSet(false, true)) {
            bridge.close();
            getEndPoint().close();
        }
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        closeBoth();
    }
}
