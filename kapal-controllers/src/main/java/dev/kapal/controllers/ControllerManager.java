package dev.kapal.controllers;

import dev.kapal.controllers.deployment.DeploymentController;
import dev.kapal.controllers.disruption.DisruptionController;
import dev.kapal.controllers.garbagecollector.GarbageCollector;
import dev.kapal.controllers.namespace.NamespaceController;
import dev.kapal.controllers.nodeipam.NodeIpamController;
import dev.kapal.controllers.nodelifecycle.NodeLifecycleController;
import dev.kapal.controllers.podgc.PodGarbageCollector;
import dev.kapal.controllers.replicaset.ReplicaSetController;
import dev.kapal.controllers.rootca.RootCaPublisher;
import dev.kapal.controllers.runtime.Controller;
import dev.kapal.controllers.runtime.ControllerContext;
import dev.kapal.controllers.runtime.SharedInformers;
import dev.kapal.controllers.runtime.LeaderElector;
import dev.kapal.controllers.runtime.WorkQueueMetrics;
import dev.kapal.controllers.serviceaccount.ServiceAccountController;
import dev.kapal.controllers.tainteviction.TaintEvictionController;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the selected controllers, as kube-controller-manager does: with leader election, only
 * while this process holds the {@code kube-system/kube-controller-manager} Lease (building them
 * afresh each time it gains the Lease, closing them when it loses it); without, from
 * {@link #start()} to {@link #close()}.
 *
 * <p>{@link #ready()} completes the first time every running controller's informers have synced.
 */
public final class ControllerManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControllerManager.class);
    public static final String LEASE_NAMESPACE = "kube-system";
    public static final String LEASE_NAME = "kube-controller-manager";

    /**
     * A controller as kube-controller-manager knows it: its canonical name (upstream's
     * {@code cmd/kube-controller-manager/names}, such as {@code replicaset-controller}), the older
     * names {@code --controllers} still accepts for it (such as {@code replicaset}), and how to build it.
     */
    public record Definition(String name, List<String> aliases, Function<ControllerContext, Controller<?>> factory) {
        public Definition {
            Objects.requireNonNull(name, "name");
            aliases = List.copyOf(aliases);
            Objects.requireNonNull(factory, "factory");
        }

        /** A definition without aliases. */
        public Definition(String name, Function<ControllerContext, Controller<?>> factory) {
            this(name, List.of(), factory);
        }

        /** Whether {@code flagName} names this controller, by its name or an alias. */
        public boolean isNamed(String flagName) {
            return name.equals(flagName) || aliases.contains(flagName);
        }
    }

    private final KubernetesClient client;
    private final List<Definition> definitions;
    private final LeaderElector elector;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final List<Controller<?>> running = new ArrayList<>();
    /** The informers of the current term (while leading), shared by its controllers. */
    private SharedInformers informers;
    private boolean closed;

    /**
     * @param identity the leader-election identity (host name and a unique suffix); empty
     *                 disables leader election
     */
    public ControllerManager(KubernetesClient client, List<Definition> definitions, String identity) {
        this.client = Objects.requireNonNull(client, "client");
        this.definitions = List.copyOf(definitions);
        this.elector = identity.isEmpty() ? null : new LeaderElector(client,
                LeaderElector.Settings.defaults(LEASE_NAMESPACE, LEASE_NAME, identity),
                this::startControllers, this::stopControllers);
    }

    /**
     * What the built-in controllers are configured with, as kube-controller-manager's flags.
     *
     * @param serverCaPem   the CA that signs the API server's certificate ({@code root-ca-cert-publisher})
     * @param nodeIpam      the cluster CIDRs and node mask sizes ({@code --cluster-cidr},
     *                      {@code --node-cidr-mask-size-ipv4/-ipv6})
     * @param nodeLifecycle the node monitor periods and eviction rates
     */
    public record Parameters(String serverCaPem, NodeIpamController.Settings nodeIpam,
                             NodeLifecycleController.Settings nodeLifecycle) {
        public Parameters {
            Objects.requireNonNull(serverCaPem, "serverCaPem");
            Objects.requireNonNull(nodeIpam, "nodeIpam");
            Objects.requireNonNull(nodeLifecycle, "nodeLifecycle");
        }

        /** Upstream's defaults with k3s' cluster CIDR, 10.42.0.0/16. */
        public static Parameters defaults(String serverCaPem) {
            return new Parameters(serverCaPem, NodeIpamController.Settings.defaults("10.42.0.0/16"),
                    NodeLifecycleController.Settings.defaults());
        }

        public Parameters withNodeIpam(NodeIpamController.Settings settings) {
            return new Parameters(serverCaPem, settings, nodeLifecycle);
        }

        public Parameters withNodeLifecycle(NodeLifecycleController.Settings settings) {
            return new Parameters(serverCaPem, nodeIpam, settings);
        }
    }

    /** The built-in controllers with default parameters (see {@link Parameters#defaults}). */
    public static List<Definition> builtIn(String serverCaPem) {
        return builtIn(Parameters.defaults(serverCaPem));
    }

    /**
     * The built-in controllers this module has, in start order, under kube-controller-manager's
     * v1.33 names with its aliases (the names before v1.29, which {@code --controllers} still takes).
     */
    public static List<Definition> builtIn(Parameters parameters) {
        return List.of(
                new Definition("namespace-controller", List.of(NamespaceController.NAME), NamespaceController::create),
                new Definition(SERVICE_ACCOUNT_CONTROLLER, List.of(ServiceAccountController.NAME), ServiceAccountController::create),
                new Definition("root-ca-certificate-publisher-controller", List.of(RootCaPublisher.NAME),
                        context -> RootCaPublisher.create(context, parameters.serverCaPem())),
                new Definition("node-ipam-controller", List.of(NodeIpamController.NAME),
                        context -> NodeIpamController.create(context, parameters.nodeIpam())),
                new Definition("node-lifecycle-controller", List.of(NodeLifecycleController.NAME),
                        context -> NodeLifecycleController.create(context, parameters.nodeLifecycle())),
                // New in v1.29 under the new naming, so upstream gives it no alias.
                new Definition(TaintEvictionController.NAME, TaintEvictionController::create),
                new Definition("replicaset-controller", List.of("replicaset"), ReplicaSetController::replicaSets),
                new Definition("replicationcontroller-controller", List.of("replicationcontroller"),
                        ReplicaSetController::replicationControllers),
                new Definition("deployment-controller", List.of(DeploymentController.NAME), DeploymentController::create),
                new Definition(GARBAGE_COLLECTOR, List.of(GarbageCollector.NAME), GarbageCollector::create),
                new Definition("pod-garbage-collector-controller", List.of(PodGarbageCollector.NAME), PodGarbageCollector::create),
                new Definition("disruption-controller", List.of(DisruptionController.NAME), DisruptionController::create));
    }

    /** The garbage collector's canonical name (see {@link #selectsGarbageCollector}). */
    public static final String GARBAGE_COLLECTOR = "garbage-collector-controller";

    /**
     * Whether {@code flags} ({@code --controllers}) select the garbage collector: the API server
     * then adds the {@code orphan}/{@code foregroundDeletion} finalizers on DELETE (upstream's API
     * server does so unless {@code --enable-garbage-collector=false}; without a collector they would
     * never be removed).
     */
    public static boolean selectsGarbageCollector(List<String> flags) {
        return names(select(builtIn(""), flags)).contains(GARBAGE_COLLECTOR);
    }

    /** The serviceaccount controller's canonical name (see {@link #selectsServiceAccountController}). */
    public static final String SERVICE_ACCOUNT_CONTROLLER = "serviceaccount-controller";

    /**
     * Whether {@code flags} select the serviceaccount controller, which makes every namespace's
     * {@code default} account: the API server's ServiceAccount admission, which refuses pods
     * whose account is missing, runs only then.
     */
    public static boolean selectsServiceAccountController(List<String> flags) {
        return names(select(builtIn(""), flags)).contains(SERVICE_ACCOUNT_CONTROLLER);
    }

    /**
     * The definitions {@code --controllers} selects, as kube-controller-manager reads it:
     * {@code *} enables every controller on by default, {@code name} enables one, {@code -name}
     * disables one; the last mention of a controller (by its name or an alias) wins over {@code *}.
     *
     * @throws IllegalArgumentException for a name no definition has, neither as name nor as alias
     */
    public static List<Definition> select(List<Definition> all, List<String> flags) {
        Map<String, Definition> byName = new LinkedHashMap<>();
        for (Definition definition : all) {
            byName.put(definition.name(), definition);
            definition.aliases().forEach(alias -> byName.putIfAbsent(alias, definition));
        }
        boolean star = false;
        Map<String, Boolean> explicit = new LinkedHashMap<>();
        for (String flag : flags) {
            String item = flag.strip();
            if (item.isEmpty()) {
                continue;
            }
            if (item.equals("*")) {
                star = true;
                continue;
            }
            boolean disable = item.startsWith("-");
            String name = disable ? item.substring(1) : item;
            Definition named = byName.get(name);
            if (named == null) {
                throw new IllegalArgumentException("unknown controller \"" + name + "\"; known: "
                        + String.join(", ", names(all)) + " (or their aliases)");
            }
            explicit.put(named.name(), !disable);
        }
        List<Definition> selected = new ArrayList<>();
        for (Definition definition : all) {
            if (explicit.getOrDefault(definition.name(), star)) {
                selected.add(definition);
            }
        }
        return selected;
    }

    /** The names of {@code definitions}, for log lines. */
    public static Set<String> names(List<Definition> definitions) {
        Set<String> names = new java.util.LinkedHashSet<>();
        definitions.forEach(definition -> names.add(definition.name()));
        return names;
    }

    public void start() {
        if (elector != null) {
            elector.start();
        } else {
            startControllers();
        }
    }

    /** Completes once this process leads and every controller's informers have synced. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    public boolean isLeader() {
        return elector == null || elector.isLeader();
    }

    /**
     * Appends the running controllers' workqueue metrics ({@code workqueue_*}, labelled by
     * controller name, as kube-controller-manager serves them) in the Prometheus text format;
     * nothing while not leading. Thread-safe and quick: meant to be called on every scrape.
     */
    public void writeMetrics(StringBuilder out) {
        WorkQueueMetrics.render(out, controllers());
    }

    /** The controllers running now (empty while not leading). */
    public synchronized List<Controller<?>> controllers() {
        return List.copyOf(running);
    }

    private synchronized void startControllers() {
        if (closed || !running.isEmpty()) {
            return;
        }
        List<CompletableFuture<Void>> synced = new ArrayList<>();
        informers = new SharedInformers(client);
        ControllerContext context = new ControllerContext(client, informers);
        for (Definition definition : definitions) {
            try {
                Controller<?> controller = definition.factory().apply(context);
                running.add(controller);
                controller.start();
                synced.add(controller.synced());
            } catch (RuntimeException failure) {
                log.error("controller {} did not start: {}", definition.name(), failure.toString());
                ready.completeExceptionally(failure);
            }
        }
        CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) -> {
            if (failure != null) {
                ready.completeExceptionally(failure);
            } else {
                ready.complete(null);
                log.debug("controllers synced: {}", names(definitions));
            }
        });
    }

    private void stopControllers() {
        List<Controller<?>> stopping;
        SharedInformers stoppingInformers;
        synchronized (this) {
            stopping = new ArrayList<>(running);
            running.clear();
            stoppingInformers = informers;
            informers = null;
        }
        // Newest first, in parallel would be faster, but there are few and each drains quickly.
        for (int i = stopping.size() - 1; i >= 0; i--) {
            stopping.get(i).close();
        }
        if (stoppingInformers != null) {
            stoppingInformers.close();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        if (elector != null) {
            elector.close();
        }
        stopControllers();
        ready.cancel(false);
    }
}
