/**
 * Server-side apply: field ownership as structured-merge-diff defines it. {@link dev.kapal.api.apply.FieldSet}
 * is a set of field paths encoded as FieldsV1; {@link dev.kapal.api.apply.FieldType} is the schema seam
 * (maps granular or atomic, lists atomic, set or map with keys); {@link dev.kapal.api.apply.FieldWalks}
 * computes field sets, comparisons, apply merges and pruning on JSON trees; {@link dev.kapal.api.apply.FieldManager}
 * keeps {@code metadata.managedFields} for Update and Apply operations and reports conflicts.
 */
package dev.kapal.api.apply;
