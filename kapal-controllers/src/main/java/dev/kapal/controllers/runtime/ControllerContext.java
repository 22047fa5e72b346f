package dev.kapal.controllers.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Objects;

/**
 * What a controller is built from: the API client it writes with and the informers it shares with
 * the other controllers of the same controller-manager term. Controllers take their informers from
 * {@link #informers()} (never start or stop them themselves: the {@link Controller} does it through
 * the shared set) so that pods, for example, are watched once however many controllers read them.
 */
public record ControllerContext(KubernetesClient client, SharedInformers informers) {
    public ControllerContext {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(informers, "informers");
    }

    /** A context with a fresh shared-informer set of its own (for tests and single controllers). */
    public static ControllerContext standalone(KubernetesClient client) {
        return new ControllerContext(client, new SharedInformers(client));
    }
}
