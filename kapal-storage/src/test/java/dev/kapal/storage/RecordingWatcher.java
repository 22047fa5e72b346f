package dev.kapal.storage;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A watcher that records what it is given, for assertions; flags overlapping callbacks. */
public final class RecordingWatcher implements Store.Watcher {
    private final List<WatchEvent> events = new CopyOnWriteArrayList<>();
    private final List<StoreException> errors = new CopyOnWriteArrayList<>();
    private final AtomicInteger inCallback = new AtomicInteger();
    private final AtomicReference<String> violation = new AtomicReference<>();

    @Override
    public void onEvent(WatchEvent event) {
        enter();
        try {
            events.add(event);
        } finally {
            inCallback.decrementAndGet();
        }
    }

    @Override
    public void onError(StoreException error) {
        enter();
        try {
            errors.add(error);
        } finally {
            inCallback.decrementAndGet();
        }
    }

    private void enter() {
        if (inCallback.incrementAndGet() != 1) {
            violation.set("overlapping callbacks");
        }
        if (!errors.isEmpty()) {
            violation.set("callback after onError");
        }
    }

    public List<WatchEvent> events() {
        assertThat(violation.get()).as("watch contract violation").isNull();
        return List.copyOf(events);
    }

    public List<StoreException> errors() {
        return List.copyOf(errors);
    }

    public List<WatchEvent> awaitEvents(int count) {
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(20)).until(() -> events.size() >= count || !errors.isEmpty());
        assertThat(errors).as("watch errors").isEmpty();
        return events();
    }

    public StoreException awaitError() {
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(20)).until(() -> !errors.isEmpty());
        assertThat(errors).hasSize(1);
        return errors.get(0);
    }
}
