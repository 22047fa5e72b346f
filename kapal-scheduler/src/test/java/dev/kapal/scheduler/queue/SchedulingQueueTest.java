package dev.kapal.scheduler.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapal.scheduler.framework.PodKey;
import dev.kapal.scheduler.framework.Status;
import dev.kapal.scheduler.plugins.SchedulingGates;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SchedulingQueueTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final SchedulingQueue queue = new SchedulingQueue(clock::get, new SchedulingGates()::preEnqueue);

    static Pod pod(String name, Integer priority) {
        return new PodBuilder().withNewMetadata().withNamespace("ns").withName(name).endMetadata()
                .withNewSpec().withPriority(priority).endSpec().build();
    }

    private SchedulingQueue.Entry pop() throws InterruptedException {
        return queue.pop(Duration.ZERO).orElseThrow();
    }

    @Test
    void popsByPriorityThenFifo() throws Exception {
        queue.addOrUpdate(pod("a", 0));
        queue.addOrUpdate(pod("b", 100));
        queue.addOrUpdate(pod("c", 0));
        queue.addOrUpdate(pod("d", 100));
        assertThat(pop().key().name()).isEqualTo("b");
        assertThat(pop().key().name()).isEqualTo("d");
        assertThat(pop().key().name()).isEqualTo("a");
        assertThat(pop().key().name()).isEqualTo("c");
        assertThat(queue.pop(Duration.ZERO)).isEmpty();
    }

    @Test
    void backoffDoublesFromOneToTenSeconds() {
        assertThat(SchedulingQueue.backoffFor(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(SchedulingQueue.backoffFor(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(SchedulingQueue.backoffFor(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(SchedulingQueue.backoffFor(5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(SchedulingQueue.backoffFor(50)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void errorsWaitInBackoffThenReturn() throws Exception {
        queue.addOrUpdate(pod("a", 0));
        queue.requeueAfterFailure(pop(), false);
        assertThat(queue.where(new PodKey("ns", "a"))).contains(SchedulingQueue.Where.BACKOFF);
        assertThat(queue.pop(Duration.ZERO)).isEmpty();
        clock.addAndGet(Duration.ofMillis(1001).toNanos());
        SchedulingQueue.Entry again = pop();
        assertThat(again.attempts()).isEqualTo(2);
        queue.requeueAfterFailure(again, false);
        clock.addAndGet(Duration.ofMillis(1500).toNanos());
        assertThat(queue.pop(Duration.ZERO)).as("second backoff is 2 s").isEmpty();
        clock.addAndGet(Duration.ofMillis(600).toNanos());
        assertThat(queue.pop(Duration.ZERO)).isPresent();
    }

    @Test
    void unschedulablePodsWaitForAClusterEvent() throws Exception {
        queue.addOrUpdate(pod("a", 0));
        queue.requeueAfterFailure(pop(), true);
        assertThat(queue.where(new PodKey("ns", "a"))).contains(SchedulingQueue.Where.UNSCHEDULABLE);
        clock.addAndGet(Duration.ofSeconds(20).toNanos());
        assertThat(queue.pop(Duration.ZERO)).isEmpty();
        queue.moveAllToActiveOrBackoff("NodeAdd");
        assertThat(pop().key().name()).isEqualTo("a");
    }

    @Test
    void anEventDuringTheCycleSendsTheFailedPodToBackoffNotUnschedulable() throws Exception {
        queue.addOrUpdate(pod("a", 0));
        SchedulingQueue.Entry entry = pop();
        queue.moveAllToActiveOrBackoff("NodeAdd");
        queue.requeueAfterFailure(entry, true);
        assertThat(queue.where(entry.key())).contains(SchedulingQueue.Where.BACKOFF);
    }

    @Test
    void gatedPodsWaitUntilTheGatesAreRemoved() throws Exception {
        Pod gated = pod("g", 0);
        gated.getSpec().setSchedulingGates(java.util.List.of(new io.fabric8.kubernetes.api.model.PodSchedulingGate("example.com/wait")));
        queue.addOrUpdate(gated);
        assertThat(queue.where(new PodKey("ns", "g"))).contains(SchedulingQueue.Where.GATED);
        assertThat(queue.pop(Duration.ZERO)).isEmpty();
        queue.addOrUpdate(pod("g", 0));
        assertThat(pop().key().name()).isEqualTo("g");
    }

    @Test
    void deletedPodsAreForgotten() throws Exception {
        queue.addOrUpdate(pod("a", 0));
        queue.delete(new PodKey("ns", "a"));
        assertThat(queue.pop(Duration.ZERO)).isEmpty();
        assertThat(Status.success().isSuccess()).isTrue();
    }
}
