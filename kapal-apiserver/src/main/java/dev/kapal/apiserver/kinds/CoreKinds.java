package dev.kapal.apiserver.kinds;

import static dev.kapal.apiserver.kinds.KindStrategy.SelectableField.flag;
import static dev.kapal.apiserver.kinds.KindStrategy.SelectableField.number;
import static dev.kapal.apiserver.kinds.KindStrategy.SelectableField.text;

import dev.kapal.apiserver.registry.Strategy;

/** Strategies of the core {@code v1} kinds. */
final class CoreKinds {
    private CoreKinds() {
    }

    static final Strategy PLAIN = KindStrategy.builder().build();
    static final Strategy CONFIG_MAPS = PLAIN;
    static final Strategy ENDPOINTS = PLAIN;
    static final Strategy NAMESPACES = KindStrategy.builder().fields(text("status.phase")).build();
    static final Strategy NODES = KindStrategy.builder().fields(flag("spec.unschedulable")).build();
    static final Strategy PERSISTENT_VOLUME_CLAIMS = PLAIN;
    static final Strategy PERSISTENT_VOLUMES = PLAIN;
    static final Strategy PODS = KindStrategy.builder().tracksGeneration().build();
    static final Strategy POD_TEMPLATES = KindStrategy.builder().tracksGeneration().build();
    static final Strategy REPLICATION_CONTROLLERS = KindStrategy.builder().tracksGeneration()
            .fields(number("status.replicas")).build();
    static final Strategy SECRETS = KindStrategy.builder().fields(text("type")).build();
    static final Strategy SERVICES = KindStrategy.builder().fields(text("spec.clusterIP"), text("spec.type")).build();
}
