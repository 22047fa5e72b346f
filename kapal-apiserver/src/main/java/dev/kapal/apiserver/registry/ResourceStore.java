package dev.kapal.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.GroupVersionResource;
import dev.kapal.api.Json;
import dev.kapal.api.ResourceInfo;
import dev.kapal.api.StatusCause;
import dev.kapal.apiserver.admission.Admission;
import dev.kapal.apiserver.cache.CacheManager;
import dev.kapal.apiserver.cache.CachedObject;
import dev.kapal.apiserver.cache.WatchCache;
import dev.kapal.storage.KeyValue;
import dev.kapal.storage.ListResult;
import dev.kapal.storage.Store;
import dev.kapal.storage.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The generic store: create, read, update, patch, delete, list and watch for any
 * {@link ResourceDefinition}, over the {@link Store} seam and the watch cache. Everything
 * kind-specific comes from the definition's {@link Strategy}.
 *
 * <p>Reads: {@code get} reads the store (read-your-writes), except with resourceVersion "0";
 * unpaged lists and all watches are served from the cache after it caught up with the store;
 * paged lists read the store at one revision so every page belongs to the same snapshot.
 *
 * <p>Writes are compare-and-swap on the stored revision. A client that sent a resourceVersion
 * gets 409 Conflict when it is stale; otherwise the write is retried on fresh state.
 */
public final class ResourceStore {
    /** How long a read waits for the cache to catch up with a requested resourceVersion (upstream: 3 s). */
    static final Duration FRESHNESS_WAIT = Duration.ofSeconds(3);
    private static final String NAME_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final int GENERATE_NAME_ATTEMPTS = 8;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The garbage collector's finalizers (metav1.FinalizerOrphanDependents and FinalizerDeleteDependents). */
    public static final String ORPHAN_FINALIZER = "orphan";
    public static final String FOREGROUND_FINALIZER = "foregroundDeletion";

    private final ResourceDefinition definition;
    private final ResourceInfo info;
    private final Strategy strategy;
    private final Store store;
    private final CacheManager caches;
    private final NamespaceLookup namespaces;
    private final Clock clock;
    private final boolean garbageCollection;
    private final List<Admission> admissions;
    private final Conversion conversion;
    /** The server-side apply type of this resource's objects, built on the first write that needs it. */
    private volatile dev.kapal.api.apply.FieldType applyType;

    /** Answers whether a namespace exists and whether it is terminating, for create checks. */
    public interface NamespaceLookup {
        /** The namespace object, if it exists. */
        Optional<ObjectNode> find(String namespace);
    }

    /** What DELETE did: removed the object now, or marked it and left removal to its owner or finalizers. */
    public sealed interface DeleteOutcome {
        ObjectNode object();

        record Removed(ObjectNode object) implements DeleteOutcome {
        }

        record Pending(ObjectNode object) implements DeleteOutcome {
        }
    }

    /** One page of a list, sorted by key. */
    public record ListPage(List<CachedObject> items, long revision, Optional<String> continueToken,
                           OptionalLong remainingItemCount) {
        public ListPage {
            items = List.copyOf(items);
            Objects.requireNonNull(continueToken, "continueToken");
            Objects.requireNonNull(remainingItemCount, "remainingItemCount");
        }
    }

    public ResourceStore(ResourceDefinition definition, Store store, CacheManager caches, NamespaceLookup namespaces,
                         Clock clock, boolean garbageCollection, List<Admission> admissions) {
        this.definition = Objects.requireNonNull(definition, "definition");
        this.info = definition.info();
        this.strategy = definition.strategy();
        this.store = Objects.requireNonNull(store, "store");
        this.caches = Objects.requireNonNull(caches, "caches");
        this.namespaces = Objects.requireNonNull(namespaces, "namespaces");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.garbageCollection = garbageCollection;
        this.admissions = List.copyOf(admissions);
        this.conversion = definition.conversion();
    }

    public ResourceDefinition definition() {
        return definition;
    }

    private GroupVersionResource gvr() {
        return info.gvr();
    }

    /** The storage key of an object. */
    public String key(String namespace, String name) {
        return info.namespaced() ? info.keyPrefix() + namespace + "/" + name : info.keyPrefix() + name;
    }

    private String listPrefix(String namespace) {
        return info.namespaced() && !namespace.isEmpty() ? info.keyPrefix() + namespace + "/" : info.keyPrefix();
    }

    private WatchCache cache() {
        return caches.cache(info.keyPrefix());
    }

    // ---------------------------------------------------------------- create

    /** Creates {@code body} in {@code namespace} (ignored for cluster-scoped kinds). */
    public ObjectNode create(String namespace, ObjectNode body, Options.Write options) {
        return create(namespace, body, options, true);
    }

