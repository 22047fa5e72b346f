package dev.kapal.controllers.testing;

import dev.kapal.apiserver.testing.InProcessApiServer;
import dev.kapal.controllers.replicaset.Pods;
import dev.kapal.controllers.runtime.Controller;
import dev.kapal.controllers.runtime.ControllerContext;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the workload controller tests share: a real in-process API server, its admin client, a
 * {@link FakeKubelet}, a {@link ControllerContext} that talks as {@code system:kube-controller-manager},
 * the controllers under test started and synced, and a fresh namespace per test. Tests adjust the
 * context's informers (an item store that lags, say) between {@link #start(String)} and
 * {@link #run}. {@link #close()} stops the controllers, the informers and the server.
 */
public final class ControllerTestCluster implements AutoCloseable {
    private final InProcessApiServer server;
    private final KubernetesClient admin;
    private final FakeKubelet kubelet;
    private final ControllerContext context;
    private final String namespacePrefix;
    private final AtomicInteger namespaces = new AtomicInteger();
    private final List<Controller<?>> controllers = new ArrayList<>();

    private ControllerTestCluster(InProcessApiServer server, String namespacePrefix) {
        this.server = server;
        this.admin = server.admin();
        this.kubelet = new FakeKubelet(admin);
        this.context = ControllerContext.standalone(server.clientFor("system:kube-controller-manager"));
        this.namespacePrefix = namespacePrefix;
    }

    /** A started API server and a context, no controllers yet; namespaces are named {@code <prefix><n>}. */
    public static ControllerTestCluster start(String namespacePrefix) throws Exception {
        return new ControllerTestCluster(new InProcessApiServer(), namespacePrefix);
    }

    /** Starts {@code started} in order and waits until each has synced. */
    public void run(Controller<?>... started) throws Exception {
        for (Controller<?> controller : started) {
            controllers.add(controller);
            controller.start();
        }
        for (Controller<?> controller : started) {
            controller.synced().get(30, TimeUnit.SECONDS);
        }
    }

    public KubernetesClient admin() {
        return admin;
    }

    public FakeKubelet kubelet() {
        return kubelet;
    }

    public ControllerContext context() {
        return context;
    }

    /** A new namespace for one test. */
    public String namespace() {
        String name = namespacePrefix + namespaces.incrementAndGet();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        return name;
    }

    public List<Pod> pods(String namespace) {
        return admin.pods().inNamespace(namespace).list().getItems();
    }

    /** The pods a controller counts: not terminated, not being deleted. */
    public List<Pod> activePods(String namespace) {
        return pods(namespace).stream().filter(Pods::active).toList();
    }

    /** The events of {@code namespace} with {@code reason}. */
    public List<Event> events(String namespace, String reason) {
        return admin.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(event -> reason.equals(event.getReason())).toList();
    }

    @Override
    public void close() {
        for (int i = controllers.size() - 1; i >= 0; i--) {
            controllers.get(i).close();
        }
        context.informers().close();
        server.close();
    }
}
