package dev.kapal.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.GroupVersionResource;
import dev.kapal.api.Json;
import dev.kapal.apiserver.kinds.BuiltinKinds;
import dev.kapal.apiserver.registry.Options;
import dev.kapal.apiserver.registry.ResourceStore;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The objects every cluster has, created (or repaired) at each start, as upstream's bootstrap
 * controller does: the system namespaces, the {@code default/kubernetes} Service with its
 * Endpoints and EndpointSlice pointing at this server, and the system priority classes.
 */
final class Bootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);
    static final List<String> SYSTEM_NAMESPACES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    private Bootstrap() {
    }

    static void run(ApiServer server, ApiServerConfig config) {
        ResourceStore namespaces = store(server, "", "v1", "namespaces");
        for (String name : SYSTEM_NAMESPACES) {
            ObjectNode namespace = Json.object();
            namespace.putObject("metadata").put("name", name);
            ensure(namespaces, "", namespace);
        }
        String advertise = config.advertiseAddress().getHostAddress();
        int port = server.port();

        ObjectNode service = Json.object();
        ObjectNode serviceMeta = service.putObject("metadata");
        serviceMeta.put("name", "kubernetes");
        serviceMeta.put("namespace", "default");
        ObjectNode serviceLabels = serviceMeta.putObject("labels");
        serviceLabels.put("component", "apiserver");
        serviceLabels.put("provider", "kubernetes");
        ObjectNode serviceSpec = service.putObject("spec");
        serviceSpec.put("type", "ClusterIP");
        serviceSpec.put("clusterIP", config.serviceIp().getHostAddress());
        serviceSpec.putArray("clusterIPs").add(config.serviceIp().getHostAddress());
        serviceSpec.put("sessionAffinity", "None");
        ObjectNode servicePort = serviceSpec.putArray("ports").addObject();
        servicePort.put("name", "https");
        servicePort.put("port", 443);
        servicePort.put("protocol", "TCP");
        servicePort.put("targetPort", port);
        ensure(store(server, "", "v1", "services"), "default", service);

        ObjectNode endpoints = Json.object();
        ObjectNode endpointsMeta = endpoints.putObject("metadata");
        endpointsMeta.put("name", "kubernetes");
        endpointsMeta.put("namespace", "default");
        endpointsMeta.putObject("labels").put("endpointslice.kubernetes.io/skip-mirror", "true");
        ObjectNode subset = endpoints.putArray("subsets").addObject();
        subset.putArray("addresses").addObject().put("ip", advertise);
        ObjectNode endpointPort = subset.putArray("ports").addObject();
        endpointPort.put("name", "https");
        endpointPort.put("port", port);
        endpointPort.put("protocol", "TCP");
        upsert(store(server, "", "v1", "endpoints"), "default", endpoints);

        ObjectNode slice = Json.object();
        ObjectNode sliceMeta = slice.putObject("metadata");
        sliceMeta.put("name", "kubernetes");
        sliceMeta.put("namespace", "default");
        ObjectNode sliceLabels = sliceMeta.putObject("labels");
        sliceLabels.put("kubernetes.io/service-name", "kubernetes");
        slice.put("addressType", advertise.contains(":") ? "IPv6" : "IPv4");
        ObjectNode endpoint = slice.putArray("endpoints").addObject();
        endpoint.putArray("addresses").add(advertise);
        endpoint.putObject("conditions").put("ready", true);
        ObjectNode slicePort = slice.putArray("ports").addObject();
        slicePort.put("name", "https");
        slicePort.put("port", port);
        slicePort.put("protocol", "TCP");
        upsert(store(server, "discovery.k8s.io", "v1", "endpointslices"), "default", slice);

        ResourceStore priorityClasses = store(server, "scheduling.k8s.io", "v1", "priorityclasses");
        for (ObjectNode priorityClass : BuiltinKinds.systemPriorityClasses()) {
            ensure(priorityClasses, "", priorityClass);
        }
        LOG.debug("bootstrap objects in place");
    }

    private static ResourceStore store(ApiServer server, String group, String version, String resource) {
        return server.store(new GroupVersionResource(group, version, resource))
                .orElseThrow(() -> new IllegalStateException("built-in resource missing: " + resource));
    }

    /** Creates the object unless it exists (users may have changed it; that is theirs to do). */
    private static void ensure(ResourceStore store, String namespace, ObjectNode object) {
        if (exists(store, namespace, object)) {
            return;
        }
        try {
            store.create(namespace, object, Options.Write.DEFAULT);
        } catch (ApiException exists) {
            if (exists.code() != 409) {
                throw exists;
            }
        }
    }

    private static boolean exists(ResourceStore store, String namespace, ObjectNode object) {
        try {
            store.get(namespace, object.path("metadata").path("name").asText(), "");
            return true;
        } catch (ApiException missing) {
            if (missing.code() != 404) {
                throw missing;
            }
            return false;
        }
    }

    /** Creates the object or brings it back to what this server says (the endpoints follow the server). */
    private static void upsert(ResourceStore store, String namespace, ObjectNode object) {
        String name = object.path("metadata").path("name").asText();
        try {
            store.create(namespace, object, Options.Write.DEFAULT);
        } catch (ApiException exists) {
            if (exists.code() != 409) {
                throw exists;
            }
            store.patch(namespace, name, current -> {
                ObjectNode next = current.deepCopy();
                object.fields().forEachRemaining(entry -> {
                    if (!entry.getKey().equals("metadata")) {
                        next.set(entry.getKey(), entry.getValue());
                    }
                });
                return next;
            }, "", Options.Write.DEFAULT);
        }
    }

}