    /** @param track whether to record the write in managedFields (false: the caller already did, as apply does) */
    private ObjectNode create(String namespace, ObjectNode body, Options.Write options, boolean track) {
        ObjectNode object = body.deepCopy();
        checkTypeMeta(object);
        ObjectNode metadata = Json.objectAt(object, "metadata");
        reconcileNamespace(metadata, namespace);
        if (metadata.hasNonNull("resourceVersion") && !metadata.path("resourceVersion").asText().isEmpty()) {
            throw ApiException.badRequest("resourceVersion should not be set on objects to be created");
        }
        String generateName = metadata.path("generateName").asText("");
        boolean generated = metadata.path("name").asText("").isEmpty() && !generateName.isEmpty();
        for (int attempt = 0; ; attempt++) {
            if (generated) {
                metadata.put("name", generateName + randomSuffix());
            }
            ObjectNode prepared = prepareCreate(object.deepCopy());
            if (track && !options.fieldManager().isEmpty()) {
                dev.kapal.api.apply.FieldManager.update(Optional.empty(), prepared, options.fieldManager(),
                        managedFieldsContext("", prepared, prepared));
            }
            String name = prepared.path("metadata").path("name").asText();
            if (info.namespaced()) {
                checkNamespaceAcceptsContent(prepared.path("metadata").path("namespace").asText());
            }
            if (options.dryRun()) {
                return prepared;
            }
            try {
                KeyValue stored = store.create(key(prepared.path("metadata").path("namespace").asText(""), name), encode(prepared));
                return stamp(prepared, stored.modRevision());
            } catch (StoreException.KeyExists exists) {
                if (!generated || attempt + 1 >= GENERATE_NAME_ATTEMPTS) {
                    throw ApiException.alreadyExists(gvr(), name);
                }
            }
        }
    }

