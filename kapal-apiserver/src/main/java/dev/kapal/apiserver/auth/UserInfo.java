package dev.kapal.apiserver.auth;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An authenticated caller, as upstream's {@code user.Info}.
 *
 * @param name   user name ({@code kubernetes-admin}, {@code system:node:x})
 * @param uid    user id, may be empty
 * @param groups group names; every authenticated user is also in {@code system:authenticated}
 * @param extra  extra attributes
 */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {
    public static final String AUTHENTICATED_GROUP = "system:authenticated";
    public static final String MASTERS_GROUP = "system:masters";

    public UserInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uid, "uid");
        groups = List.copyOf(groups);
        extra = Map.copyOf(extra);
    }
}
