package dev.kapal.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapal.apiserver.testing.InProcessApiServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two controllers reading one shared informer: one watch, both see every object, the set stops it. */
class SharedInformersTest {
    private static InProcessApiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new InProcessApiServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void controllersShareOneInformerWhichTheSetStartsOnceAndStops() throws Exception {
        SharedInformers informers = new SharedInformers(server.admin());
        SharedIndexInformer<ConfigMap> first = informers.of(ConfigMap.class);
        SharedIndexInformer<ConfigMap> second = informers.of(ConfigMap.class);
        assertThat(second).isSameAs(first);

        Set<ObjectKey> seenByA = ConcurrentHashMap.newKeySet();
        Set<ObjectKey> seenByB = ConcurrentHashMap.newKeySet();
        Controller<ObjectKey> a = Controller.<ObjectKey>builder("a", key -> {
            seenByA.add(key);
            return Result.done();
        }).informers(informers).watch(first, cm -> Stream.of(ObjectKey.of(cm))).build();
        Controller<ObjectKey> b = Controller.<ObjectKey>builder("b", key -> {
            seenByB.add(key);
            return Result.done();
        }).informers(informers).watch(second, cm -> Stream.of(ObjectKey.of(cm))).build();
        a.start();
        b.start();
        a.synced().get(30, TimeUnit.SECONDS);
        b.synced().get(30, TimeUnit.SECONDS);
        assertThat(informers.start(first)).as("started once, the same sync future").isDone();

        server.admin().configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("shared-one").endMetadata().build()).create();
        ObjectKey key = new ObjectKey("default", "shared-one");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(seenByA).contains(key);
            assertThat(seenByB).contains(key);
        });

        a.close();
        assertThat(first.isRunning()).as("a controller leaves shared informers running").isTrue();
        b.close();
        informers.close();
        assertThat(first.isRunning()).isFalse();
        assertThat(informers.start(first)).isCompletedExceptionally();
    }
}
