package dev.kapal.controllers.serviceaccount;

import dev.kapal.controllers.runtime.Controller;
import dev.kapal.controllers.runtime.ControllerContext;
import dev.kapal.controllers.runtime.ObjectKey;
import dev.kapal.controllers.runtime.Reconciler;
import dev.kapal.controllers.runtime.Result;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Keeps a ServiceAccount named {@code default} in every active namespace: creates it in new
 * namespaces and again when it is deleted. Keys are namespaces; a ServiceAccount event
 * enqueues its namespace. Terminating namespaces are left alone (the API server would refuse
 * the create anyway).
 */
public final class ServiceAccountController implements Reconciler<ObjectKey> {
    public static final String NAME = "serviceaccount";
    static final String DEFAULT = "default";

    private final KubernetesClient client;
    private final SharedIndexInformer<Namespace> namespaces;
    private final SharedIndexInformer<ServiceAccount> serviceAccounts;

    private ServiceAccountController(KubernetesClient client, SharedIndexInformer<Namespace> namespaces,
                                     SharedIndexInformer<ServiceAccount> serviceAccounts) {
        this.client = client;
        this.namespaces = namespaces;
        this.serviceAccounts = serviceAccounts;
    }

    public static Controller<ObjectKey> create(ControllerContext context) {
        KubernetesClient client = context.client();
        SharedIndexInformer<Namespace> namespaces = context.informers().of(Namespace.class);
        SharedIndexInformer<ServiceAccount> serviceAccounts = context.informers().shared("serviceaccounts named default",
                () -> client.serviceAccounts().inAnyNamespace().withField("metadata.name", DEFAULT).runnableInformer(0));
        return Controller.builder(NAME, new ServiceAccountController(client, namespaces, serviceAccounts))
                .context(context)
                .workers(2)
                .watch(namespaces, namespace -> Stream.of(ObjectKey.cluster(namespace.getMetadata().getName())))
                .watch(serviceAccounts, account -> Stream.of(ObjectKey.cluster(account.getMetadata().getNamespace())))
                .build();
    }

    @Override
    public Result reconcile(ObjectKey key) {
        Namespace namespace = namespaces.getIndexer().getByKey(key.indexerKey());
        if (namespace == null || namespace.getMetadata().getDeletionTimestamp() != null) {
            return Result.done();
        }
        if (serviceAccounts.getIndexer().getByKey(key.name() + "/" + DEFAULT) != null) {
            return Result.done();
        }
        ServiceAccount account = new ServiceAccountBuilder()
                .withNewMetadata().withNamespace(key.name()).withName(DEFAULT).endMetadata()
                .build();
        try {
            client.serviceAccounts().inNamespace(key.name()).resource(account).create();
        } catch (KubernetesClientException failure) {
            // 409: the cache lagged behind a create; 403/404: the namespace is going away.
            if (failure.getCode() != 409 && failure.getCode() != 403 && failure.getCode() != 404) {
                throw failure;
            }
        }
        return Result.done();
    }
}
