package dev.kapal.api.patch;

/**
 * A position in a kind's schema: an object type whose fields may carry patch metadata. Lookups
 * never fail: a field the type does not know is {@link PatchMetaField#NONE}, which is what
 * upstream's behaviour amounts to for the values typed Kubernetes objects can hold.
 */
@FunctionalInterface
public interface PatchMetaType {
    /** A type nothing is known about: every field merges maps and replaces lists. */
    PatchMetaType UNKNOWN = name -> PatchMetaField.NONE;

    /** The patch metadata of member {@code name} of objects of this type. */
    PatchMetaField field(String name);
}
