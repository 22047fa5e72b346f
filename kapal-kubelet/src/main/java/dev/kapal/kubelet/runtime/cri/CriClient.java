package dev.kapal.kubelet.runtime.cri;

import dev.kapal.kubelet.runtime.cri.v1.ImageServiceGrpc;
import dev.kapal.kubelet.runtime.cri.v1.RuntimeServiceGrpc;
import dev.kapal.kubelet.runtime.cri.v1.VersionRequest;
import dev.kapal.kubelet.runtime.cri.v1.VersionResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gRPC connection to a CRI runtime listening on a unix socket (containerd's
 * {@code containerd.sock}), over netty's epoll domain-socket transport. Hands out the
 * {@code runtime.v1} blocking stubs with a deadline applied to each call.
 *
 * <p>The channel reconnects by itself when the runtime restarts; calls made while it is down fail
 * with {@code UNAVAILABLE}. Thread-safe; {@link #close()} ends the channel and its one I/O thread.
 */
public final class CriClient implements AutoCloseable {
    /** The CRI API version the kubelet announces in {@code Version}. */
    public static final String API_VERSION = "v1";
    /** The kubelet's default {@code --runtime-request-timeout}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
    private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final Path socket;
    private final EventLoopGroup eventLoop;
    private final ManagedChannel channel;
    private final RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime;
    private final ImageServiceGrpc.ImageServiceBlockingStub images;

    private CriClient(Path socket) {
        this.socket = socket;
        int client = CLIENTS.incrementAndGet();
        ThreadFactory threads = task -> {
            Thread thread = new Thread(task, "cri-client-" + client);
            thread.setDaemon(true);
            return thread;
        };
        this.eventLoop = new EpollEventLoopGroup(1, threads);
        this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .eventLoopGroup(eventLoop)
                .channelType(EpollDomainSocketChannel.class)
                .overrideAuthority("localhost")
                .usePlaintext()
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .build();
        this.runtime = RuntimeServiceGrpc.newBlockingStub(channel);
        this.images = ImageServiceGrpc.newBlockingStub(channel);
    }

    /** Connects (lazily: the first call dials) to the runtime at {@code socket}. */
    public static CriClient connect(Path socket) {
        return new CriClient(Objects.requireNonNull(socket, "socket"));
    }

    /** The socket this client talks to. */
    public Path socket() {
        return socket;
    }

    /** The RuntimeService stub with a {@code timeout} deadline for the next call. */
    public RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime(Duration timeout) {
        return runtime.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The RuntimeService stub with the default deadline. */
    public RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return runtime(DEFAULT_TIMEOUT);
    }

    /** The ImageService stub with a {@code timeout} deadline for the next call. */
    public ImageServiceGrpc.ImageServiceBlockingStub images(Duration timeout) {
        return images.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The ImageService stub with the default deadline. */
    public ImageServiceGrpc.ImageServiceBlockingStub images() {
        return images(DEFAULT_TIMEOUT);
    }

    /** CRI {@code Version}, the call that tells whether the runtime answers at all. */
    public VersionResponse version(Duration timeout) {
        return runtime(timeout).version(VersionRequest.newBuilder().setVersion(API_VERSION).build());
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
