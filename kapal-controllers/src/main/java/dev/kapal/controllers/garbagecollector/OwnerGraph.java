package dev.kapal.controllers.garbagecollector;

import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The ownership graph, by uid: every observed object with its owner references and the objects
 * that name it as owner. An owner named by a dependent but not (yet) observed is a
 * <em>virtual</em> node, carrying the coordinates the first dependent gave, until an informer
 * observes it or a worker verifies it absent.
 *
 * <p>One writer (the graph builder) and many readers (the workers); every method locks the graph,
 * and what leaves it is a copy, so callers never hold the lock while calling the API.
 */
final class OwnerGraph {
    /** Upstream's absent-owner cache size. */
    private static final int ABSENT_OWNERS = 500;

    static final class Node {
        private Identity identity;
        private boolean observed;
        private boolean beingDeleted;
        private boolean deletingDependents;
        private List<OwnerReference> owners = List.of();
        private final Set<Node> dependents = new LinkedHashSet<>();

        private Node(Identity identity) {
            this.identity = identity;
        }
    }

    /** What a worker sees of a node: its state when it looked. */
    record View(Identity identity, boolean observed, boolean beingDeleted, boolean deletingDependents,
                List<OwnerReference> owners, List<Dependent> dependents) {
    }

    /** A dependent as its owner sees it: whether its reference to that owner blocks the owner's deletion. */
    record Dependent(Identity identity, boolean beingDeleted, boolean deletingDependents, boolean blocksOwner) {
    }

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, Boolean> absentOwners = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > ABSENT_OWNERS;
        }
    };

    synchronized Optional<View> view(String uid) {
        Node node = nodes.get(uid);
        return node == null ? Optional.empty() : Optional.of(view(node));
    }

    private View view(Node node) {
        List<Dependent> dependents = new ArrayList<>();
        for (Node dependent : node.dependents) {
            boolean blocks = dependent.owners.stream().anyMatch(owner -> owner.getUid().equals(node.identity.uid())
                    && Boolean.TRUE.equals(owner.getBlockOwnerDeletion()));
            dependents.add(new Dependent(dependent.identity, dependent.beingDeleted, dependent.deletingDependents, blocks));
        }
        return new View(node.identity, node.observed, node.beingDeleted, node.deletingDependents,
                List.copyOf(node.owners), List.copyOf(dependents));
    }

    synchronized int size() {
        return nodes.size();
    }

    /** A dependent whose owner reference names a uid observed in another namespace, and how it names it. */
    record InvalidReference(Identity dependent, Identity ownerAsReferenced) {
    }

    /** What the builder must enqueue after a change. */
    record Effects(List<Identity> attemptToDelete, List<Identity> attemptToOrphan, List<InvalidReference> invalidNamespaceDependents) {
        static Effects none() {
            return new Effects(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    /**
     * An informer saw {@code identity} added or updated with these owners and deletion state.
     * Returns what to enqueue (upstream's processGraphChanges for add/update).
     */
    synchronized Effects observed(Identity identity, List<OwnerReference> owners, boolean beingDeleted,
                                  boolean orphanFinalizer, boolean foregroundFinalizer) {
        Effects effects = Effects.none();
        Node node = nodes.get(identity.uid());
        if (node != null && !node.observed) {
            if (!node.identity.sameCoordinates(identity)) {
                // Dependents that named this uid with other coordinates may point at the wrong object.
                for (Node dependent : node.dependents) {
                    if (!coordinatesFrom(dependent, identity.uid()).map(identity::sameCoordinates).orElse(false)) {
                        if (!identity.namespace().isEmpty() && !dependent.identity.namespace().equals(identity.namespace())) {
                            effects.invalidNamespaceDependents().add(new InvalidReference(dependent.identity,
                                    coordinatesFrom(dependent, identity.uid()).orElseThrow()));
                        }
                        effects.attemptToDelete().add(dependent.identity);
                    }
                }
            }
            node.identity = identity;
            node.observed = true;
        }
        if (node == null) {
            node = new Node(identity);
            node.observed = true;
            nodes.put(identity.uid(), node);
            node.owners = List.copyOf(owners);
            addToOwners(node, node.owners, effects);
        } else {
            node.identity = identity;
            List<OwnerReference> before = node.owners;
            if (!before.equals(owners)) {
                List<OwnerReference> added = new ArrayList<>();
                for (OwnerReference owner : owners) {
                    if (before.stream().noneMatch(old -> old.getUid().equals(owner.getUid()))) {
                        added.add(owner);
                    }
                }
                for (OwnerReference old : before) {
                    Optional<OwnerReference> now = owners.stream().filter(owner -> owner.getUid().equals(old.getUid())).findFirst();
                    boolean unblocked = now.isEmpty() || (Boolean.TRUE.equals(old.getBlockOwnerDeletion())
                            && !Boolean.TRUE.equals(now.get().getBlockOwnerDeletion()));
                    Node owner = nodes.get(old.getUid());
                    if (unblocked && owner != null && owner.deletingDependents) {
                        effects.attemptToDelete().add(owner.identity);
                    }
                    if (now.isEmpty() && owner != null) {
                        owner.dependents.remove(node);
                    }
                }
                node.owners = List.copyOf(owners);
                addToOwners(node, added, effects);
            }
        }
        node.beingDeleted = beingDeleted;
        if (beingDeleted && orphanFinalizer) {
            effects.attemptToOrphan().add(node.identity);
        }
        if (beingDeleted && foregroundFinalizer) {
            node.deletingDependents = true;
            for (Node dependent : node.dependents) {
                effects.attemptToDelete().add(dependent.identity);
            }
            effects.attemptToDelete().add(node.identity);
        } else {
            node.deletingDependents = false;
        }
        return effects;
    }

    /** The coordinates {@code dependent} gives for its owner {@code ownerUid}. */
    private static Optional<Identity> coordinatesFrom(Node dependent, String ownerUid) {
        return dependent.owners.stream().filter(owner -> owner.getUid().equals(ownerUid)).findFirst()
                .map(owner -> new Identity(owner.getApiVersion(), owner.getKind(), dependent.identity.namespace(),
                        owner.getName(), owner.getUid()));
    }

    private void addToOwners(Node node, List<OwnerReference> owners, Effects effects) {
        for (OwnerReference reference : owners) {
            Node owner = nodes.get(reference.getUid());
            if (owner == null) {
                // Not observed (yet): a virtual node a worker verifies against the API.
                owner = new Node(new Identity(reference.getApiVersion(), reference.getKind(), node.identity.namespace(),
                        reference.getName(), reference.getUid()));
                nodes.put(reference.getUid(), owner);
                effects.attemptToDelete().add(owner.identity);
            } else {
                // A known owner the reference may not match: check the dependent (upstream's
                // hasPotentiallyInvalidOwnerReference), reporting a namespace mismatch outright.
                Identity referenced = new Identity(reference.getApiVersion(), reference.getKind(),
                        node.identity.namespace(), reference.getName(), reference.getUid());
                boolean namespaced = !owner.identity.namespace().isEmpty();
                if (namespaced && !owner.identity.namespace().equals(node.identity.namespace())) {
                    if (owner.observed) {
                        effects.invalidNamespaceDependents().add(new InvalidReference(node.identity, referenced));
                    }
                    effects.attemptToDelete().add(node.identity);
                } else if (!owner.identity.group().equals(referenced.group()) || !owner.identity.kind().equals(referenced.kind())
                        || !owner.identity.name().equals(referenced.name())) {
                    effects.attemptToDelete().add(node.identity);
                }
            }
            owner.dependents.add(node);
        }
    }

    /** An informer saw the object deleted (upstream's processGraphChanges for delete of a real node). */
    synchronized Effects deleted(Identity identity) {
        Effects effects = Effects.none();
        Node node = nodes.get(identity.uid());
        if (node == null) {
            return effects;
        }
        remove(node, identity, effects);
        return effects;
    }

    private void remove(Node node, Identity identity, Effects effects) {
        nodes.remove(node.identity.uid());
        for (OwnerReference reference : node.owners) {
            Node owner = nodes.get(reference.getUid());
            if (owner == null) {
                continue;
            }
            owner.dependents.remove(node);
            if (owner.deletingDependents) {
                effects.attemptToDelete().add(owner.identity);
            }
            if (!owner.observed && owner.dependents.isEmpty()) {
                nodes.remove(owner.identity.uid());
            }
        }
        if (!node.dependents.isEmpty()) {
            absentOwners.put(absentKey(identity.uid(), identity.namespace()), Boolean.TRUE);
        }
        for (Node dependent : node.dependents) {
            effects.attemptToDelete().add(dependent.identity);
        }
    }

    /**
     * A worker verified that no object with these coordinates exists (upstream's virtual delete
     * event). A real node with other coordinates stays; so does a virtual one that some dependents
     * name by other coordinates, which then takes one of those.
     */
    synchronized Effects verifiedAbsent(Identity absent) {
        Effects effects = Effects.none();
        Node node = nodes.get(absent.uid());
        if (node == null) {
            return effects;
        }
        List<Node> matching = new ArrayList<>();
        List<Node> others = new ArrayList<>();
        for (Node dependent : node.dependents) {
            if (coordinatesFrom(dependent, absent.uid()).map(absent::sameCoordinates).orElse(true)) {
                matching.add(dependent);
            } else {
                others.add(dependent);
            }
        }
        if (node.observed && !node.identity.sameCoordinates(absent)) {
            absentOwners.put(absentKey(absent.uid(), absent.namespace()), Boolean.TRUE);
            matching.forEach(dependent -> effects.attemptToDelete().add(dependent.identity));
            return effects;
        }
        if (!node.observed && !others.isEmpty()) {
            if (!matching.isEmpty()) {
                absentOwners.put(absentKey(absent.uid(), absent.namespace()), Boolean.TRUE);
                matching.forEach(dependent -> effects.attemptToDelete().add(dependent.identity));
            }
            if (node.identity.sameCoordinates(absent)) {
                node.identity = coordinatesFrom(others.getFirst(), absent.uid()).orElseThrow();
                effects.attemptToDelete().add(node.identity);
            }
            return effects;
        }
        remove(node, absent, effects);
        return effects;
    }

    /** Remembers an owner verified absent (by uid, in a namespace or cluster-wide with {@code ""}). */
    synchronized void markAbsent(String uid, String namespace) {
        absentOwners.put(absentKey(uid, namespace), Boolean.TRUE);
    }

    synchronized boolean knownAbsent(String uid, String namespace) {
        return absentOwners.containsKey(absentKey(uid, namespace));
    }

    private static String absentKey(String uid, String namespace) {
        return namespace + "|" + uid;
    }

    /** Every node's identity (for tests and metrics). */
    synchronized List<Identity> identities() {
        return nodes.values().stream().map(node -> node.identity).toList();
    }

    static boolean sameUid(OwnerReference reference, String uid) {
        return Objects.equals(reference.getUid(), uid);
    }
}
