package dev.kapal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.assertj.core.api.ThrowableAssert;

/** Catching the Kubernetes {@code Status} a fabric8 call failed with. */
final class Errors {
    private Errors() {
    }

    /** Runs {@code call}, which must fail with HTTP {@code code}; returns the server's Status. */
    static Status statusOf(int code, ThrowableAssert.ThrowingCallable call) {
        KubernetesClientException[] caught = new KubernetesClientException[1];
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> caught[0] = e)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((KubernetesClientException) e).getCode())
                        .as("HTTP status of %s", e.getMessage()).isEqualTo(code));
        Status status = caught[0].getStatus();
        org.assertj.core.api.Assertions.assertThat(status).as("Status body of %s", caught[0].getMessage()).isNotNull();
        return status;
    }
}
