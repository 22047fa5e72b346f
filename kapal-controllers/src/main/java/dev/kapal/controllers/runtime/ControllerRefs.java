package dev.kapal.controllers.runtime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Controller references, as kube-controller-manager's {@code ControllerRefManager}: which object
 * controls another, and claiming — a controller adopts the orphans its selector matches and
 * releases the objects it controls that its selector no longer matches.
 *
 * <p>{@link #claim} follows upstream's rules: an object controlled by someone else is left
 * alone; one controlled by the owner is kept if it matches and released if not (unless the owner
 * is being deleted); an orphan that matches is adopted unless the owner or the orphan is being
 * deleted, and only after {@code ownerStillValid} (an uncached read of the owner) confirms the
 * owner still exists with the same uid and is not being deleted. Adoption and release are merge
 * patches of {@code metadata.ownerReferences} guarded by the object's uid and resourceVersion, so
 * a concurrent change fails with a conflict rather than being overwritten. Objects that vanished
 * meanwhile (404) are skipped.
 */
public final class ControllerRefs {
    private ControllerRefs() {
    }

    /** The reference with {@code controller: true} of {@code object}, if any. */
    public static Optional<OwnerReference> controllerOf(HasMetadata object) {
        List<OwnerReference> references = object.getMetadata().getOwnerReferences();
        if (references == null) {
            return Optional.empty();
        }
        return references.stream().filter(reference -> Boolean.TRUE.equals(reference.getController())).findFirst();
    }

    /** A controller reference to {@code owner} ({@code controller} and {@code blockOwnerDeletion} true). */
    public static OwnerReference referenceTo(HasMetadata owner, String apiVersion, String kind) {
        return new OwnerReferenceBuilder()
                .withApiVersion(apiVersion)
                .withKind(kind)
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    /** The owner side of a claim: who claims, with which reference, matching what. */
    public record Owner(HasMetadata object, String apiVersion, String kind, Predicate<HasMetadata> selects,
                        Supplier<Boolean> stillValid) {
        public Owner {
            Objects.requireNonNull(object, "object");
            Objects.requireNonNull(apiVersion, "apiVersion");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(selects, "selects");
            Objects.requireNonNull(stillValid, "stillValid");
        }

        String uid() {
            return object.getMetadata().getUid();
        }

        boolean beingDeleted() {
            return object.getMetadata().getDeletionTimestamp() != null;
        }
    }

    /**
     * Claims {@code candidates} (objects of {@code type} in the owner's namespace) for
     * {@code owner}: returns those it controls afterwards, adopting and releasing on the way.
     *
     * @throws KubernetesClientException when an adoption or release failed (other than 404); the
     *                                   caller retries the whole reconcile
     */
    public static <T extends HasMetadata> List<T> claim(KubernetesClient client, Class<T> type, Owner owner,
                                                        List<T> candidates) {
        List<T> claimed = new ArrayList<>();
        Boolean canAdopt = null;
        KubernetesClientException failure = null;
        for (T candidate : candidates) {
            Optional<OwnerReference> controller = controllerOf(candidate);
            try {
                if (controller.isPresent()) {
                    if (!controller.get().getUid().equals(owner.uid())) {
                        continue;
                    }
                    if (owner.selects().test(candidate)) {
                        claimed.add(candidate);
                    } else if (!owner.beingDeleted()) {
                        release(client, type, owner, candidate);
                    }
                    continue;
                }
                if (owner.beingDeleted() || !owner.selects().test(candidate)
                        || candidate.getMetadata().getDeletionTimestamp() != null
                        || !Objects.equals(candidate.getMetadata().getNamespace(), owner.object().getMetadata().getNamespace())) {
                    continue;
                }
                if (canAdopt == null) {
                    canAdopt = owner.stillValid().get();
                }
                if (!canAdopt) {
                    continue;
                }
                T adopted = adopt(client, type, owner, candidate);
                if (adopted != null) {
                    claimed.add(adopted);
                }
            } catch (KubernetesClientException error) {
                if (error.getCode() != 404) {
                    failure = failure == null ? error : failure;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return claimed;
    }

    private static <T extends HasMetadata> T adopt(KubernetesClient client, Class<T> type, Owner owner, T object) {
        List<OwnerReference> references = new ArrayList<>();
        if (object.getMetadata().getOwnerReferences() != null) {
            for (OwnerReference reference : object.getMetadata().getOwnerReferences()) {
                if (!reference.getUid().equals(owner.uid())) {
                    references.add(reference);
                }
            }
        }
        references.add(referenceTo(owner.object(), owner.apiVersion(), owner.kind()));
        return patchReferences(client, type, object, references);
    }

    private static <T extends HasMetadata> void release(KubernetesClient client, Class<T> type, Owner owner, T object) {
        List<OwnerReference> references = new ArrayList<>(object.getMetadata().getOwnerReferences());
        references.removeIf(reference -> reference.getUid().equals(owner.uid()));
        patchReferences(client, type, object, references);
    }

    private static <T extends HasMetadata> T patchReferences(KubernetesClient client, Class<T> type, T object,
                                                             List<OwnerReference> references) {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        ObjectNode metadata = patch.putObject("metadata");
        metadata.put("uid", object.getMetadata().getUid());
        metadata.put("resourceVersion", object.getMetadata().getResourceVersion());
        ArrayNode list = metadata.putArray("ownerReferences");
        references.forEach(reference -> list.add(Serialization.jsonMapper().valueToTree(reference)));
        return client.resources(type).inNamespace(object.getMetadata().getNamespace())
                .withName(object.getMetadata().getName())
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
    }
}
