package dev.kapal.kubelet.runtime.cri;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapal.kubelet.runtime.ContainerEvent;
import dev.kapal.kubelet.runtime.ContainerState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The listing-to-events rules, driven by hand: the timer's period is too long to fire here. */
class ContainerEventPollerTest {
    private final List<ContainerEventPoller.Observed> listing = new CopyOnWriteArrayList<>();
    private final ContainerEventPoller poller = new ContainerEventPoller(() -> List.copyOf(listing), Duration.ofHours(1),
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    private final List<String> heard = new ArrayList<>();

    @AfterEach
    void close() {
        poller.close();
    }

    private void listener(ContainerEvent event) {
        heard.add(event.containerId() + "@" + event.podSandboxId() + " " + event.type());
    }

    @Test
    void whatExistedAtSubscriptionIsNotAnEventButEveryLaterChangeIs() throws Exception {
        listing.add(new ContainerEventPoller.Observed("old", "s1", ContainerState.CONTAINER_RUNNING));
        poller.subscribe(this::listener);
        poller.poll();
        assertThat(heard).isEmpty();

        listing.add(new ContainerEventPoller.Observed("new", "s1", ContainerState.CONTAINER_CREATED));
        poller.poll();
        listing.set(1, new ContainerEventPoller.Observed("new", "s1", ContainerState.CONTAINER_RUNNING));
        poller.poll();
        listing.set(1, new ContainerEventPoller.Observed("new", "s1", ContainerState.CONTAINER_EXITED));
        poller.poll();
        listing.remove(0);
        poller.poll();
        poller.poll();

        assertThat(heard).containsExactly(
                "new@s1 CONTAINER_CREATED_EVENT",
                "new@s1 CONTAINER_STARTED_EVENT",
                "new@s1 CONTAINER_STOPPED_EVENT",
                "old@s1 CONTAINER_DELETED_EVENT");
    }

    @Test
    void aContainerThatRanAndExitedBetweenListingsIsReportedStopped() {
        poller.subscribe(this::listener);
        listing.add(new ContainerEventPoller.Observed("quick", "s2", ContainerState.CONTAINER_EXITED));
        poller.poll();

        assertThat(heard).containsExactly("quick@s2 CONTAINER_STOPPED_EVENT");
    }

    @Test
    void aFailedListingIsSkippedAndClosedSubscriptionsHearNothing() throws Exception {
        List<Boolean> fail = new CopyOnWriteArrayList<>(List.of(false));
        ContainerEventPoller flaky = new ContainerEventPoller(() -> {
            if (fail.getFirst()) {
                throw new IllegalStateException("runtime restarting");
            }
            return List.copyOf(listing);
        }, Duration.ofHours(1), Clock.systemUTC());
        try {
            AutoCloseable subscription = flaky.subscribe(this::listener);
            fail.set(0, true);
            listing.add(new ContainerEventPoller.Observed("a", "s", ContainerState.CONTAINER_RUNNING));
            flaky.poll();
            assertThat(heard).isEmpty();
            fail.set(0, false);
            flaky.poll();
            assertThat(heard).containsExactly("a@s CONTAINER_STARTED_EVENT");

            subscription.close();
            listing.clear();
            flaky.poll();
            assertThat(heard).hasSize(1);
        } finally {
            flaky.close();
        }
    }
}
