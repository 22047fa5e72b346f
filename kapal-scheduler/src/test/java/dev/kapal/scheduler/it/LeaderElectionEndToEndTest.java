package dev.kapal.scheduler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.apiserver.testing.InProcessApiServer;
import dev.kapal.scheduler.LeaderElectedScheduler;
import dev.kapal.scheduler.Scheduler;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two schedulers campaign for the kube-system/kube-scheduler Lease; only the holder schedules. */
class LeaderElectionEndToEndTest {
    private static final LeaderElectedScheduler.Timing QUICK = new LeaderElectedScheduler.Timing(
            Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(500));

    private InProcessApiServer cluster;
    private KubernetesClient admin;
    private LeaderElectedScheduler first;
    private LeaderElectedScheduler second;

    @BeforeEach
    void start() throws Exception {
        cluster = new InProcessApiServer();
        admin = cluster.admin();
        SchedulerEndToEndTest.createNode(admin, SchedulerEndToEndTest.node("only", false, List.of()));
    }

    @AfterEach
    void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {first, second, cluster}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // Closing the rest matters more.
            }
        }
    }

    private LeaderElectedScheduler elected(String identity) {
        KubernetesClient client = cluster.clientFor("system:kube-scheduler");
        return new LeaderElectedScheduler(client, identity, () -> Scheduler.withDefaultProfile(client), QUICK);
    }

    private Lease lease() {
        return admin.leases().inNamespace("kube-system").withName("kube-scheduler").get();
    }

    private void awaitBound(String name) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(admin.pods().inNamespace("default").withName(name).get().getSpec().getNodeName()).isEqualTo("only"));
    }

    @Test
    void onlyTheLeaseHolderSchedulesAndASuccessorTakesOverWhenItStops() throws Exception {
        first = elected("server-1");
        first.start();
        first.ready().get(30, TimeUnit.SECONDS);
        second = elected("server-2");
        second.start();
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("server-1");
        admin.pods().inNamespace("default").resource(SchedulerEndToEndTest.pod("default", "before", "100m")).create();
        awaitBound("before");
        assertThat(second.isLeading()).isFalse();
        assertThat(second.ready()).isNotDone();

        first.close();
        second.ready().get(30, TimeUnit.SECONDS);
        assertThat(first.isLeading()).isFalse();
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("server-2");
        Pod after = SchedulerEndToEndTest.pod("default", "after", "100m");
        admin.pods().inNamespace("default").resource(after).create();
        awaitBound("after");
        StringBuilder metrics = new StringBuilder();
        second.writeMetrics(metrics);
        assertThat(metrics.toString()).contains("scheduler_schedule_attempts_total{profile=\"default-scheduler\",result=\"scheduled\"} 1");
    }
}
