package dev.kapal.kubelet;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's core v1 Events about pods, as client-go's recorder writes them for a kubelet:
 * {@code source} {component: kubelet, host: the node}, {@code reportingComponent} kubelet,
 * {@code reportingInstance} the node, {@code involvedObject} the pod with the container's
 * {@code fieldPath} ({@code spec.containers{app}}, {@code spec.initContainers{init}}), named
 * {@code <pod>.<hex unix nanos>} in the pod's namespace. One recorder serves every node of a
 * {@link KubeletHost}. (kapal-controllers has a sibling recorder for controllers; this one adds
 * field paths, per-node sources and the spam filter, and the kubelet may not depend on it.)
 *
 * <p>Contract: {@link #record} never blocks on the API. Events wait in a bounded queue drained
 * by a few virtual threads; when the queue is full they are dropped and counted, since events are
 * best effort. As client-go's correlator:
 * <ul>
 *   <li>Aggregation: a repeat of an event already written (same source, object, type, reason and
 *       message) patches that Event's {@code count} and {@code lastTimestamp} instead of creating
 *       another (a new one when it expired).</li>
 *   <li>Spam filter: per source, object, type, reason and message, a token bucket of 25 that
 *       refills one token every 5 minutes; events beyond it are dropped (counted in
 *       {@link #filtered()}), so a probe failing every second does not write every second.</li>
 * </ul>
 * The same event recorded by two writers at once may be written as two Events; the count of a
 * busy event can lag by the writes in flight. Both are acceptable for best-effort events.
 */
final class KubeletEvents implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KubeletEvents.class);
    static final String COMPONENT = "kubelet";
    /** client-go's correlator cache size. */
    private static final int REMEMBERED = 4096;
    private static final int SPAM_BURST = 25;
    private static final Duration SPAM_REFILL = Duration.ofMinutes(5);

    private final KubernetesClient client;
    private final Clock clock;
    private final BlockingQueue<Event> pending;
    private final List<Thread> writers = new ArrayList<>();
    private final LongAdder written = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder filtered = new LongAdder();
    private final Map<Identity, Recorded> recent = lru();
    private final Map<Identity, Bucket> buckets = lru();
    private volatile boolean closed;
    private volatile boolean enabled = true;

    /** What makes two events the same, for aggregation and the spam filter. */
    private record Identity(String host, String namespace, String name, String uid, String fieldPath,
                            String type, String reason, String message) {
    }

    /** The Event written for an identity: where it is and its count. */
    private record Recorded(String namespace, String name, int count) {
    }

    /** A token bucket of the spam filter. */
    private static final class Bucket {
        double tokens = SPAM_BURST;
        Instant last;
    }

    /**
     * @param capacity how many events may wait to be written
     * @param writers  how many virtual threads write them
     */
    KubeletEvents(KubernetesClient client, Clock clock, int capacity, int writers) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pending = new ArrayBlockingQueue<>(capacity);
        for (int index = 0; index < writers; index++) {
            this.writers.add(Thread.ofVirtual().name("kubelet-events-" + index).start(this::drain));
        }
    }

    private static <V> Map<Identity, V> lru() {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Identity, V> eldest) {
                return size() > REMEMBERED;
            }
        };
    }

    /**
     * Records an event about {@code pod} from the kubelet of {@code node}.
     *
     * @param fieldPath the container's field path, empty for the pod itself
     * @param type      {@code Normal} or {@code Warning}
     */
    void record(String node, Pod pod, Optional<String> fieldPath, String type, String reason, String message) {
        if (closed || !enabled) {
            return;
        }
        Identity identity = new Identity(node, pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                pod.getMetadata().getUid(), fieldPath.orElse(""), type, reason, message);
        Instant now = clock.instant();
        if (!admit(identity, now)) {
            filtered.increment();
            return;
        }
        ObjectReferenceBuilder involved = new ObjectReferenceBuilder()
                .withApiVersion("v1").withKind("Pod")
                .withNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid())
                .withResourceVersion(pod.getMetadata().getResourceVersion());
        fieldPath.ifPresent(involved::withFieldPath);
        String timestamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
        long unixNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        Event event = new EventBuilder()
                .withNewMetadata()
                    .withNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName() + "." + Long.toHexString(unixNanos))
                .endMetadata()
                .withInvolvedObject(involved.build())
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withNewSource().withComponent(COMPONENT).withHost(node).endSource()
                .withReportingComponent(COMPONENT)
                .withReportingInstance(node)
                .withFirstTimestamp(timestamp)
                .withLastTimestamp(timestamp)
                .withCount(1)
                .build();
        if (!pending.offer(event)) {
            dropped.increment();
        }
    }

    /** Container field path of upstream's {@code GenerateContainerRef}. */
    static String fieldPath(Pod pod, String containerName) {
        boolean init = pod.getSpec().getInitContainers().stream().anyMatch(c -> containerName.equals(c.getName()));
        return (init ? "spec.initContainers{" : "spec.containers{") + containerName + "}";
    }

    private boolean admit(Identity identity, Instant now) {
        synchronized (buckets) {
            Bucket bucket = buckets.computeIfAbsent(identity, ignored -> new Bucket());
            if (bucket.last != null) {
                double refill = (double) Duration.between(bucket.last, now).toMillis() / SPAM_REFILL.toMillis();
                bucket.tokens = Math.min(SPAM_BURST, bucket.tokens + Math.max(0, refill));
            }
            bucket.last = now;
            if (bucket.tokens < 1) {
                return false;
            }
            bucket.tokens--;
            return true;
        }
    }

    /** Turns recording on (the default) or off; benchmarks measure what events cost with it. */
    void enabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** Events written or aggregated so far. */
    long written() {
        return written.sum();
    }

    /** Events dropped because the queue was full. */
    long dropped() {
        return dropped.sum();
    }

    /** Events the spam filter held back. */
    long filtered() {
        return filtered.sum();
    }

    /** Events waiting to be written. */
    int queued() {
        return pending.size();
    }

    private void drain() {
        while (true) {
            Event event;
            try {
                event = pending.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException interrupted) {
                return;
            }
            if (event == null) {
                if (closed) {
                    return;
                }
                continue;
            }
            try {
                write(event);
                written.increment();
            } catch (KubernetesClientException failure) {
                log.debug("event {} about {} not written: {}", event.getReason(), event.getInvolvedObject().getName(),
                        failure.getMessage());
            } catch (RuntimeException failure) {
                log.debug("event not written", failure);
            }
        }
    }

    private void write(Event event) {
        ObjectReference involved = event.getInvolvedObject();
        Identity identity = new Identity(event.getSource().getHost(), involved.getNamespace(), involved.getName(),
                involved.getUid(), involved.getFieldPath() == null ? "" : involved.getFieldPath(), event.getType(),
                event.getReason(), event.getMessage());
        Recorded previous;
        synchronized (recent) {
            previous = recent.get(identity);
        }
        if (previous != null) {
            int count = previous.count() + 1;
            // Remembered before the write, so a concurrent writer of the same event counts on from here.
            remember(identity, new Recorded(previous.namespace(), previous.name(), count));
            String patch = "{\"count\":" + count + ",\"lastTimestamp\":\"" + event.getLastTimestamp() + "\"}";
            try {
                client.v1().events().inNamespace(previous.namespace()).withName(previous.name())
                        .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
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

    private void remember(Identity identity, Recorded recorded) {
        synchronized (recent) {
            recent.put(identity, recorded);
        }
    }

    /** Writes what is queued for up to two seconds, then stops the writers. */
    @Override
    public void close() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closed = true;
        writers.forEach(Thread::interrupt);
    }
}
