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
 * <p><b>Where the schemas come from.</b> Kinds are published through a
 * {@link dev.kapal.apiserver.openapi.SchemaSource}. The server's
 * ({@link dev.kapal.apiserver.openapi.ModelSchemaSource}) describes built-in kinds field for field
 * from the {@link dev.kapal.apiserver.openapi.ModelCatalogue}, which
 * {@link dev.kapal.apiserver.openapi.ModelReflection} writes at build time from client-java's
 * Kubernetes 1.33 model classes (documentation, required fields, upstream definition names) and
 * the patch metadata table, and custom resources from their CRD's {@code openAPIV3Schema}
 * (converted for Swagger 2.0 by {@code CustomResourceSchemasV2}). The same schemas drive
 * server-side field validation ({@link dev.kapal.apiserver.openapi.FieldSchema}).
 *
 * <p><b>Why strategic merge patch is offered only for fully described kinds.</b> Client-side
 * {@code kubectl apply} computes its patch from the v3 schema of a kind exactly when the PATCH
 * operation of that kind lists {@code application/strategic-merge-patch+json} in its request body
 * (its {@code gvkSupportsPatchOpenAPIV3}); from an envelope schema
 * ({@link dev.kapal.apiserver.openapi.EnvelopeSchemaSource}: only {@code apiVersion}, {@code kind},
 * {@code metadata}) it would lose the merge keys of lists such as {@code containers} and replace
 * them wholesale. So a PATCH lists strategic merge patch only when its kind's schema has
 * {@link dev.kapal.apiserver.openapi.KindSchema.Coverage#FULL} coverage (and is built in: custom
 * resources never take it); otherwise kubectl falls back to the Go types compiled into it.
 *
 * <p><b>Why v2 hides partial kinds.</b> kubectl 1.27 probes {@code fieldValidation} on v2 only,
 * and every version validates {@code kind: List} documents client-side against v2, fetching it as
 * gnostic protobuf. Its client-side validation rejects any field a kind's schema does not list, so
 * in the Swagger 2.0 rendering partial schemas drop {@code x-kubernetes-group-version-kind}: kubectl
 * then finds no schema for the kind and skips client-side validation of it, as it does for kinds a
 * server does not describe.
 */
package dev.kapal.apiserver.openapi;
