package dev.kapal.scheduler;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.EventSource;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core v1 Events about pods, fire and forget, on virtual threads. A repeat of the same
 * reason and message for the same pod raises the existing Event's count and lastTimestamp
 * instead of creating another, as client-go's correlator does.
 */
final class EventRecorder {
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
    private static final int REMEMBERED = 4096;

    private final KubernetesClient client;
    private final String component;
    private final ExecutorService executor;
    private final Map<String, Event> recent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Event> eldest) {
            return size() > REMEMBERED;
        }
    };

    EventRecorder(KubernetesClient client, String component, ExecutorService executor) {
        this.client = Objects.requireNonNull(client, "client");
        this.component = Objects.requireNonNull(component, "component");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    void record(Pod pod, String type, String reason, String message) {
        executor.execute(() -> write(pod, type, reason, message));
    }

    private void write(Pod pod, String type, String reason, String message) {
        String namespace = pod.getMetadata().getNamespace();
        String correlation = pod.getMetadata().getUid() + "\u0000" + reason + "\u0000" + message;
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            Event previous;
            synchronized (recent) {
                previous = recent.get(correlation);
            }
            Event written;
            if (previous != null) {
                int count = previous.getCount() == null ? 2 : previous.getCount() + 1;
                written = client.v1().events().inNamespace(namespace).withName(previous.getMetadata().getName())
                        .edit(event -> new EventBuilder(event).withCount(count).withLastTimestamp(now).build());
            } else {
                Event event = new EventBuilder()
                        .withNewMetadata()
                            .withName(pod.getMetadata().getName() + "." + Long.toHexString(System.nanoTime()))
                            .withNamespace(namespace)
                        .endMetadata()
                        .withInvolvedObject(new ObjectReferenceBuilder()
                                .withApiVersion("v1").withKind("Pod").withNamespace(namespace)
                                .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid())
                                .withResourceVersion(pod.getMetadata().getResourceVersion()).build())
                        .withReason(reason)
                        .withMessage(message)
                        .withType(type)
                        .withSource(new EventSource(component, null))
                        .withReportingComponent(component)
                        .withReportingInstance(component)
                        .withAction(switch (reason) {
                            case "Scheduled" -> "Binding";
                            case "Preempted" -> "Preempting";
                            default -> "Scheduling";
                        })
                        .withCount(1)
                        .withFirstTimestamp(now)
                        .withLastTimestamp(now)
                        .build();
                written = client.v1().events().inNamespace(namespace).resource(event).create();
            }
            synchronized (recent) {
                recent.put(correlation, written);
            }
        } catch (RuntimeException failure) {
            // Events are best effort, as upstream's broadcaster drops them under pressure.
            log.debug("event {} for {}/{} not written: {}", reason, namespace, pod.getMetadata().getName(), failure.getMessage());
        }
    }
}
