package dev.kapal.kubelet.runtime;

import java.util.Objects;

/**
 * CRI {@code AuthConfig}: credentials for one image pull, as the kubelet finds them in the pod's
 * {@code imagePullSecrets}. Empty strings when not given.
 *
 * @param username      user name
 * @param password      password
 * @param auth          base64 of {@code user:password}, when given in that form
 * @param identityToken an OAuth identity token
 */
public record RegistryAuth(String username, String password, String auth, String identityToken) {
    public RegistryAuth {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(identityToken, "identityToken");
    }

    @Override
    public String toString() {
        return "RegistryAuth[username=" + username + ", secrets hidden]";
    }
}
