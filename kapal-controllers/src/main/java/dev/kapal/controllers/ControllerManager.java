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

    /** A controller as kube-controller-manager knows it: a name for {@code --controllers} and how to build it. */
    public record Definition(String name, Function<ControllerContext, Controller<?>> factory) {
        public Definition {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(factory, "factory");
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

    /** The built-in controllers this module has, in start order, named as kube-controller-manager's aliases. */
    public static List<Definition> builtIn(Parameters parameters) {
        return List.of(
                new Definition(NamespaceController.NAME, NamespaceController::create),
                new Definition(ServiceAccountController.NAME, ServiceAccountController::create),
                new Definition(RootCaPublisher.NAME, context -> RootCaPublisher.create(context, parameters.serverCaPem())),
                new Definition(NodeIpamController.NAME, context -> NodeIpamController.create(context, parameters.nodeIpam())),
                new Definition(NodeLifecycleController.NAME,
                        context -> NodeLifecycleController.create(context, parameters.nodeLifecycle())),
                new Definition(TaintEvictionController.NAME, TaintEvictionController::create),
                new Definition("replicaset", ReplicaSetController::replicaSets),
                new Definition("replicationcontroller", ReplicaSetController::replicationControllers),
                new Definition(DeploymentController.NAME, DeploymentController::create),
                new Definition(GarbageCollector.NAME, GarbageCollector::create),
                new Definition(PodGarbageCollector.NAME, PodGarbageCollector::create),
                new Definition(DisruptionController.NAME, DisruptionController::create));
    }

    /**
     * Whether {@code flags} ({@code --controllers}) select the garbage collector: the API server
     * then adds the {@code orphan}/{@code foregroundDeletion} finalizers on DELETE (upstream's API
     * server does so unless {@code --enable-garbage-collector=false}; without a collector they would
     * never be removed).
     */
    public static boolean selectsGarbageCollector(List<String> flags) {
        return names(select(builtIn(""), flags)).contains(GarbageCollector.NAME);
    }

    /**
     * The definitions {@code --controllers} selects, as kube-controller-manager reads it:
     * {@code *} enables every controller on by default, {@code name} enables one, {@code -name}
     * disables one; the last mention of a name wins over {@code *}.
     *
     * @throws IllegalArgumentException for a name no definition has
     */
    public static List<Definition> select(List<Definition> all, List<String> flags) {
        Map<String, Definition> byName = new LinkedHashMap<>();
        all.forEach(definition -> byName.put(definition.name(), definition));
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
            if (!byName.containsKey(name)) {
                throw new IllegalArgumentException("unknown controller \"" + name + "\"; known: " + String.join(", ", byName.keySet()));
            }
            explicit.put(name, !disable);
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
