package dev.kapal.kubelet.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.BufferUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an upgraded client connection becomes once the upstream answered 101: bytes copied both
 * ways between the client's (TLS) end point and the upstream socket, unchanged, as upstream's
 * upgrade-aware proxy copies them (SPDY/3.1 or WebSocket frames pass through without being
 * parsed). Client to upstream runs in Jetty's fill callbacks; upstream to client on a virtual
 * thread. When either side ends, both are closed. The idle timeout is the kubelet's streaming
 * connection idle timeout (4 hours), not the HTTP one.
 */
final class TunnelConnection extends AbstractConnection {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelConnection.class);
    static final Duration STREAM_IDLE_TIMEOUT = Duration.ofHours(4);

    private final Socket upstream;
    private final InputStream upstreamIn;
    private final OutputStream upstreamOut;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param upstreamIn the upstream's input, positioned after the 101 response's headers (it may
     *                   already hold bytes the upstream sent right after them)
     */
    TunnelConnection(EndPoint endPoint, Executor executor, Socket upstream, InputStream upstreamIn) throws IOException {
        super(endPoint, executor);
        this.upstream = upstream;
        this.upstreamIn = upstreamIn;
        this.upstreamOut = upstream.getOutputStream();
    }

    @Override
    public void onOpen() {
        super.onOpen();
        getEndPoint().setIdleTimeout(STREAM_IDLE_TIMEOUT.toMillis());
        Thread.ofVirtual().name("kubelet-tunnel").start(this::copyUpstreamToClient);
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
                    upstreamOut.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
                    upstreamOut.flush();
                } else if (filled == 0) {
                    fillInterested();
                    return;
                } else {
                    closeBoth();
                    return;
                }
            }
        } catch (IOException e) {
            LOG.debug("tunnel client side ended", e);
            closeBoth();
        }
    }

    private void copyUpstreamToClient() {
        byte[] bytes = new byte[16 * 1024];
        try {
            int read;
            while ((read = upstreamIn.read(bytes)) >= 0) {
                if (read == 0) {
                    continue;
                }
                try (Blocker.Callback written = Blocker.callback()) {
                    getEndPoint().write(written, ByteBuffer.wrap(bytes, 0, read));
                    written.block();
                }
            }
        } catch (IOException e) {
            LOG.debug("tunnel upstream side ended", e);
        } finally {
            closeBoth();
        }
    }

    private void closeBoth() {
        if (closed.compareAndSet(false, true)) {
            try {
                upstream.close();
            } catch (IOException ignored) {
                // already gone
            }
            getEndPoint().close();
        }
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        closeBoth();
    }
}
