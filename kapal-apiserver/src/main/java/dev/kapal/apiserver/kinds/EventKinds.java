package dev.kapal.apiserver.kinds;

import static dev.kapal.apiserver.kinds.KindStrategy.SelectableField.text;

import dev.kapal.apiserver.registry.Strategy;

/**
 * Events: nothing is defaulted; only the selectable fields differ between the core and the
 * {@code events.k8s.io} shapes of the same stored object.
 */
final class EventKinds {
    private EventKinds() {
    }

    /**
     * Core events. {@code source} selects on {@code source.component} and
     * {@code reportingComponent} on {@code reportingComponent} (the field upstream's
     * events.k8s.io {@code reportingController} maps to).
     */
    static final Strategy EVENTS = KindStrategy.builder()
            .createsOnUpdate()
            .fields(text("involvedObject.kind"), text("involvedObject.namespace"), text("involvedObject.name"),
                    text("involvedObject.uid"), text("involvedObject.apiVersion"),
                    text("involvedObject.resourceVersion"), text("involvedObject.fieldPath"), text("reason"),
                    text("reportingComponent"),
                    new KindStrategy.SelectableField("source", "/source/component", ""), text("type"))
            .build();

    /**
     * {@code events.k8s.io/v1} events, in their own shape: {@code regarding} is the core
     * {@code involvedObject} and {@code reportingController} the core {@code reportingComponent}.
     */
    static final Strategy EVENTS_V1 = KindStrategy.builder()
            .fields(text("regarding.kind"), text("regarding.namespace"), text("regarding.name"),
                    text("regarding.uid"), text("regarding.apiVersion"), text("regarding.resourceVersion"),
                    text("regarding.fieldPath"), text("reason"), text("reportingController"), text("type"))
            .build();
}
