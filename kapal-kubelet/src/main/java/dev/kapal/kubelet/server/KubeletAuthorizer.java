package dev.kapal.kubelet.server;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Objects;

/**
 * Decides whether an authenticated caller may use a kubelet endpoint. The request is described
 * as upstream's kubelet describes it: verb from the HTTP method ({@code get}, {@code create},
 * ...), resource {@code nodes}, subresource {@code proxy}, {@code log}, {@code stats},
 * {@code metrics} or {@code healthz}-free, name = the node's name.
 */
public interface KubeletAuthorizer {
    boolean allowed(String user, List<String> groups, String verb, String subresource);

    /** Everyone the client CA vouches for (for tests, and nodes without an API to ask). */
    KubeletAuthorizer ALLOW_AUTHENTICATED = (user, groups, verb, subresource) -> true;

    /**
     * Asks the API server with a {@code SubjectAccessReview} (upstream's {@code --authorization-mode=Webhook}),
     * so RBAC decides; {@code client} must be allowed to create subject access reviews. Members of
     * {@code system:masters} are allowed without asking.
     */
    public static KubeletAuthorizer subjectAccessReview(KubernetesClient client, String nodeName) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(nodeName, "nodeName");
        return (user, groups, verb, subresource) -> {
            if (groups.contains("system:masters")) {
                // RBAC allows system:masters everything; answering here spares the API server's own
                // kubelet client (in that group) a review round trip on every log and exec request.
                return true;
            }
            SubjectAccessReview review = new SubjectAccessReviewBuilder()
                    .withNewSpec().withUser(user).withGroups(groups)
                        .withNewResourceAttributes().withVerb(verb).withResource("nodes").withSubresource(subresource)
                            .withName(nodeName).endResourceAttributes()
                    .endSpec().build();
            SubjectAccessReview answer = client.authorization().v1().subjectAccessReview().create(review);
            return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
        };
    }
}