    private ObjectNode prepareCreate(ObjectNode object) {
        ObjectNode metadata = Json.objectAt(object, "metadata");
        metadata.put("uid", UUID.randomUUID().toString());
        metadata.put("creationTimestamp", timestamp(clock.instant()));
        for (String field : List.of("resourceVersion", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds", "generation")) {
            metadata.remove(field);
        }
        if (strategy.tracksGeneration()) {
            metadata.put("generation", 1);
        }
        if (info.hasSubresource("status") && strategy.resetStatusOnCreate()) {
            // Upstream strategies reset status to its zero value: {} for typed kinds, absent for CRs.
            if (strategy.typedStatus()) {
                object.set("status", Json.object());
            } else {
                object.remove("status");
            }
        }
        strategy.prepareForCreate(object);
        strategy.applyDefaults(object);
        for (Admission admission : admissions) {
            admission.admit(info, Admission.Operation.CREATE, object, Optional.empty());
        }
        validate(object, MetadataValidation.validate(object, strategy, info.namespaced()), strategy.validate(object));
        return object;
    }

    // ---------------------------------------------------------------- read

    /** Reads one object; resourceVersion "0" may be served from the cache, anything else reads the store. */
    public ObjectNode get(String namespace, String name, String resourceVersion) {
        String key = key(namespace, name);
        if ("0".equals(resourceVersion)) {
            return cache().get(key).map(this::served).map(CachedObject::copy).orElseThrow(() -> ApiException.notFound(gvr(), name));
        }
        if (!resourceVersion.isEmpty()) {
            caches.waitFor(parseResourceVersion(resourceVersion), FRESHNESS_WAIT);
            return cache().get(key).map(this::served).map(CachedObject::copy).orElseThrow(() -> ApiException.notFound(gvr(), name));
        }
        KeyValue kv = store.get(key).orElseThrow(() -> ApiException.notFound(gvr(), name));
        return served(CachedObject.decode(kv)).copy();
    }

    /** Reads one object as the cache holds it now (read-only, in the stored version), without waiting. */
    public Optional<CachedObject> peekCached(String namespace, String name) {
        return cache().get(key(namespace, name));
    }

    /** Every object, as the cache holds them (read-only), after the cache caught up with the store. */
    public List<CachedObject> listCached() {
        caches.waitForCurrent(FRESHNESS_WAIT);
        return cache().list(info.keyPrefix(), object -> true).objects();
    }

    /** Lists objects in {@code namespace} (all namespaces when empty). */
    public ListPage list(String namespace, Options.List options) {
        if (!options.continueToken().isEmpty()) {
            if (!options.resourceVersion().isEmpty()) {
                throw ApiException.badRequest("specifying resource version is not allowed when using continue");
            }
            ContinueToken token = ContinueToken.decode(options.continueToken(), info.keyPrefix());
            return listFromStore(namespace, options, token.revision(), token.startAfter());
        }
        String rv = options.resourceVersion();
        String match = options.resourceVersionMatch();
        if (!match.isEmpty() && !match.equals("NotOlderThan") && !match.equals("Exact")) {
            throw ApiException.badRequest("resourceVersionMatch: Unsupported value: \"" + match
                    + "\": supported values: \"Exact\", \"NotOlderThan\"");
        }
        if (!match.isEmpty() && rv.isEmpty()) {
            throw ApiException.badRequest("resourceVersionMatch is forbidden unless resourceVersion is provided");
        }
        if (match.equals("Exact")) {
            long revision = parseResourceVersion(rv);
            if (revision == 0) {
                throw ApiException.badRequest("resourceVersionMatch \"Exact\" is forbidden for resourceVersion \"0\"");
            }
            return listFromStore(namespace, options, revision, "");
        }
        if (options.limit() > 0 && rv.isEmpty()) {
            // A paged consistent list: every page must come from one snapshot, which the store keeps.
            return listFromStore(namespace, options, 0, "");
        }
        if (rv.isEmpty()) {
            caches.waitForCurrent(FRESHNESS_WAIT);
        } else if (!rv.equals("0")) {
            caches.waitFor(parseResourceVersion(rv), FRESHNESS_WAIT);
        }
        WatchCache.Snapshot snapshot = cache().list(listPrefix(namespace), options.filter());
        if (options.limit() > 0 && !rv.equals("0") && snapshot.objects().size() > options.limit()) {
            // NotOlderThan with a limit: later pages come from the store at the snapshot's revision.
            List<CachedObject> page = snapshot.objects().subList(0, (int) options.limit());
            String last = page.get(page.size() - 1).key();
            return new ListPage(servedAll(page), snapshot.revision(),
                    Optional.of(new ContinueToken(snapshot.revision(), last, info.keyPrefix()).encode()),
                    OptionalLong.of(snapshot.objects().size() - options.limit()));
        }
        return new ListPage(servedAll(snapshot.objects()), snapshot.revision(), Optional.empty(), OptionalLong.empty());
    }

    private ListPage listFromStore(String namespace, Options.List options, long revision, String startAfter) {
        String prefix = listPrefix(namespace);
        long limit = options.limit();
        List<CachedObject> items = new ArrayList<>();
        String after = startAfter;
        long atRevision = revision;
        try {
            while (true) {
                int want = limit > 0 ? (int) Math.min(Integer.MAX_VALUE, Math.max(limit - items.size(), 1)) : 0;
                ListResult page = store.list(prefix, atRevision, after, want);
                atRevision = page.revision();
                List<KeyValue> kvs = page.items();
                for (int i = 0; i < kvs.size(); i++) {
                    KeyValue kv = kvs.get(i);
                    CachedObject object = CachedObject.decode(kv);
                    after = kv.key();
                    if (options.filter().test(object)) {
                        items.add(object);
                    }
                    if (limit > 0 && items.size() >= limit) {
                        long leftInPage = kvs.size() - i - 1;
                        boolean remaining = leftInPage > 0 || page.more();
                        if (!remaining) {
                            return new ListPage(servedAll(items), atRevision, Optional.empty(), OptionalLong.empty());
                        }
                        OptionalLong count = isEverything(options)
                                ? OptionalLong.of(leftInPage + page.remaining())
                                : OptionalLong.empty();
                        return new ListPage(servedAll(items), atRevision,
                                Optional.of(new ContinueToken(atRevision, after, info.keyPrefix()).encode()), count);
                    }
                }
                if (!page.more()) {
                    return new ListPage(servedAll(items), atRevision, Optional.empty(), OptionalLong.empty());
                }
            }
        } catch (StoreException.Compacted compacted) {
            if (startAfter.isEmpty()) {
                throw ApiException.gone("too old resource version: " + revision + " (" + compacted.compactRevision() + ")");
            }
            throw ApiException.expired("The provided continue parameter is too old to display a consistent list result. "
                    + "You can start a new list without the continue parameter, or use the continue token in this response "
                    + "to retrieve the remainder of the results. Continuing with the provided token results in an "
                    + "inconsistent list - objects that were created, modified, or deleted between the time the first "
                    + "chunk was returned and now may show up in the list.");
        } catch (StoreException.FutureRevision future) {
            throw ApiException.timeout("Too large resource version: " + revision + ", current: " + store.currentRevision());
        }
    }

    private static boolean isEverything(Options.List options) {
        return options.filter() == Options.List.ALL.filter();
    }

    /**
     * Starts a watch. With resourceVersion "" or "0" (or {@code sendInitialEvents=true}) the
     * current objects come first as ADDED events; otherwise changes after the given resourceVersion.
     */
    public WatchCache.WatchStart watch(String namespace, Options.List options) {
        String rv = options.resourceVersion();
        boolean initial = options.sendInitialEvents().orElse(rv.isEmpty() || rv.equals("0"));
        if (options.sendInitialEvents().isPresent() && !options.resourceVersionMatch().equals("NotOlderThan")) {
            throw ApiException.invalid(info.gvk(), "", List.of(new StatusCause("FieldValueForbidden",
                    "Forbidden: sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to NotOlderThan",
                    "sendInitialEvents")));
        }
        long from = rv.isEmpty() || rv.equals("0") ? 0 : parseResourceVersion(rv);
        if (rv.isEmpty() || (initial && from > 0)) {
            caches.waitFor(Math.max(from, store.currentRevision()), FRESHNESS_WAIT);
        } else if (from > 0) {
            caches.waitFor(from, FRESHNESS_WAIT);
        }
        String prefix = listPrefix(namespace);
        return cache().watch(initial, from, object -> object.key().startsWith(prefix) && options.filter().test(object));
    }

    // ---------------------------------------------------------------- update and patch

    /** Replaces an object (PUT) on the main resource or on {@code status}. */
    public ObjectNode update(String namespace, String name, ObjectNode body, String subresource, Options.Write options) {
        checkTypeMeta(body);
        JsonNode bodyMeta = body.path("metadata");
        String bodyName = bodyMeta.path("name").asText("");
        if (!bodyName.isEmpty() && !bodyName.equals(name)) {
            throw ApiException.badRequest("the name of the object (" + bodyName
                    + ") does not match the name on the URL (" + name + ")");
        }
        if (info.namespaced()) {
            String bodyNamespace = bodyMeta.path("namespace").asText("");
            if (!bodyNamespace.isEmpty() && !bodyNamespace.equals(namespace)) {
                throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on the request");
            }
        }
        return write(namespace, name, current -> body.deepCopy(), subresource, options, strategy.allowCreateOnUpdate(), false);
    }

    /** Applies {@code patch} to the current object and writes the result as an update. */
    public ObjectNode patch(String namespace, String name, UnaryOperator<ObjectNode> patch, String subresource,
                            Options.Write options) {
        return write(namespace, name, current -> {
            ObjectNode patched = patch.apply(current.deepCopy());
            JsonNode meta = patched.path("metadata");
            if (!meta.path("name").asText(name).equals(name)) {
                throw ApiException.badRequest("the name of the object (" + meta.path("name").asText()
                        + ") does not match the name on the URL (" + name + ")");
            }
            return patched;
        }, subresource, options, false, false);
    }

    /**
     * Server-side apply of {@code config} by {@code options.fieldManager()}: creates the object
     * when it does not exist (on the main resource), else merges it by field ownership.
     *
     * @throws ApiException 409 with the conflicting fields when others own what the apply changes, unless {@code force}
     */
    public Applied apply(String namespace, String name, ObjectNode config, String subresource, boolean force,
                         Options.Write options) {
        String apiVersion = config.path("apiVersion").asText("");
        String kind = config.path("kind").asText("");
        if (apiVersion.isEmpty() || kind.isEmpty()) {
            throw ApiException.badRequest((kind.isEmpty() ? "Object 'Kind'" : "Object 'apiVersion'")
                    + " is missing in '" + Json.writeString(config) + "'");
        }
        checkTypeMeta(config);
        JsonNode configMeta = config.path("metadata");
        String bodyName = configMeta.path("name").asText("");
        if (!bodyName.isEmpty() && !bodyName.equals(name)) {
            throw ApiException.badRequest("the name of the object (" + bodyName
                    + ") does not match the name on the URL (" + name + ")");
        }
        if (info.namespaced()) {
            String bodyNamespace = configMeta.path("namespace").asText("");
            if (!bodyNamespace.isEmpty() && !bodyNamespace.equals(namespace)) {
                throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on the request");
            }
        }
        ObjectNode applied = config.deepCopy();
        boolean[] creating = new boolean[1];
        ObjectNode result = write(namespace, name, current -> {
            // The store hands the computation an empty object when there is nothing to update.
            creating[0] = !current.path("metadata").has("uid");
            // A resourceVersion in the configuration merges into the result and pins the write.
            return dev.kapal.api.apply.FieldManager.apply(Optional.of(current), applied,
                    options.fieldManager(), force, managedFieldsContext(subresource, current, applied)).object();
        }, subresource, options, subresource.isEmpty(), true);
        return new Applied(result, creating[0]);
    }

    /** What an apply did: the object, and whether the apply created it (upstream answers 201 then). */
    public record Applied(ObjectNode object, boolean created) {
    }

    private dev.kapal.api.apply.FieldType applyType() {
        dev.kapal.api.apply.FieldType type = applyType;
        if (type == null) {
            type = dev.kapal.apiserver.openapi.ApplyTypes.of(definition);
            applyType = type;
        }
        return type;
    }

    /** Which top-level fields the endpoint resets: status on the main resource, all but status on /status. */
    private dev.kapal.api.apply.FieldManager.Context managedFieldsContext(String subresource, ObjectNode before,
                                                                        ObjectNode after) {
        java.util.Set<String> reset = new java.util.HashSet<>();
        if (subresource.equals("status")) {
            for (ObjectNode object : List.of(before, after)) {
                object.fieldNames().forEachRemaining(reset::add);
            }
            reset.remove("status");
            reset.remove("metadata");
        } else if (info.hasSubresource("status")) {
            reset.add("status");
        }
        return new dev.kapal.api.apply.FieldManager.Context(applyType(), info.groupVersion().apiVersion(), subresource,
                reset, timestamp(clock.instant()), strategy.openApiV3Schema().isEmpty());
    }

    /**
     * The update loop: read, compute the new object, prepare and validate it, compare-and-swap;
     * on a conflict the whole computation runs again on fresh state, where a resourceVersion the
     * client pinned no longer matches.
     */
    private ObjectNode write(String namespace, String name, UnaryOperator<ObjectNode> compute, String subresource,
                             Options.Write options, boolean mayCreate, boolean tracked) {
        String key = key(namespace, name);
        while (true) {
            Optional<KeyValue> stored = store.get(key);
            if (stored.isEmpty()) {
                if (mayCreate && subresource.isEmpty()) {
                    ObjectNode fresh = compute.apply(Json.object());
                    Json.objectAt(fresh, "metadata").put("name", name);
                    try {
                        return create(namespace, stripVersion(fresh), options, !tracked);
                    } catch (ApiException raced) {
                        if (raced.code() != 409) {
                            throw raced;
                        }
                        continue;
                    }
                }
                throw ApiException.notFound(gvr(), name);
            }
            CachedObject current = served(CachedObject.decode(stored.get()));
            ObjectNode old = current.copy();
            ObjectNode next = compute.apply(current.copy());
            checkTypeMeta(next);
            String requestedVersion = next.path("metadata").path("resourceVersion").asText("");
            boolean pinned = !requestedVersion.isEmpty();
            if (pinned && !requestedVersion.equals(Long.toString(current.revision()))) {
                throw ApiException.conflict(gvr(), name, ApiException.OBJECT_MODIFIED);
            }
            ObjectNode prepared = prepareUpdate(next, old, subresource);
            if (!tracked && !options.fieldManager().isEmpty() && (subresource.isEmpty() || subresource.equals("status"))) {
                dev.kapal.api.apply.FieldManager.update(Optional.of(old), prepared, options.fieldManager(),
                        managedFieldsContext(subresource, old, prepared));
            }
            if (sameObject(prepared, old)) {
                return stamp(old, current.revision());
            }
            if (options.dryRun()) {
                return stamp(prepared, current.revision());
            }
            try {
                if (isFinalized(prepared)) {
                    KeyValue deleted = store.delete(key, current.revision());
                    return stamp(prepared, deleted.modRevision());
                }
                KeyValue written = store.update(key, current.revision(), encode(prepared));
                return stamp(prepared, written.modRevision());
            } catch (StoreException.Conflict conflict) {
                // Another write won: compute again on fresh state. A resourceVersion the client
                // named (in the body or in the patch) no longer matches then, which is the 409;
                // the current object's own version, carried into a patch result, always does.
                continue;
            } catch (StoreException.KeyNotFound gone) {
                throw ApiException.notFound(gvr(), name);
            }
        }
    }

    private ObjectNode prepareUpdate(ObjectNode next, ObjectNode old, String subresource) {
        ObjectNode oldMeta = Json.objectAt(old, "metadata");
        ObjectNode prepared;
        List<StatusCause> kindCauses;
        if (subresource.equals("binding")) {
            // pods/binding: the binding handler itself computed the new pod (node name, the
            // PodScheduled condition); pod update validation would refuse a spec change.
            prepared = next;
            kindCauses = List.of();
        } else if (subresource.equals("finalize")) {
            // /finalize changes spec.finalizers only (the namespace controller's last step).
            prepared = old.deepCopy();
            JsonNode finalizers = next.path("spec").path("finalizers");
            if (finalizers.isArray()) {
                Json.objectAt(prepared, "spec").set("finalizers", finalizers);
            } else {
                Json.objectAt(prepared, "spec").remove("finalizers");
            }
            kindCauses = List.of();
        } else if (subresource.equals("status")) {
            // The status endpoint changes status only; everything else stays as stored.
            prepared = old.deepCopy();
            if (next.has("status")) {
                prepared.set("status", next.get("status"));
            } else {
                prepared.remove("status");
            }
            for (String field : strategy.statusUpdatableMetadata()) {
                JsonNode value = next.path("metadata").get(field);
                if (value != null && !value.isNull()) {
                    Json.objectAt(prepared, "metadata").set(field, value);
                } else {
                    Json.objectAt(prepared, "metadata").remove(field);
                }
            }
            kindCauses = strategy.validateStatusUpdate(prepared, old);
        } else {
            prepared = next;
            ObjectNode metadata = Json.objectAt(prepared, "metadata");
            for (String field : List.of("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                    "generation", "namespace")) {
                if (oldMeta.has(field)) {
                    metadata.set(field, oldMeta.get(field));
                } else {
                    metadata.remove(field);
                }
            }
            metadata.put("name", oldMeta.path("name").asText());
            metadata.remove("selfLink");
            if (info.hasSubresource("status")) {
                if (old.has("status")) {
                    prepared.set("status", old.get("status"));
                } else {
                    prepared.remove("status");
                }
            }
            strategy.prepareForUpdate(prepared, old);
            strategy.applyDefaults(prepared);
            for (Admission admission : admissions) {
                admission.admit(info, Admission.Operation.UPDATE, prepared, Optional.of(old));
            }
            if (strategy.tracksGeneration() && !sameSpec(prepared, old)) {
                metadata.put("generation", oldMeta.path("generation").asLong(0) + 1);
            }
            if (oldMeta.has("deletionTimestamp")) {
                checkNoNewFinalizers(metadata, oldMeta);
            }
            kindCauses = strategy.validateUpdate(prepared, old);
        }
        validate(prepared, MetadataValidation.validate(prepared, strategy, info.namespaced()), kindCauses);
        return prepared;
    }

    private void checkNoNewFinalizers(ObjectNode metadata, ObjectNode oldMeta) {
        List<String> before = texts(oldMeta.path("finalizers"));
        for (String finalizer : texts(metadata.path("finalizers"))) {
            if (!before.contains(finalizer)) {
                throw ApiException.invalid(info.gvk(), metadata.path("name").asText(), List.of(StatusCause.forbidden(
                        "metadata.finalizers", "no new finalizers can be added if the object is being deleted, found new finalizers []string{\""
                                + finalizer + "\"}")));
            }
        }
    }

    // ---------------------------------------------------------------- delete

    /** Deletes one object, gracefully or with finalizers where they apply. */
    public DeleteOutcome delete(String namespace, String name, Options.Delete options) {
        String key = key(namespace, name);
        while (true) {
            KeyValue stored = store.get(key).orElseThrow(() -> ApiException.notFound(gvr(), name));
            CachedObject current = served(CachedObject.decode(stored));
            ObjectNode object = current.copy();
            strategy.checkDelete(object);
            checkPreconditions(object, current.revision(), options, name);
            ObjectNode metadata = Json.objectAt(object, "metadata");
            boolean changed = false;
            if (garbageCollection) {
                changed |= addPropagationFinalizer(metadata, options);
            }
            if (!metadata.has("deletionTimestamp")) {
                changed |= strategy.prepareForDelete(object);
            }
            OptionalLong grace = strategy.gracefulDeletion(object, options.gracePeriodSeconds());
            boolean hasFinalizers = !texts(metadata.path("finalizers")).isEmpty() || hasSpecFinalizers(object);
            if (hasSpecFinalizers(object) && !"Terminating".equals(object.path("status").path("phase").asText())) {
                // A namespace stays, Terminating, until the namespace controller has emptied it and
                // removed its spec finalizers through /finalize.
                Json.objectAt(object, "status").put("phase", "Terminating");
                changed = true;
            }
            boolean graceful = grace.isPresent() && grace.getAsLong() > 0;
            if (graceful || hasFinalizers) {
                changed |= markDeleting(metadata, graceful ? grace.getAsLong() : 0, graceful);
            }
            if (!graceful && !hasFinalizers) {
                if (options.dryRun()) {
                    return new DeleteOutcome.Removed(stamp(object, current.revision()));
                }
                try {
                    KeyValue deleted = store.delete(key, current.revision());
                    return new DeleteOutcome.Removed(stamp(object, deleted.modRevision()));
                } catch (StoreException.Conflict conflict) {
                    continue;
                } catch (StoreException.KeyNotFound gone) {
                    throw ApiException.notFound(gvr(), name);
                }
            }
            if (!changed || options.dryRun()) {
                return new DeleteOutcome.Pending(stamp(object, current.revision()));
            }
            try {
                KeyValue written = store.update(key, current.revision(), encode(object));
                return new DeleteOutcome.Pending(stamp(object, written.modRevision()));
            } catch (StoreException.Conflict conflict) {
                // Someone wrote in between; decide again on the fresh state.
            } catch (StoreException.KeyNotFound gone) {
                throw ApiException.notFound(gvr(), name);
            }
        }
    }

    private void checkPreconditions(ObjectNode object, long revision, Options.Delete options, String name) {
        String uid = object.path("metadata").path("uid").asText("");
        options.preconditionUid().ifPresent(expected -> {
            if (!expected.equals(uid)) {
                throw ApiException.conflict(gvr(), name, "Precondition failed: UID in precondition: " + expected
                        + ", UID in object meta: " + uid);
            }
        });
        options.preconditionVersion().ifPresent(expected -> {
            if (!expected.equals(Long.toString(revision))) {
                throw ApiException.conflict(gvr(), name, "Precondition failed: ResourceVersion in precondition: "
                        + expected + ", ResourceVersion in object meta: " + revision);
            }
        });
    }

    /**
     * Sets the garbage collector's finalizers as upstream's deletion does: an explicit policy wins
     * ({@code Orphan} → {@code orphan}, {@code Foreground} → {@code foregroundDeletion},
     * {@code Background} → neither); without one, a finalizer the object already has stays; without
     * that, the kind's default applies ({@code Orphan} for core/v1 ReplicationControllers and batch/v1
     * Jobs, for backwards compatibility; background for everything else).
     */
    private boolean addPropagationFinalizer(ObjectNode metadata, Options.Delete options) {
        List<String> existing = texts(metadata.path("finalizers"));
        boolean orphan;
        boolean foreground;
        if (options.propagationPolicy().isPresent()) {
            String policy = options.propagationPolicy().get();
            orphan = policy.equals("Orphan");
            foreground = policy.equals("Foreground");
        } else if (existing.contains(ORPHAN_FINALIZER) || existing.contains(FOREGROUND_FINALIZER)) {
            orphan = existing.contains(ORPHAN_FINALIZER);
            foreground = !orphan && existing.contains(FOREGROUND_FINALIZER);
        } else {
            orphan = orphansByDefault();
            foreground = false;
        }
        List<String> wanted = new ArrayList<>();
        for (String finalizer : existing) {
            if ((finalizer.equals(ORPHAN_FINALIZER) && !orphan) || (finalizer.equals(FOREGROUND_FINALIZER) && !foreground)) {
                continue;
            }
            wanted.add(finalizer);
        }
        if (orphan && !wanted.contains(ORPHAN_FINALIZER)) {
            wanted.add(ORPHAN_FINALIZER);
        }
        if (foreground && !wanted.contains(FOREGROUND_FINALIZER)) {
            wanted.add(FOREGROUND_FINALIZER);
        }
        if (wanted.equals(existing)) {
            return false;
        }
        if (wanted.isEmpty()) {
            metadata.remove("finalizers");
        } else {
            ArrayNode finalizers = metadata.putArray("finalizers");
            wanted.forEach(finalizers::add);
        }
        return true;
    }

    /** Upstream's DefaultGarbageCollectionPolicy: OrphanDependents for v1 ReplicationControllers and batch/v1 Jobs. */
    private boolean orphansByDefault() {
        String group = info.groupVersion().group();
        String version = info.groupVersion().version();
        String plural = info.plural();
        return (group.isEmpty() && version.equals("v1") && plural.equals("replicationcontrollers"))
                || (group.equals("batch") && version.equals("v1") && plural.equals("jobs"));
    }

    /** Sets deletionTimestamp (or shortens it), as upstream's BeforeDelete. */
    private boolean markDeleting(ObjectNode metadata, long graceSeconds, boolean graceful) {
        Instant deadline = clock.instant().plusSeconds(graceSeconds).truncatedTo(ChronoUnit.SECONDS);
        if (metadata.has("deletionTimestamp")) {
            long currentGrace = metadata.path("deletionGracePeriodSeconds").asLong(0);
            if (!graceful || graceSeconds >= currentGrace) {
                return false;
            }
        }
        metadata.put("deletionTimestamp", timestamp(deadline));
        metadata.put("deletionGracePeriodSeconds", graceSeconds);
        if (graceful) {
            metadata.put("generation", metadata.path("generation").asLong(0) + 1);
        }
        return true;
    }

    /** An object being deleted whose last finalizer was just removed is removed from the store. */
    private boolean isFinalized(ObjectNode object) {
        JsonNode metadata = object.path("metadata");
        return metadata.has("deletionTimestamp")
                && texts(metadata.path("finalizers")).isEmpty()
                && !hasSpecFinalizers(object)
                && metadata.path("deletionGracePeriodSeconds").asLong(0) == 0;
    }

    /** Namespaces carry their own finalizers in {@code spec.finalizers} (upstream's {@code kubernetes}). */
    private boolean hasSpecFinalizers(ObjectNode object) {
        return isNamespaces() && !texts(object.path("spec").path("finalizers")).isEmpty();
    }

    private boolean isNamespaces() {
        return info.groupVersion().group().isEmpty() && info.plural().equals("namespaces");
    }

    // ---------------------------------------------------------------- helpers

    private void checkTypeMeta(ObjectNode object) {
        String apiVersion = object.path("apiVersion").asText("");
        String kind = object.path("kind").asText("");
        String expectedVersion = info.groupVersion().apiVersion();
        if (!apiVersion.isEmpty() && !apiVersion.equals(expectedVersion)) {
            throw ApiException.badRequest("the API version in the data (" + apiVersion
                    + ") does not match the expected API version (" + expectedVersion + ")");
        }
        if (!kind.isEmpty() && !kind.equals(info.kind())) {
            throw ApiException.badRequest("the kind in the data (" + kind + ") does not match the expected kind ("
                    + info.kind() + ")");
        }
        // Put apiVersion and kind first, as upstream's encoding does.
        ObjectNode reordered = Json.object();
        reordered.put("apiVersion", expectedVersion);
        reordered.put("kind", info.kind());
        for (Iterator<java.util.Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            java.util.Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getKey().equals("apiVersion") && !entry.getKey().equals("kind")) {
                reordered.set(entry.getKey(), entry.getValue());
            }
        }
        object.removeAll();
        object.setAll(reordered);
    }

    private void reconcileNamespace(ObjectNode metadata, String namespace) {
        if (!info.namespaced()) {
            metadata.remove("namespace");
            return;
        }
        String bodyNamespace = metadata.path("namespace").asText("");
        if (!bodyNamespace.isEmpty() && !namespace.isEmpty() && !bodyNamespace.equals(namespace)) {
            throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        if (!namespace.isEmpty()) {
            metadata.put("namespace", namespace);
        }
    }

    private void checkNamespaceAcceptsContent(String namespace) {
        Optional<ObjectNode> found = namespaces.find(namespace);
        if (found.isEmpty()) {
            throw ApiException.notFound(new GroupVersionResource("", "v1", "namespaces"), namespace);
        }
        if (found.get().path("metadata").has("deletionTimestamp")
                || "Terminating".equals(found.get().path("status").path("phase").asText())) {
            throw new ApiException(dev.kapal.api.StatusReason.FORBIDDEN, 403,
                    info.plural() + " \"" + "\" is forbidden: unable to create new content in namespace " + namespace
                            + " because it is being terminated",
                    Optional.of(new ApiException.Details("", info.groupVersion().group(), info.plural(),
                            List.of(new StatusCause("NamespaceTerminating",
                                    "namespace " + namespace + " is being terminated", "metadata.namespace")))),
                    Optional.empty());
        }
    }

    private void validate(ObjectNode object, List<StatusCause> metadataCauses, List<StatusCause> kindCauses) {
        if (metadataCauses.isEmpty() && kindCauses.isEmpty()) {
            return;
        }
        List<StatusCause> all = new ArrayList<>(metadataCauses);
        all.addAll(kindCauses);
        throw ApiException.invalid(info.gvk(), object.path("metadata").path("name").asText(""), all);
    }

    /** Everything but metadata and status: what bumps generation. */
    private static boolean sameSpec(ObjectNode a, ObjectNode b) {
        ObjectNode left = a.deepCopy();
        ObjectNode right = b.deepCopy();
        for (ObjectNode node : List.of(left, right)) {
            node.remove("metadata");
            node.remove("status");
        }
        return left.equals(right);
    }

    private static boolean sameObject(ObjectNode a, ObjectNode b) {
        ObjectNode left = a.deepCopy();
        ObjectNode right = b.deepCopy();
        Json.objectAt(left, "metadata").remove("resourceVersion");
        Json.objectAt(right, "metadata").remove("resourceVersion");
        return left.equals(right);
    }

    private static ObjectNode stripVersion(ObjectNode object) {
        Json.objectAt(object, "metadata").remove("resourceVersion");
        return object;
    }

    /** The stored form: the object without resourceVersion, which the store's revision supplies. */
    private byte[] encode(ObjectNode object) {
        ObjectNode stored = conversion == Conversion.NONE ? object : conversion.toStorage(object.deepCopy());
        ObjectNode metadata = Json.objectAt(stored, "metadata");
        JsonNode version = metadata.remove("resourceVersion");
        byte[] bytes = Json.write(stored);
        if (version != null) {
            metadata.set("resourceVersion", version);
        }
        return bytes;
    }

    private List<CachedObject> servedAll(List<CachedObject> stored) {
        return conversion == Conversion.NONE ? stored : stored.stream().map(this::served).toList();
    }

    /**
     * An object read from storage or the cache, in the served version. Objects of resources whose
     * storage is their own come back as they are (shared with the cache, still read-only).
     */
    public CachedObject served(CachedObject stored) {
        if (conversion == Conversion.NONE) {
            return stored;
        }
        return CachedObject.of(stored.key(), conversion.fromStorage(stored.copy()), stored.revision());
    }

    private static ObjectNode stamp(ObjectNode object, long revision) {
        Json.objectAt(object, "metadata").put("resourceVersion", Long.toString(revision));
        return object;
    }

    static List<String> texts(JsonNode array) {
        List<String> result = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(item -> result.add(item.asText()));
        }
        return result;
    }

    /** RFC 3339 with second precision, as Kubernetes writes timestamps. */
    public static String timestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static long parseResourceVersion(String resourceVersion) {
        try {
            long value = Long.parseLong(resourceVersion);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid resource version: \"" + resourceVersion + "\"");
        }
    }

