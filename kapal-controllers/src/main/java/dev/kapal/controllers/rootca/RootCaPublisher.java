package dev.kapal.controllers.rootca;

import dev.kapal.controllers.runtime.Controller;
import dev.kapal.controllers.runtime.ControllerContext;
import dev.kapal.controllers.runtime.ObjectKey;
import dev.kapal.controllers.runtime.Reconciler;
import dev.kapal.controllers.runtime.Result;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Publishes the cluster's server CA as the ConfigMap {@code kube-root-ca.crt} (key
 * {@code ca.crt}) in every active namespace, and puts it back when it is deleted or its data
 * changed. Keys are namespaces; a ConfigMap event enqueues its namespace.
 */
public final class RootCaPublisher implements Reconciler<ObjectKey> {
    public static final String NAME = "root-ca-cert-publisher";
    public static final String CONFIG_MAP = "kube-root-ca.crt";
    public static final String KEY = "ca.crt";
    static final String DESCRIPTION = "kubernetes.io/description";

    private final KubernetesClient client;
    private final String caPem;
    private final SharedIndexInformer<Namespace> namespaces;
    private final SharedIndexInformer<ConfigMap> configMaps;

    private RootCaPublisher(KubernetesClient client, String caPem, SharedIndexInformer<Namespace> namespaces,
                            SharedIndexInformer<ConfigMap> configMaps) {
        this.client = client;
        this.caPem = caPem;
        this.namespaces = namespaces;
        this.configMaps = configMaps;
    }

    /** @param caPem the PEM of the CA that signs the API server's serving certificate */
    public static Controller<ObjectKey> create(ControllerContext context, String caPem) {
        Objects.requireNonNull(caPem, "caPem");
        KubernetesClient client = context.client();
        SharedIndexInformer<Namespace> namespaces = context.informers().of(Namespace.class);
        SharedIndexInformer<ConfigMap> configMaps = context.informers().shared("configmaps named " + CONFIG_MAP,
                () -> client.configMaps().inAnyNamespace().withField("metadata.name", CONFIG_MAP).runnableInformer(0));
        return Controller.builder(NAME, new RootCaPublisher(client, caPem, namespaces, configMaps))
                .context(context)
                .workers(2)
                .watch(namespaces, namespace -> Stream.of(ObjectKey.cluster(namespace.getMetadata().getName())))
                .watch(configMaps, configMap -> Stream.of(ObjectKey.cluster(configMap.getMetadata().getNamespace())))
                .build();
    }

    @Override
    public Result reconcile(ObjectKey key) {
        Namespace namespace = namespaces.getIndexer().getByKey(key.indexerKey());
        if (namespace == null || namespace.getMetadata().getDeletionTimestamp() != null) {
            return Result.done();
        }
        ConfigMap existing = configMaps.getIndexer().getByKey(key.name() + "/" + CONFIG_MAP);
        try {
            if (existing == null) {
                client.configMaps().inNamespace(key.name()).resource(wanted(key.name())).create();
            } else if (!Map.of(KEY, caPem).equals(existing.getData())) {
                ConfigMap updated = new ConfigMapBuilder(existing).withData(Map.of(KEY, caPem)).build();
                Map<String, String> annotations = new HashMap<>(updated.getMetadata().getAnnotations() == null
                        ? Map.of() : updated.getMetadata().getAnnotations());
                annotations.putIfAbsent(DESCRIPTION, description());
                updated.getMetadata().setAnnotations(annotations);
                client.configMaps().inNamespace(key.name()).resource(updated).update();
            }
        } catch (KubernetesClientException failure) {
            // 409 on create: the cache lagged; on update: changed meanwhile, the informer will
            // bring the new state. 403/404: the namespace is going away.
            if (failure.getCode() != 409 && failure.getCode() != 403 && failure.getCode() != 404) {
                throw failure;
            }
        }
        return Result.done();
    }

    private ConfigMap wanted(String namespace) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(CONFIG_MAP)
                .withAnnotations(Map.of(DESCRIPTION, description()))
                .endMetadata()
                .withData(Map.of(KEY, caPem))
                .build();
    }

    private static String description() {
        return "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints"
                + " such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across"
                + " distributions of Kubernetes clusters.";
    }
}
