package dev.kapal.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.GroupVersionResource;
import dev.kapal.api.Json;
import dev.kapal.api.ResourceInfo;
import dev.kapal.apiserver.cache.CacheEvent;
import dev.kapal.apiserver.cache.CacheWatcher;
import dev.kapal.apiserver.cache.CachedObject;
import dev.kapal.apiserver.cache.WatchCache;
import dev.kapal.apiserver.printers.TableDocument;
import dev.kapal.apiserver.registry.Options;
import dev.kapal.apiserver.registry.ResourceDefinition;
import dev.kapal.apiserver.registry.ResourceStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Serves the verbs of one resource request through its {@link ResourceStore}: decodes
 * parameters and bodies, calls the store, encodes the answer. Subresources with behaviour of
 * their own (scale, binding, eviction) are delegated to {@link Subresources}.
 */
final class ResourceHandler {
    /** Upstream's default watch timeout is randomized in [min-request-timeout, 2×) with 1800 s. */
    private static final long MIN_REQUEST_TIMEOUT_SECONDS = 1800;
    /** How often an idle watch that asked for bookmarks gets one. */
    private static final long BOOKMARK_INTERVAL_SECONDS = 60;
    /** How long before its deadline a watch gets its last bookmark. */
    private static final long BOOKMARK_BEFORE_TIMEOUT_SECONDS = 2;

    private final Function<GroupVersionResource, Optional<ResourceStore>> stores;
    private final Filters filters;
    private final Patching patching;
    private final Subresources subresources;

    ResourceHandler(Function<GroupVersionResource, Optional<ResourceStore>> stores, Filters filters, Patching patching,
                    Subresources subresources) {
        this.stores = stores;
        this.filters = filters;
        this.patching = patching;
        this.subresources = subresources;
    }

