package dev.kapal.bench;

import dev.kapal.controllers.ControllerManager;
import dev.kapal.kubelet.KubeletHost;
import dev.kapal.kubelet.SimulatedNodes;
import dev.kapal.scheduler.Scheduler;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Issue 5's workload benchmark, one process, two fresh clusters in turn, each an in-process API
 * server (memory store) with N simulated nodes (upstream's heartbeat intervals) and the scheduler:
 * <ol>
 * <li><b>baseline (the floor)</b>: D x R raw pods created through the API by 64 writers, timed
 *     until all are Running;</li>
 * <li><b>deployments</b>: the controller manager (replicaset-controller and deployment-controller
 *     only) also runs; D Deployments of R replicas are created by 64 writers, timed until every
 *     one reports R available replicas.</li>
 * </ol>
 * It prints both times and their ratio, and the controller manager's cost: CPU as the process CPU
 * of the deployments run minus that of the baseline run, each less its idle rate (heartbeats)
 * over its duration, so what remains is the controllers plus the API work they cause
 * (Deployments, ReplicaSets, their status writes and events; per-thread figures are not possible:
 * controllers, API server and kubelets share one pool of virtual-thread carriers); memory as the
 * live heap the running manager holds (what closing it gives back: informer caches, queues,
 * expectations). The baseline runs first, so its JIT is colder; the deployments run profits.
 *
 * <p>Arguments: {@code deployments=1000 replicas=3 nodes=200}.
 */
public final class DeploymentsBench {
    private static final long TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(30);

    private DeploymentsBench() {
    }

    /** One cluster with sim nodes and the scheduler. */
    private record Stack(SchedulerBench.Cluster cluster, KubernetesClient admin, ScheduledExecutorService timers,
                         KubeletHost host, Scheduler scheduler) implements AutoCloseable {
        static Stack start(int nodes) throws Exception {
            SchedulerBench.Cluster cluster = SchedulerBench.Cluster.start();
            KubernetesClient admin = cluster.admin();
            SchedulerBench.namespace(admin, "bench");
            ScheduledExecutorService timers = KubeletHost.newTimers();
            KubeletHost host = SimulatedNodes.host(cluster.clients().forUser("system:kapal-sim-nodes", List.of("system:nodes")),
                    nodes, SimulatedNodes.Capacity.DEFAULT, KubeletHost.Options.defaults(), timers, Clock.systemUTC());
            host.start();
            host.ready().get(30, TimeUnit.MINUTES);
            // The bench stands in for the node IPAM controller, as SimNodesBench does.
            SimNodesBench.parallel(nodes, index -> admin.nodes().withName(SimulatedNodes.name(index))
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"podCIDR\":\"" + SimNodesBench.cidr(index)
                            + "\",\"podCIDRs\":[\"" + SimNodesBench.cidr(index) + "\"]}}"));
            Scheduler scheduler = Scheduler.withDefaultProfile(cluster.clients().forUser("system:kube-scheduler", List.of()));
            scheduler.start();
            scheduler.ready().get(5, TimeUnit.MINUTES);
            return new Stack(cluster, admin, timers, host, scheduler);
        }

        @Override
        public void close() throws Exception {
            scheduler.close();
            host.close();
            timers.shutdownNow();
            admin.close();
            cluster.close();
        }
    }

    /** CPU seconds of a phase, less the idle rate measured just before it over the phase's length. */
    private record Phase(double seconds, double cpuSeconds, double idleCpuPerSecond) {
        double busyCpuSeconds() {
            return cpuSeconds - idleCpuPerSecond * seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        int deployments = BenchArgs.intArg(args, "deployments", 1000);
        int replicas = BenchArgs.intArg(args, "replicas", 3);
        int nodes = BenchArgs.intArg(args, "nodes", 200);
        int pods = deployments * replicas;
        org.slf4j.Logger root = org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(ch.qos.logback.classic.Level.WARN);
        }
        System.out.printf("deployments: %d x %d replicas on %d sim nodes; %s%n", deployments, replicas, nodes, MachineLoad.describe());
        LongSupplier cpu = processCpu();

        Phase raw;
        try (Stack stack = Stack.start(nodes)) {
            double idle = idleRate(cpu);
            long cpuBefore = cpu.getAsLong();
            long start = System.nanoTime();
            SchedulerBench.createPods(stack.admin(), "bench", pods, i -> pod("p-" + i));
            awaitCount("pods Running", pods, start, () -> stack.admin().pods().inNamespace("bench").list().getItems().stream()
                    .filter(pod -> "Running".equals(pod.getStatus().getPhase())).count());
            raw = new Phase((System.nanoTime() - start) / 1e9, (cpu.getAsLong() - cpuBefore) / 1e9, idle);
        }
        System.out.printf("  baseline: %d raw pod creates until all Running       %8.1f s  (%.0f pods/s; %.1f CPU s above idle)%n",
                pods, raw.seconds(), pods / raw.seconds(), raw.busyCpuSeconds());

        try (Stack stack = Stack.start(nodes);
             KubernetesClient controllerClient = stack.cluster().clients().forUser("system:kube-controller-manager", List.of())) {
            ControllerManager manager = new ControllerManager(controllerClient,
                    ControllerManager.select(ControllerManager.builtIn(stack.cluster().pki().serverCa().certificatePem()),
                            List.of("replicaset-controller", "deployment-controller")), "");
            manager.start();
            manager.ready().get(5, TimeUnit.MINUTES);
            // Counted from a watch, started while there is nothing to list: listing a thousand
            // Deployments on every poll times out on a loaded machine.
            var watched = stack.admin().apps().deployments().inNamespace("bench").inform();
            double idle = idleRate(cpu);
            long cpuBefore = cpu.getAsLong();
            long start = System.nanoTime();
            SimNodesBench.parallel(deployments, index -> stack.admin().apps().deployments().inNamespace("bench")
                    .resource(deployment(index, replicas)).create());
            double createSeconds = (System.nanoTime() - start) / 1e9;
            awaitCount("Deployments available", deployments, start, () -> watched.getStore().list().stream()
                    .filter(d -> available(d, replicas)).count());
            watched.close();
            Phase rollout = new Phase((System.nanoTime() - start) / 1e9, (cpu.getAsLong() - cpuBefore) / 1e9, idle);
            long withManager = SimNodesBench.liveHeap();
            long reconciles = manager.controllers().stream().mapToLong(controller -> controller.reconciles()).sum();
            manager.close();
            long withoutManager = SimNodesBench.liveHeap();

            double controllerCpu = rollout.busyCpuSeconds() - raw.busyCpuSeconds();
            System.out.printf("  %d Deployments created (API)                           %8.1f s%n", deployments, createSeconds);
            System.out.printf("  %d Deployments x %d all Available                    %8.1f s  (%.2f x baseline time; %.1f CPU s above idle)%n",
                    deployments, replicas, rollout.seconds(), rollout.seconds() / raw.seconds(), rollout.busyCpuSeconds());
            System.out.printf("  controller manager CPU (and the API work it causes)   %8.1f s  (%.1f ms per Deployment, %.2f x the baseline's CPU; %d reconciles)%n",
                    controllerCpu, controllerCpu * 1000 / deployments, rollout.busyCpuSeconds() / raw.busyCpuSeconds(), reconciles);
            System.out.printf("  controller manager live heap                          %8.1f MiB  (%.1f KiB per Deployment with its ReplicaSet and %d pods)%n",
                    (withManager - withoutManager) / 1048576.0, (withManager - withoutManager) / 1024.0 / deployments, replicas);
        }
    }

    private static boolean available(Deployment deployment, int replicas) {
        return deployment.getStatus() != null && deployment.getStatus().getAvailableReplicas() != null
                && deployment.getStatus().getAvailableReplicas() >= replicas;
    }

    /** Polls {@code count} every two seconds until it reaches {@code target}; a list that times out under load is retried. */
    private static void awaitCount(String what, long target, long start, java.util.concurrent.Callable<Long> count) throws Exception {
        long now = 0;
        while (true) {
            try {
                now = count.call();
            } catch (io.fabric8.kubernetes.client.KubernetesClientException slow) {
                System.out.printf("  (listing %s failed, retrying: %s)%n", what, slow.getMessage());
            }
            if (now >= target) {
                return;
            }
            if (System.nanoTime() - start > TIMEOUT_NANOS) {
                throw new IllegalStateException("only " + now + " of " + target + " " + what + " after 30 minutes");
            }
            Thread.sleep(2_000);
        }
    }

    /** CPU nanoseconds this process used per second of wall time over five idle seconds (heartbeats, GC). */
    private static double idleRate(LongSupplier cpu) throws InterruptedException {
        long before = cpu.getAsLong();
        long start = System.nanoTime();
        Thread.sleep(5_000);
        return (double) (cpu.getAsLong() - before) / (System.nanoTime() - start);
    }

    private static LongSupplier processCpu() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean hotspot) {
            return hotspot::getProcessCpuTime;
        }
        throw new IllegalStateException("no process CPU time on this JVM");
    }

    private static PodTemplateSpec template(Map<String, String> labels) {
        return new PodTemplateSpecBuilder().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("registry.k8s.io/pause:3.10")
                .withNewResources().withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi"))).endResources()
                .endContainer().endSpec().build();
    }

    private static Pod pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("bench").endMetadata()
                .withSpec(template(Map.of("app", name)).getSpec()).build();
    }

    private static Deployment deployment(int index, int replicas) {
        Map<String, String> labels = Map.of("app", "d-" + index);
        return new DeploymentBuilder().withNewMetadata().withName("d-" + index).withNamespace("bench").endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().withMatchLabels(labels).endSelector()
                .withTemplate(template(labels)).endSpec().build();
    }
}
