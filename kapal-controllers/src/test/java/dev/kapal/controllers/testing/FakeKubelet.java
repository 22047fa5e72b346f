package dev.kapal.controllers.testing;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Plays the kubelet's part in controller tests, where no node agent runs: writes pod status
 * (phase, the Ready condition) through the {@code status} subresource as a kubelet would.
 */
public final class FakeKubelet {
    private final KubernetesClient client;

    public FakeKubelet(KubernetesClient client) {
        this.client = client;
    }

    /** Running and Ready since now. */
    public void ready(Pod pod) {
        status(pod, "Running", "True", Instant.now());
    }

    /** Running, not Ready. */
    public void running(Pod pod) {
        status(pod, "Running", "False", Instant.now());
    }

    /** Running and Ready since {@code since}. */
    public void readySince(Pod pod, Instant since) {
        status(pod, "Running", "True", since);
    }

    /** A terminal phase (Succeeded or Failed). */
    public void terminated(Pod pod, String phase) {
        status(pod, phase, "False", Instant.now());
    }

    private void status(Pod pod, String phase, String ready, Instant since) {
        String time = since.truncatedTo(ChronoUnit.SECONDS).toString();
        String patch = "{\"status\":{\"phase\":\"" + phase + "\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"" + ready
                + "\",\"lastTransitionTime\":\"" + time + "\"}]}}";
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        } catch (KubernetesClientException gone) {
            if (gone.getCode() != 404) {
                throw gone;
            }
        }
    }
}
