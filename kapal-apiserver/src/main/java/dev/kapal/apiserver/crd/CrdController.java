package dev.kapal.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.GroupVersionResource;
import dev.kapal.api.Json;
import dev.kapal.apiserver.cache.CacheWatcher;
import dev.kapal.apiserver.cache.CachedObject;
import dev.kapal.apiserver.cache.WatchCache;
import dev.kapal.apiserver.registry.Options;
import dev.kapal.apiserver.registry.ResourceDefinition;
import dev.kapal.apiserver.registry.ResourceRegistry;
import dev.kapal.apiserver.registry.ResourceStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves what the stored CRDs define, as upstream's naming, establishing, finalizing and
 * discovery controllers do together, inside the API server:
 *
 * <ul>
 *   <li>names are checked against the other CRDs of the group (their accepted names) and the
 *       built-in resources of the group; a conflict gives {@code NamesAccepted=False} with
 *       upstream's reason ({@code PluralConflict}, {@code SingularConflict},
 *       {@code ShortNamesConflict}, {@code KindConflict}, {@code ListKindConflict});</li>
 *   <li>accepted CRDs get one {@link ResourceDefinition} per served version in the registry
 *       (discovery follows), then {@code status.acceptedNames} and {@code NamesAccepted} /
 *       {@code Established} are written through the {@code status} subresource;</li>
 *   <li>a deleted CRD (it carries the cleanup finalizer from its first DELETE) refuses new
 *       objects, has its custom resources deleted, loses the finalizer and then its
 *       definitions and watch cache.</li>
 * </ul>
 *
 * <p>{@link #start()} reconciles every stored CRD before returning, so after a restart custom
 * resources are served as soon as the server is ready. Changes then arrive through a watch of
 * {@code customresourcedefinitions}; handlers only enqueue CRD names, one worker reconciles
 * them (never one name concurrently), failures are retried with a growing delay.
 */
public final class CrdController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CrdController.class);
    static final GroupVersionResource CRDS =
            new GroupVersionResource("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    private static final Duration INSTANCE_CHECK_DELAY = Duration.ofSeconds(2);
    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);

    private final ResourceRegistry registry;
    private final Function<GroupVersionResource, Optional<ResourceStore>> stores;
    private final Consumer<String> dropCache;
    private final Clock clock;
    /** What each CRD (by name) has registered: the only state the controller keeps. */
    private final Map<String, Served> served = new ConcurrentHashMap<>();
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private Thread worker;
    private Thread watcher;

    /** The outcome of one reconcile; the retry policy lives in {@link #process}. */
    sealed interface Result {
        record Done() implements Result {
        }

        record RequeueAfter(Duration delay) implements Result {
        }
    }

    /** What one CRD currently serves. */
    private record Served(List<GroupVersionResource> resources, String keyPrefix, boolean terminating) {
    }

    /**
     * @param registry  the served resources
     * @param stores    the generic stores (of CRDs and of custom resources)
     * @param dropCache drops the watch cache of a storage prefix no longer served
     * @param clock     condition transition times
     */
    public CrdController(ResourceRegistry registry, Function<GroupVersionResource, Optional<ResourceStore>> stores,
                         Consumer<String> dropCache, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.stores = Objects.requireNonNull(stores, "stores");
        this.dropCache = Objects.requireNonNull(dropCache, "dropCache");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Reconciles every stored CRD, then follows changes in the background. */
    public void start() {
        ResourceStore.ListPage page = crdStore().list("", Options.List.ALL);
        for (CachedObject crd : page.items()) {
            process(crd.name());
        }
        worker = Thread.ofVirtual().name("crd-controller").start(this::work);
        watcher = Thread.ofVirtual().name("crd-watch").start(() -> follow(page.revision()));
    }

    private ResourceStore crdStore() {
        return stores.apply(CRDS).orElseThrow(() -> new IllegalStateException("customresourcedefinitions are not served"));
    }

    // ---------------------------------------------------------------- queue

    private void enqueue(String name) {
        if (!closed && queued.add(name)) {
            queue.add(name);
        }
    }

    private void enqueueAfter(String name, Duration delay) {
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(delay);
                enqueue(name);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void work() {
        while (!closed) {
            try {
                String name = queue.poll(1, TimeUnit.SECONDS);
                if (name != null) {
                    queued.remove(name);
                    process(name);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void process(String name) {
        Result result;
        try {
            result = reconcile(name);
        } catch (RuntimeException e) {
            int attempts = failures.merge(name, 1, Integer::sum);
            long delayMillis = Math.min(MAX_RETRY_DELAY.toMillis(), 100L << Math.min(attempts, 10));
            if (!(e instanceof ApiException api && api.code() == 409)) {
                LOG.warn("reconciling CRD {} failed (attempt {}): {}", name, attempts, e.toString());
            }
            enqueueAfter(name, Duration.ofMillis(delayMillis));
            return;
        }
        switch (result) {
            case Result.Done done -> failures.remove(name);
            case Result.RequeueAfter requeue -> {
                failures.remove(name);
                enqueueAfter(name, requeue.delay());
            }
        }
    }

    private void follow(long fromRevision) {
        long revision = fromRevision;
        while (!closed) {
            Options.List options = new Options.List(object -> true, Long.toString(revision), "", 0, "", Optional.empty());
            WatchCache.WatchStart start;
            try {
                start = crdStore().watch("", options);
            } catch (ApiException e) {
                // Too old: list again and reconcile everything.
                ResourceStore.ListPage page = crdStore().list("", Options.List.ALL);
                page.items().forEach(crd -> enqueue(crd.name()));
                served.keySet().forEach(this::enqueue);
                revision = page.revision();
                continue;
            }
            start.initial().forEach(crd -> enqueue(crd.name()));
            try (CacheWatcher events = start.watcher()) {
                while (!closed) {
                    Optional<CacheWatcher.Item> item = events.poll(1, TimeUnit.SECONDS);
                    if (item.isEmpty()) {
                        continue;
                    }
                    switch (item.get()) {
                        case CacheWatcher.Item.Event event -> {
                            revision = event.event().revision();
                            enqueue(event.event().object().name());
                            if (event.event().type() == dev.kapal.apiserver.cache.CacheEvent.Type.DELETED) {
                                // Names it held are free now: CRDs that wanted them may be accepted.
                                crdStore().list("", Options.List.ALL).items().forEach(crd -> {
                                    if (!Conditions.isTrue(crd.object(), Conditions.NAMES_ACCEPTED)) {
                                        enqueue(crd.name());
                                    }
                                });
                            }
                        }
                        case CacheWatcher.Item.End end -> {
                            if (!closed) {
                                LOG.debug("CRD watch ended ({}); watching again from {}", end.why(), "revision");
                            }
                        }
                    }
                    if (events.ended()) {
                        break;
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("CRD watch failed: {}", e.toString());
                sleepQuietly(Duration.ofSeconds(1));
            }
        }
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- reconcile

    Result reconcile(String name) {
        Optional<ObjectNode> found = read(name);
        if (found.isEmpty()) {
            unserve(name);
            return new Result.Done();
        }
        ObjectNode crd = found.get();
        if (crd.path("metadata").has("deletionTimestamp")) {
            return finalizeDeletion(name, crd);
        }
        CrdDefinitions.Names requested = CrdDefinitions.Names.of(crd.path("spec").path("names"));
        JsonNode acceptedNode = crd.path("status").path("acceptedNames");
        CrdDefinitions.Names accepted = CrdDefinitions.Names.of(acceptedNode.isObject() ? acceptedNode : Json.object());
        NameCheck check = checkNames(name, crd.path("spec").path("group").asText(), requested, accepted);

        boolean namesAccepted = check.condition().isTrue();
        if (namesAccepted) {
            register(name, crd, requested, false);
        }
        boolean established = namesAccepted || Conditions.isTrue(crd, Conditions.ESTABLISHED);
        Conditions.Condition establishedCondition = established
                ? new Conditions.Condition(Conditions.ESTABLISHED, "True", "InitialNamesAccepted",
                "the initial names have been accepted")
                : new Conditions.Condition(Conditions.ESTABLISHED, "False", "NotAccepted", "not all names are accepted");
        if (established && Conditions.isTrue(crd, Conditions.ESTABLISHED)) {
            establishedCondition = Conditions.find(crd, Conditions.ESTABLISHED).orElseThrow();
        }
        Conditions.Condition finalEstablished = establishedCondition;
        writeStatus(name, object -> {
            Json.objectAt(object, "status").set("acceptedNames", namesNode(check.names()));
            Conditions.set(object, check.condition(), clock);
            Conditions.set(object, finalEstablished, clock);
        });
        return new Result.Done();
    }

    private Optional<ObjectNode> read(String name) {
        try {
            return Optional.of(crdStore().get("", name, ""));
        } catch (ApiException e) {
            if (e.code() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Patches the CRD's status through the status subresource, on fresh state (retried on conflict by the store). */
    private void writeStatus(String name, Consumer<ObjectNode> change) {
        try {
            crdStore().patch("", name, current -> {
                change.accept(current);
                return current;
            }, "status", Options.Write.DEFAULT);
        } catch (ApiException e) {
            if (e.code() != 404) {
                throw e;
            }
        }
    }

    private void register(String name, JsonNode crd, CrdDefinitions.Names names, boolean terminating) {
        List<ResourceDefinition> definitions = CrdDefinitions.served(crd, names, terminating);
        String prefix = "/registry/" + crd.path("spec").path("group").asText() + "/" + names.plural() + "/";
        List<GroupVersionResource> resources = definitions.stream().map(d -> d.info().gvr()).toList();
        Served before = served.get(name);
        Served now = new Served(resources, prefix, terminating);
        boolean changed = before == null || !before.equals(now)
                || definitions.stream().anyMatch(d -> !registry.snapshot().find(d.info().gvr())
                .map(existing -> existing.info().equals(d.info()) && existing.scale().equals(d.scale())
                        && existing.strategy().equals(d.strategy()))
                .orElse(false));
        if (!changed) {
            return;
        }
        if (before != null) {
            List<GroupVersionResource> gone = new ArrayList<>(before.resources());
            gone.removeAll(resources);
            if (!gone.isEmpty()) {
                registry.unregister(gone);
            }
        }
        registry.register(definitions);
        served.put(name, now);
        if (before != null && !before.keyPrefix().equals(prefix)) {
            dropCache.accept(before.keyPrefix());
        }
        LOG.info("serving {} as {}", name, resources);
    }

    private void unserve(String name) {
        Served before = served.remove(name);
        if (before != null) {
            registry.unregister(before.resources());
            dropCache.accept(before.keyPrefix());
            LOG.info("no longer serving {}", name);
        }
    }

    // ---------------------------------------------------------------- names

    /** The outcome of the names check: the names to accept and the {@code NamesAccepted} condition. */
    private record NameCheck(CrdDefinitions.Names names, Conditions.Condition condition) {
    }

    private NameCheck checkNames(String name, String group, CrdDefinitions.Names requested,
                                 CrdDefinitions.Names accepted) {
        Set<String> usedResources = new HashSet<>();
        Set<String> usedKinds = new HashSet<>();
        for (CachedObject other : crdStore().list("", Options.List.ALL).items()) {
            if (other.name().equals(name) || !other.object().path("spec").path("group").asText().equals(group)) {
                continue;
            }
            CrdDefinitions.Names theirs = CrdDefinitions.Names.of(other.object().path("status").path("acceptedNames"));
            usedResources.addAll(theirs.resourceNames());
            usedKinds.add(theirs.kind());
            usedKinds.add(theirs.listKind());
        }
        // Built-in resources of the same group (a CRD in a built-in group) are taken too.
        Set<GroupVersionResource> ours = new HashSet<>();
        served.values().forEach(s -> ours.addAll(s.resources()));
        registry.snapshot().byResource().values().stream()
                .filter(d -> d.info().groupVersion().group().equals(group) && !ours.contains(d.info().gvr()))
                .forEach(d -> {
                    usedResources.add(d.info().plural());
                    usedResources.add(d.info().singular());
                    usedResources.addAll(d.info().shortNames());
                    usedKinds.add(d.info().kind());
                    usedKinds.add(d.info().listKind());
                });
        usedResources.remove("");
        usedKinds.remove("");

        String plural = accepted.plural();
        String singular = accepted.singular();
        List<String> shortNames = accepted.shortNames();
        String kind = accepted.kind();
        String listKind = accepted.listKind();
        Conditions.Condition condition = null;
        Optional<String> conflict = inUse(requested.plural(), accepted.plural(), usedResources);
        if (conflict.isPresent()) {
            condition = conflict("PluralConflict", conflict.get());
        } else {
            plural = requested.plural();
        }
        conflict = inUse(requested.singular(), accepted.singular(), usedResources);
        if (conflict.isPresent()) {
            condition = conflict("SingularConflict", conflict.get());
        } else {
            singular = requested.singular();
        }
        if (!requested.shortNames().equals(accepted.shortNames())) {
            List<String> messages = new ArrayList<>();
            for (String shortName : requested.shortNames()) {
                if (!accepted.shortNames().contains(shortName)) {
                    inUse(shortName, "", usedResources).ifPresent(messages::add);
                }
            }
            if (!messages.isEmpty()) {
                condition = conflict("ShortNamesConflict", messages.size() == 1 ? messages.get(0)
                        : "[" + String.join(", ", messages) + "]");
            } else {
                shortNames = requested.shortNames();
            }
        }
        conflict = inUse(requested.kind(), accepted.kind(), usedKinds);
        if (conflict.isPresent()) {
            condition = conflict("KindConflict", conflict.get());
        } else {
            kind = requested.kind();
        }
        conflict = inUse(requested.listKind(), accepted.listKind(), usedKinds);
        if (conflict.isPresent()) {
            condition = conflict("ListKindConflict", conflict.get());
        } else {
            listKind = requested.listKind();
        }
        if (condition == null) {
            condition = new Conditions.Condition(Conditions.NAMES_ACCEPTED, "True", "NoConflicts", "no conflicts found");
        }
        return new NameCheck(new CrdDefinitions.Names(plural, singular, kind, listKind, shortNames,
                requested.categories()), condition);
    }

    private static Conditions.Condition conflict(String reason, String message) {
        return new Conditions.Condition(Conditions.NAMES_ACCEPTED, "False", reason, message);
    }

    /** A name is fine if it is the one already accepted, or nobody uses it. */
    private static Optional<String> inUse(String requested, String accepted, Set<String> used) {
        if (requested.equals(accepted) || !used.contains(requested)) {
            return Optional.empty();
        }
        return Optional.of("\"" + requested + "\" is already in use");
    }

    private static ObjectNode namesNode(CrdDefinitions.Names names) {
        ObjectNode node = Json.object();
        node.put("plural", names.plural());
        node.put("singular", names.singular());
        if (!names.shortNames().isEmpty()) {
            ArrayNode shortNames = node.putArray("shortNames");
            names.shortNames().forEach(shortNames::add);
        }
        node.put("kind", names.kind());
        node.put("listKind", names.listKind());
        if (!names.categories().isEmpty()) {
            ArrayNode categories = node.putArray("categories");
            names.categories().forEach(categories::add);
        }
        return node;
    }

    // ---------------------------------------------------------------- deletion

    private Result finalizeDeletion(String name, ObjectNode crd) {
        List<String> finalizers = CrdDefinitions.texts(crd.path("metadata").path("finalizers"));
        if (!finalizers.contains(CustomResourceDefinitionStrategy.CLEANUP_FINALIZER)) {
            return new Result.Done();
        }
        Served current = served.get(name);
        if (current != null && !current.terminating()) {
            JsonNode acceptedNode = crd.path("status").path("acceptedNames");
            CrdDefinitions.Names names = CrdDefinitions.Names.of(acceptedNode.isObject() ? acceptedNode
                    : crd.path("spec").path("names"));
            register(name, crd, names, true);
            current = served.get(name);
        }
        writeStatus(name, object -> Conditions.set(object, Conditions.terminating("True", "InstanceDeletionInProgress",
                "CustomResource deletion is in progress"), clock));
        if (current != null && !current.resources().isEmpty()) {
            ResourceStore instances = stores.apply(current.resources().get(0)).orElseThrow(
                    () -> new IllegalStateException("custom resources of " + name + " are not served"));
            for (CachedObject instance : instances.list("", Options.List.ALL).items()) {
                try {
                    instances.delete(instance.namespace(), instance.name(), Options.Delete.DEFAULT);
                } catch (ApiException e) {
                    if (e.code() != 404) {
                        throw e;
                    }
                }
            }
            int left = instances.list("", Options.List.ALL).items().size();
            if (left > 0) {
                // Finalizers of the instances hold them; check again later, as upstream polls.
                writeStatus(name, object -> Conditions.set(object, Conditions.terminating("True", "InstanceDeletionCheck",
                        "could not confirm zero CustomResources remaining: " + left + " remaining"), clock));
                return new Result.RequeueAfter(INSTANCE_CHECK_DELAY);
            }
        }
        writeStatus(name, object -> Conditions.set(object, Conditions.terminating("False", "InstanceDeletionCompleted",
                "removed all instances"), clock));
        try {
            crdStore().patch("", name, object -> {
                ArrayNode kept = Json.array();
                CrdDefinitions.texts(object.path("metadata").path("finalizers")).stream()
                        .filter(finalizer -> !finalizer.equals(CustomResourceDefinitionStrategy.CLEANUP_FINALIZER))
                        .forEach(kept::add);
                Json.objectAt(object, "metadata").set("finalizers", kept);
                return object;
            }, "", Options.Write.DEFAULT);
        } catch (ApiException e) {
            if (e.code() != 404) {
                throw e;
            }
        }
        // The DELETED event that follows unregisters; doing it now too closes the window at once.
        if (read(name).isEmpty()) {
            unserve(name);
        }
        return new Result.Done();
    }

    @Override
    public void close() {
        closed = true;
        if (worker != null) {
            worker.interrupt();
        }
        if (watcher != null) {
            watcher.interrupt();
        }
    }
}