    private static String randomSuffix() {
        StringBuilder suffix = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            suffix.append(NAME_SUFFIX_ALPHABET.charAt(RANDOM.nextInt(NAME_SUFFIX_ALPHABET.length())));
        }
        return suffix.toString();
    }

    /**
     * The {@code continue} token: the revision of the first page and the last key returned,
     * base64 JSON as upstream shapes it, so clients treat it as opaque and can't forge another prefix.
     */
    record ContinueToken(long revision, String startAfter, String prefix) {
        String encode() {
            ObjectNode json = Json.object();
            json.put("v", "meta.k8s.io/v1");
            json.put("rv", revision);
            json.put("start", startAfter.substring(prefix.length()) + "\u0000");
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(json));
        }

        static ContinueToken decode(String token, String prefix) {
            try {
                JsonNode json = Json.parse(Base64.getUrlDecoder().decode(token.replace('+', '-').replace('/', '_')
                        .replace("=", "")));
                String start = json.path("start").asText("");
                long revision = json.path("rv").asLong(0);
                if (!"meta.k8s.io/v1".equals(json.path("v").asText()) || revision <= 0 || !start.endsWith("\u0000")
                        || start.contains("/../") || start.startsWith("../")) {
                    throw new IllegalArgumentException("unknown shape");
                }
                return new ContinueToken(revision, prefix + start.substring(0, start.length() - 1), prefix);
            } catch (IllegalArgumentException | ApiException e) {
                throw ApiException.badRequest("continue key is not valid: " + e.getMessage());
            }
        }
    }
}
