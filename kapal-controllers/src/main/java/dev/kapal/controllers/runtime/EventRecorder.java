package dev.kapal.controllers.runtime;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records core v1 Events about objects, as client-go's event recorder does for controllers.
 *
 * <p>Contract: {@link #normal}/{@link #warning} never block the caller on the API; events go
 * into a bounded queue drained by one virtual thread, and are dropped (counted in
 * {@link #dropped()}) when the queue is full, since events are best effort. Repeats of the same
 * event — same involved object, type, reason and message, from this recorder — are aggregated
 * into the Event already written: its {@code count} goes up and {@code lastTimestamp} moves, by
 * a PATCH, instead of a new Event each time; if that Event is gone (expired), a new one is
 * created. Events are written in the involved object's namespace ({@code default} for
 * cluster-scoped objects), named {@code <object name>.<hex nanos>}.
 */
public final class EventRecorder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
    /** How many distinct events the aggregation remembers (client-go keeps an LRU of 4096). */
    private static final int REMEMBERED = 4096;

    private final KubernetesClient client;
    private final String component;
    private final String instance;
    private final BlockingQueue<Event> pending;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Map<EventIdentity, Recorded> recent = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<EventIdentity, Recorded> eldest) {
            return size() > REMEMBERED;
        }
    };
    private final Thread writer;
    private volatile boolean closed;

    /** What makes two events the same for aggregation. */
    private record EventIdentity(String kind, String namespace, String name, String uid, String apiVersion,
                                 String type, String reason, String message) {
    }

    /** The Event written for an identity: where it is and how often it happened. */
    private record Recorded(String namespace, String name, int count) {
    }

    /**
     * @param component the source component ({@code namespace-controller}, ...)
     * @param instance  this process (host name), the reportingInstance
     * @param capacity  how many events may wait to be written before new ones are dropped
     */
    public EventRecorder(KubernetesClient client, String component, String instance, int capacity) {
        this.client = Objects.requireNonNull(client, "client");
        this.component = Objects.requireNonNull(component, "component");
        this.instance = Objects.requireNonNull(instance, "instance");
        this.pending = new ArrayBlockingQueue<>(capacity);
        this.writer = Thread.ofVirtual().name("event-recorder-" + component).start(this::drain);
    }

    public void normal(HasMetadata object, String reason, String message) {
        record(reference(object), "Normal", reason, message);
    }

    public void warning(HasMetadata object, String reason, String message) {
        record(reference(object), "Warning", reason, message);
    }

    /** Records an event about {@code involved}; {@code type} is Normal or Warning. */
    public void record(ObjectReference involved, String type, String reason, String message) {
        if (closed) {
            return;
        }
        Instant instant = Instant.now();
        String now = instant.truncatedTo(ChronoUnit.SECONDS).toString();
        long unixNanos = instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
        String namespace = involved.getNamespace() == null || involved.getNamespace().isEmpty()
                ? "default" : involved.getNamespace();
        Event event = new EventBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(involved.getName() + "." + Long.toHexString(unixNanos))
                .endMetadata()
                .withInvolvedObject(involved)
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withNewSource().withComponent(component).withHost(instance).endSource()
                .withReportingComponent(component)
                .withReportingInstance(instance)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .build();
        if (!pending.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    /** Events dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Events written or aggregated so far. */
    public long written() {
        return written.get();
    }

    private void drain() {
        while (!closed || !pending.isEmpty()) {
            Event event;
            try {
                event = pending.take();
            } catch (InterruptedException interrupted) {
                if (closed) {
                    return;
                }
                continue;
            }
            try {
                write(event);
                written.incrementAndGet();
            } catch (KubernetesClientException failure) {
                log.debug("event {} {} not written: {}", event.getReason(), event.getInvolvedObject().getName(),
                        failure.getMessage());
            } catch (RuntimeException failure) {
                log.debug("event not written", failure);
            }
        }
    }

    private void write(Event event) {
        ObjectReference involved = event.getInvolvedObject();
        EventIdentity identity = new EventIdentity(involved.getKind(), involved.getNamespace(), involved.getName(),
                involved.getUid(), involved.getApiVersion(), event.getType(), event.getReason(), event.getMessage());
        Recorded previous;
        synchronized (recent) {
            previous = recent.get(identity);
        }
        if (previous != null) {
            int count = previous.count() + 1;
            String patch = "{\"count\":" + count + ",\"lastTimestamp\":\"" + event.getLastTimestamp() + "\"}";
            try {
                client.v1().events().inNamespace(previous.namespace()).withName(previous.name())
                        .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
                remember(identity, new Recorded(previous.namespace(), previous.name(), count));
                return;
            } catch (KubernetesClientException failure) {
                if (failure.getCode() != 404) {
                    throw failure;
                }
                // The aggregated Event expired: start a new one.
            }
        }
        Event created = client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
        remember(identity, new Recorded(created.getMetadata().getNamespace(), created.getMetadata().getName(), 1));
    }

    private void remember(EventIdentity identity, Recorded recorded) {
        synchronized (recent) {
            recent.put(identity, recorded);
        }
    }

    /** This host's name, for {@code reportingInstance} and {@code source.host} (HOSTNAME, else the resolver's, else "kapal"). */
    public static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.strip();
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException unknown) {
            return "kapal";
        }
    }

    /** A reference to {@code object} for {@code involvedObject}. */
    public static ObjectReference reference(HasMetadata object) {
        return new ObjectReferenceBuilder()
                .withApiVersion(object.getApiVersion())
                .withKind(object.getKind())
                .withNamespace(object.getMetadata().getNamespace())
                .withName(object.getMetadata().getName())
                .withUid(object.getMetadata().getUid())
                .withResourceVersion(object.getMetadata().getResourceVersion())
                .build();
    }

    /** Writes what is queued (for a short while), then stops. */
    @Override
    public void close() {
        closed = true;
        if (pending.isEmpty()) {
            writer.interrupt();
        }
        try {
            writer.join(2000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        writer.interrupt();
    }
}
