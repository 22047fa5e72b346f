/**
 * The OpenAPI documents: {@code /openapi/v3} (index and one OpenAPI 3.0 document per served
 * group-version) and {@code /openapi/v2} (Swagger 2.0), rendered from the resource registry by
 * {@link dev.kapal.apiserver.openapi.OpenApi}.
 *
 * <p><b>Why kubectl needs them.</b> kubectl ≥ 1.27 validates with {@code --validate=strict} by
 * default. Before sending an object it asks whether the server validates fields itself: it fetches
 * the v3 document of the object's group-version and looks for a path whose PATCH operation carries
 * {@code x-kubernetes-group-version-kind} equal to the object's kind, then for a
 * {@code fieldValidation} parameter among that operation's own parameters (for a custom resource
 * whose group-version it cannot find, it checks {@code v1 Namespace} instead). Found: it leaves
 * validation to the server. Not found: it validates client-side against the v2 document. Any other
 * failure of the v3 probe falls back to the same probe on v2. Every PATCH operation here, subresource
 * PATCHes included, lists {@code fieldValidation}.
 *
 * <p><b>Why the documents do not offer strategic merge patch for envelope schemas.</b> Kinds are
 * published through a {@link dev.kapal.apiserver.openapi.SchemaSource}; the default one
 * ({@link dev.kapal.apiserver.openapi.EnvelopeSchemaSource}) describes only {@code apiVersion},
 * {@code kind} and {@code metadata}. Client-side {@code kubectl apply} computes its patch from the
 * v3 schema of a kind exactly when the PATCH operation of that kind lists
 * {@code application/strategic-merge-patch+json} in its request body (its
 * {@code gvkSupportsPatchOpenAPIV3}); from an envelope schema it would lose the merge keys of lists
 * such as {@code containers} and replace them wholesale. So a PATCH lists strategic merge patch only
 * when its kind's schema has {@link dev.kapal.apiserver.openapi.KindSchema.Coverage#FULL} coverage
 * (and is built in: custom resources never take it). kubectl then tries v2 the same way (the PATCH
 * operation's {@code consumes} must list strategic merge patch), finds it missing too and falls
 * back to the Go types compiled into it: the same patch a real cluster gets. The query-parameter
 * probe is unaffected: it needs only the PATCH operation's kind and parameters. The v3 schemas still
 * carry {@code x-kubernetes-group-version-kind}, so {@code kubectl explain} finds the kinds.
 *
 * <p><b>Why v2 hides partial kinds.</b> kubectl 1.27 probes {@code fieldValidation} on v2 only,
 * and every version validates {@code kind: List} documents client-side against v2, fetching it as
 * gnostic protobuf. Its client-side validation rejects any field a kind's schema does not list, so
 * in the Swagger 2.0 rendering partial schemas drop {@code x-kubernetes-group-version-kind}: kubectl
 * then finds no schema for the kind and skips client-side validation of it, as it does for kinds a
 * server does not describe.
 *
 * <p>Full schemas plug in as another {@code SchemaSource} returning {@code FULL}; nothing else
 * changes.
 */
package dev.kapal.apiserver.openapi;