    void handle(RequestInfo.Resource request, Exchange exchange, ApiHandler.RequestObserver observer) throws Exception {
        if (request.group().isEmpty() && request.resource().equals("bindings")) {
            // The legacy way to bind: POST a Binding named after the pod to the namespace's bindings.
            if (!request.verb().equals("create") || !request.name().isEmpty()) {
                throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
            }
            ObjectNode binding = Encoding.decodeObject(exchange.header("Content-Type"), exchange.body());
            ResourceStore pods = stores.apply(new GroupVersionResource("", "v1", "pods")).orElseThrow();
            subresources.bind(pods, request.namespace(), binding.path("metadata").path("name").asText(""), binding,
                    writeOptions(exchange));
            exchange.respondJson(201, StatusObjects.success(201));
            return;
        }
        ResourceStore store = stores.apply(new GroupVersionResource(request.group(), request.version(), request.resource()))
                .orElseThrow(() -> new ApiException(dev.kapal.api.StatusReason.NOT_FOUND,
                        "the server could not find the requested resource"));
        ResourceInfo info = store.definition().info();
        if (!request.subresource().isEmpty() && !info.hasSubresource(request.subresource())) {
            throw new ApiException(dev.kapal.api.StatusReason.NOT_FOUND, "the server could not find the requested resource");
        }
        deprecation(info).ifPresent(exchange::addWarning);
        switch (request.subresource()) {
            case "" -> {
                if (!info.verbs().contains(request.verb())) {
                    throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
                }
            }
            case "status" -> {
                if (!List.of("get", "update", "patch").contains(request.verb())) {
                    throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
                }
            }
            case "finalize" -> {
                if (!request.verb().equals("update")) {
                    throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
                }
            }
            default -> {
                subresources.handle(request, store, exchange);
                return;
            }
        }
        Encoding.Answer answer = Encoding.negotiate(exchange.header("Accept"));
        String namespace = info.namespaced() ? request.namespace() : "";
        if (info.namespaced() && namespace.isEmpty() && !request.name().isEmpty()) {
            throw new ApiException(dev.kapal.api.StatusReason.NOT_FOUND, "the server could not find the requested resource");
        }
        boolean named = !request.name().isEmpty();
        if (switch (request.verb()) {
            case "create" -> named;
            case "update", "patch" -> !named;
            default -> false;
        }) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        switch (request.verb()) {
            case "get" -> {
                ObjectNode object = store.get(namespace, request.name(), exchange.query("resourceVersion").orElse(""));
                respondObject(exchange, 200, object, answer, store.definition());
            }
            case "list" -> list(store, namespace, exchange, answer);
            case "watch" -> {
                try (AutoCloseable counted = observer.watchStarted(request)) {
                    watch(store, namespace, request, exchange, answer);
                }
            }
            case "create" -> {
                requireNamespaceForCreate(info, namespace);
                ObjectNode body = decodeWrite(exchange, store.definition());
                ObjectNode created = store.create(namespace, body, writeOptions(exchange));
                respondObject(exchange, 201, created, answer, store.definition());
            }
            case "update" -> {
                ObjectNode body = decodeWrite(exchange, store.definition());
                ObjectNode updated = store.update(namespace, request.name(), body, request.subresource(), writeOptions(exchange));
                respondObject(exchange, 200, updated, answer, store.definition());
            }
            case "patch" -> {
                if (isApply(exchange)) {
                    ResourceStore.Applied applied = apply(store, namespace, request, exchange);
                    respondObject(exchange, applied.created() ? 201 : 200, applied.object(), answer, store.definition());
                    return;
                }
                if (exchange.query("force").isPresent()) {
                    throw patchOptionsInvalid(dev.kapal.api.StatusCause.forbidden("force", "may not be specified for non-apply patch"));
                }
                FieldValidation validation = FieldValidation.of(exchange);
                UnaryOperator<ObjectNode> patcher = patching.patcher(exchange.header("Content-Type"), exchange.body(), info);
                // The stored object has no unknown fields: any in the result came with the patch.
                UnaryOperator<ObjectNode> patch = current -> validation.check(patcher.apply(current), List.of(),
                        store.definition(), exchange);
                ObjectNode patched = store.patch(namespace, request.name(), patch, request.subresource(), writeOptions(exchange));
                respondObject(exchange, 200, patched, answer, store.definition());
            }
            case "delete" -> {
                Options.Delete options = deleteOptions(exchange);
                ResourceStore.DeleteOutcome outcome = store.delete(namespace, request.name(), options);
                respondDeleted(exchange, store, outcome);
            }
            case "deletecollection" -> {
                Options.Delete options = deleteOptions(exchange);
                Options.List listOptions = listOptions(store, exchange);
                ResourceStore.ListPage page = store.list(namespace, new Options.List(listOptions.filter(), "", "", 0, "",
                        Optional.empty()));
                List<CachedObject> deleted = new ArrayList<>();
                for (CachedObject object : page.items()) {
                    try {
                        ObjectNode result = store.delete(object.namespace(), object.name(), options).object();
                        deleted.add(CachedObject.of(object.key(), result, object.revision()));
                    } catch (ApiException notFound) {
                        if (notFound.code() != 404) {
                            throw notFound;
                        }
                    }
                }
                exchange.respond(200, "application/json", Encoding.list(info.groupVersion().apiVersion(), info.listKind(),
                        deleted, page.revision(), Optional.empty(), OptionalLong.empty()));
            }
            default -> throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    /**
     * Upstream's warning for requests to a served API that is deprecated (v1.33 marks core v1
     * Endpoints; ComponentStatus, also deprecated, is not served here).
     */
    static Optional<String> deprecation(ResourceInfo info) {
        if (info.groupVersion().group().isEmpty() && info.groupVersion().version().equals("v1")
                && info.plural().equals("endpoints")) {
            return Optional.of("v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice");
        }
        return Optional.empty();
    }

    private static boolean isApply(Exchange exchange) {
        return exchange.header("Content-Type").flatMap(dev.kapal.api.patch.PatchType::fromContentType)
                .filter(type -> type == dev.kapal.api.patch.PatchType.APPLY_PATCH).isPresent();
    }

    /**
     * Server-side apply: a YAML (or JSON) configuration, a required {@code fieldManager}, and
     * {@code force} to take fields from other managers.
     */
    private static ResourceStore.Applied apply(ResourceStore store, String namespace, RequestInfo.Resource request,
                                               Exchange exchange) {
        String manager = exchange.query("fieldManager").orElse("");
        if (manager.isEmpty()) {
            throw patchOptionsInvalid(new dev.kapal.api.StatusCause("FieldValueRequired", "Required value: is required for apply patch", "fieldManager"));
        }
        boolean force = exchange.query("force").map(value -> value.equals("true") || value.equals("1")).orElse(false);
        ObjectNode config = dev.kapal.api.codec.Yaml.parseObject(exchange.body());
        FieldValidation validation = FieldValidation.of(exchange);
        ObjectNode checked = validation.check(config, List.of(), store.definition(), exchange);
        Options.Write options = writeOptions(exchange);
        return store.apply(namespace, request.name(), checked, request.subresource(), force,
                new Options.Write(options.dryRun(), manager));
    }

    private static ApiException patchOptionsInvalid(dev.kapal.api.StatusCause cause) {
        return ApiException.invalid(new dev.kapal.api.GroupVersionKind("meta.k8s.io", "v1", "PatchOptions"), "",
                List.of(cause));
    }

    /** A create or update body, checked and pruned under the request's field validation. */
    private static ObjectNode decodeWrite(Exchange exchange, dev.kapal.apiserver.registry.ResourceDefinition definition) {
        FieldValidation validation = FieldValidation.of(exchange);
        dev.kapal.api.Json.Decoded decoded = Encoding.decodeWrite(exchange.header("Content-Type"), exchange.body());
        return validation.check(decoded.object(), decoded.duplicates(), definition, exchange);
    }

    private static void requireNamespaceForCreate(ResourceInfo info, String namespace) {
        if (info.namespaced() && namespace.isEmpty()) {
            throw new ApiException(dev.kapal.api.StatusReason.NOT_FOUND, "the server could not find the requested resource");
        }
    }

    private void respondObject(Exchange exchange, int code, ObjectNode object, Encoding.Answer answer,
                               ResourceDefinition definition) {
        switch (answer) {
            case JSON -> exchange.respondJson(code, object);
            case TABLE -> exchange.respondJson(code, Tables.inVersion(
                    Tables.forObject(definition, object, Tables.includeObject(exchange)),
                    Encoding.tableVersion(exchange.header("Accept"))));
        }
    }

    private void list(ResourceStore store, String namespace, Exchange exchange, Encoding.Answer answer) {
        Options.List options = listOptions(store, exchange);
        ResourceStore.ListPage page = store.list(namespace, options);
        ResourceInfo info = store.definition().info();
        switch (answer) {
            case JSON -> exchange.respond(200, "application/json", Encoding.list(info.groupVersion().apiVersion(),
                    info.listKind(), page.items(), page.revision(), page.continueToken(), page.remainingItemCount()));
            case TABLE -> {
                ObjectNode table = Tables.forList(store.definition(),
                        page.items().stream().map(CachedObject::object).toList(),
                        new TableDocument.ListMeta(Long.toString(page.revision()), page.continueToken(), page.remainingItemCount()),
                        Tables.includeObject(exchange));
                exchange.respondJson(200, Tables.inVersion(table, Encoding.tableVersion(exchange.header("Accept"))));
            }
        }
    }

    private void watch(ResourceStore store, String namespace, RequestInfo.Resource request, Exchange exchange,
                       Encoding.Answer answer) throws IOException {
        if (exchange.header("Sec-WebSocket-Key").isPresent() || exchange.header("Upgrade")
                .map(value -> value.equalsIgnoreCase("websocket")).orElse(false)) {
            // Watches are served as HTTP streams. A client asking for a WebSocket gets a plain,
            // complete 200, the answer fabric8 reads as "use an HTTP watch instead".
            exchange.respond(200, "application/json", new byte[0]);
            return;
        }
        Options.List options = listOptions(store, exchange);
        // kubectl get -w asks for tables; each event then carries a one-row Table.
        Optional<Tables.WatchTables> tables = switch (answer) {
            case JSON -> Optional.empty();
            case TABLE -> Optional.of(new Tables.WatchTables(store.definition(), Tables.includeObject(exchange),
                    Encoding.tableVersion(exchange.header("Accept"))));
        };
        if (!request.name().isEmpty()) {
            String name = request.name();
            Options.List base = options;
            options = new Options.List(object -> object.name().equals(name) && base.filter().test(object),
                    base.resourceVersion(), base.resourceVersionMatch(), 0, "", base.sendInitialEvents());
        }
        boolean bookmarks = exchange.query("allowWatchBookmarks").map(v -> v.equals("true") || v.equals("1")).orElse(false);
        long timeoutSeconds = exchange.query("timeoutSeconds").map(ResourceHandler::parseLong)
                .orElse(MIN_REQUEST_TIMEOUT_SECONDS + ThreadLocalRandom.current().nextLong(MIN_REQUEST_TIMEOUT_SECONDS));
        boolean initialEventsEnd = options.sendInitialEvents().orElse(false);
        WatchCache.WatchStart start;
        try {
            start = store.watch(namespace, options);
        } catch (ApiException error) {
            if (error.code() != 410) {
                throw error;
            }
            // As upstream: once the request is accepted, a resourceVersion too old to resume from is
            // reported inside the stream, so clients see an ERROR event and relist.
            exchange.startStream(200, "application/json");
            exchange.stream(event("ERROR", dev.kapal.api.Json.write(StatusObjects.failure(error))));
            exchange.endStream();
            return;
        }
        ResourceInfo info = store.definition().info();
        String emptyKind = "{\"kind\":\"" + info.kind() + "\",\"apiVersion\":\"" + info.groupVersion().apiVersion() + "\",";
        try (CacheWatcher watcher = start.watcher()) {
            exchange.startStream(200, "application/json");
            long lastRevision = start.initialRevision();
            List<byte[]> chunk = new ArrayList<>();
            for (CachedObject object : start.initial()) {
                chunk.add(event("ADDED", watchObject(tables, store.served(object))));
                if (chunk.size() >= 256) {
                    exchange.stream(concat(chunk));
                    chunk.clear();
                }
            }
            if (!chunk.isEmpty()) {
                exchange.stream(concat(chunk));
            }
            if (initialEventsEnd) {
                exchange.stream(event("BOOKMARK", watchObject(tables, (emptyKind + "\"metadata\":{\"resourceVersion\":\""
                        + start.initialRevision() + "\",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}}}")
                        .getBytes(StandardCharsets.UTF_8))));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(timeoutSeconds, 0));
            // Upstream sends a bookmark every minute and one shortly before the watch times out,
            // so a client resumes from a fresh resourceVersion.
            long lastBookmark = deadline - TimeUnit.SECONDS.toNanos(BOOKMARK_BEFORE_TIMEOUT_SECONDS);
            long nextBookmark = Math.min(System.nanoTime() + TimeUnit.SECONDS.toNanos(BOOKMARK_INTERVAL_SECONDS), lastBookmark);
            while (true) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    break;
                }
                long wait = Math.min(deadline - now, Math.max(nextBookmark - now, 1));
                Optional<CacheWatcher.Item> item = watcher.poll(wait, TimeUnit.NANOSECONDS);
                if (item.isEmpty()) {
                    if (bookmarks && System.nanoTime() >= nextBookmark) {
                        exchange.stream(event("BOOKMARK", watchObject(tables, (emptyKind + "\"metadata\":{\"resourceVersion\":\""
                                + lastRevision + "\"}}").getBytes(StandardCharsets.UTF_8))));
                        long periodic = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOOKMARK_INTERVAL_SECONDS);
                        nextBookmark = System.nanoTime() < lastBookmark ? Math.min(periodic, lastBookmark) : deadline + 1;
                    }
                    continue;
                }
                switch (item.get()) {
                    case CacheWatcher.Item.Event(CacheEvent change) -> {
                        exchange.stream(event(change.type().name(), watchObject(tables, store.served(change.object()))));
                        lastRevision = Math.max(lastRevision, change.revision());
                    }
                    case CacheWatcher.Item.End end -> {
                        exchange.endStream();
                        return;
                    }
                }
            }
            exchange.endStream();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.endStream();
        } catch (IOException clientGone) {
            exchange.abort(clientGone);
        }
    }

    private static byte[] watchObject(Optional<Tables.WatchTables> tables, CachedObject object) {
        return tables.map(table -> table.encode(object.object())).orElseGet(object::json);
    }

    // Upstream turns bookmarks into tables too, so a table watch only ever carries tables.
    private static byte[] watchObject(Optional<Tables.WatchTables> tables, byte[] object) {
        return tables.map(table -> table.encode(Json.parseObject(object))).orElse(object);
    }

    private static byte[] event(String type, byte[] object) {
        byte[] head = ("{\"type\":\"" + type + "\",\"object\":").getBytes(StandardCharsets.UTF_8);
        byte[] result = new byte[head.length + object.length + 2];
        System.arraycopy(head, 0, result, 0, head.length);
        System.arraycopy(object, 0, result, head.length, object.length);
        result[result.length - 2] = '}';
        result[result.length - 1] = '\n';
        return result;
    }

    private static byte[] concat(List<byte[]> chunks) {
        int size = 0;
        for (byte[] chunk : chunks) {
            size += chunk.length;
        }
        byte[] result = new byte[size];
        int offset = 0;
        for (byte[] chunk : chunks) {
            System.arraycopy(chunk, 0, result, offset, chunk.length);
            offset += chunk.length;
        }
        return result;
    }

    private void respondDeleted(Exchange exchange, ResourceStore store, ResourceStore.DeleteOutcome outcome) {
        ResourceInfo info = store.definition().info();
        switch (outcome) {
            case ResourceStore.DeleteOutcome.Removed removed -> {
                if (store.definition().strategy().returnDeletedObject()) {
                    exchange.respondJson(200, removed.object());
                } else {
                    JsonNode metadata = removed.object().path("metadata");
                    exchange.respondJson(200, StatusObjects.deleted(metadata.path("name").asText(),
                            info.groupVersion().group(), info.plural(), metadata.path("uid").asText("")));
                }
            }
            case ResourceStore.DeleteOutcome.Pending pending -> exchange.respondJson(200, pending.object());
        }
    }

    Options.List listOptions(ResourceStore store, Exchange exchange) {
        long limit = exchange.query("limit").map(ResourceHandler::parseLong).orElse(0L);
        if (limit < 0) {
            limit = 0;
        }
        Optional<Boolean> sendInitialEvents = exchange.query("sendInitialEvents").map(v -> v.equals("true") || v.equals("1"));
        return new Options.List(
                filters.compile(store.definition(), exchange.query("labelSelector").orElse(""),
                        exchange.query("fieldSelector").orElse("")),
                exchange.query("resourceVersion").orElse(""),
                exchange.query("resourceVersionMatch").orElse(""),
                limit,
                exchange.query("continue").orElse(""),
                sendInitialEvents);
    }

    /**
     * The write options; the field manager is the {@code fieldManager} parameter or, as upstream
     * derives it, the user agent up to its first {@code /} ({@code kubectl}, {@code kube-controller-manager}).
     */
    static Options.Write writeOptions(Exchange exchange) {
        String manager = exchange.query("fieldManager").filter(value -> !value.isEmpty())
                .orElseGet(() -> exchange.header("User-Agent").map(agent -> agent.split("/", 2)[0]).orElse(""));
        if (manager.length() > 128) {
            throw ApiException.invalid(new dev.kapal.api.GroupVersionKind("meta.k8s.io", "v1", "PatchOptions"), "",
                    List.of(dev.kapal.api.StatusCause.invalid("fieldManager", manager, "must have at most 128 characters")));
        }
        return new Options.Write(dryRun(exchange), manager);
    }

    private static boolean dryRun(Exchange exchange) {
        List<String> values = exchange.queryValues("dryRun");
        for (String value : values) {
            if (!value.equals("All")) {
                throw ApiException.badRequest("dryRun: Unsupported value: \"" + value + "\": supported values: \"All\"");
            }
        }
        return !values.isEmpty();
    }

    static Options.Delete deleteOptions(Exchange exchange) {
        byte[] body = exchange.body();
        JsonNode options = body.length == 0 ? Json.object() : Encoding.decodeObject(exchange.header("Content-Type"), body);
        OptionalLong grace = OptionalLong.empty();
        if (options.has("gracePeriodSeconds") && !options.get("gracePeriodSeconds").isNull()) {
            grace = OptionalLong.of(options.get("gracePeriodSeconds").asLong());
        }
        Optional<String> queryGrace = exchange.query("gracePeriodSeconds");
        if (queryGrace.isPresent()) {
            grace = OptionalLong.of(parseLong(queryGrace.get()));
        }
        Optional<String> propagation = Optional.ofNullable(options.path("propagationPolicy").textValue())
                .or(() -> exchange.query("propagationPolicy"));
        if (propagation.isEmpty() && options.has("orphanDependents")) {
            propagation = Optional.of(options.get("orphanDependents").asBoolean() ? "Orphan" : "Background");
        }
        propagation.ifPresent(policy -> {
            if (!List.of("Orphan", "Background", "Foreground").contains(policy)) {
                throw ApiException.badRequest("propagationPolicy: Unsupported value: \"" + policy
                        + "\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
            }
        });
        boolean dryRun = dryRun(exchange) || options.path("dryRun").isArray() && !options.path("dryRun").isEmpty();
        JsonNode preconditions = options.path("preconditions");
        return new Options.Delete(grace,
                Optional.ofNullable(preconditions.path("uid").textValue()),
                Optional.ofNullable(preconditions.path("resourceVersion").textValue()),
                propagation, dryRun);
    }

    static long parseLong(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid number: \"" + value + "\"");
        }
    }
}
