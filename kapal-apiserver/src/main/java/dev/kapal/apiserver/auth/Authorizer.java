package dev.kapal.apiserver.auth;

import java.util.Objects;

/**
 * Decides whether a user may do something, with upstream's attributes
 * ({@code authorizer.Attributes}). RBAC arrives with its own issue; until then
 * {@link #ALLOW_AUTHENTICATED} allows every authenticated user.
 */
public interface Authorizer {

    /**
     * What is being done: a resource request (verb on group/resource[/subresource] in a namespace,
     * optionally a named object) or a non-resource request (verb on a path).
     */
    record Attributes(UserInfo user, String verb, boolean resourceRequest, String group, String version,
                      String resource, String subresource, String namespace, String name, String path) {
        public Attributes {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(verb, "verb");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(subresource, "subresource");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(path, "path");
        }
    }

    sealed interface Decision {
        record Allow(String reason) implements Decision {
        }

        record Deny(String reason) implements Decision {
        }

        /** No opinion; the next authorizer decides, and if none does the request is denied. */
        record NoOpinion(String reason) implements Decision {
        }
    }

    Decision authorize(Attributes attributes);

    /** Allows everything an authenticated user asks. */
    Authorizer ALLOW_AUTHENTICATED = attributes -> new Decision.Allow("");
}
