/**
 * Server-side printing: the {@code meta.k8s.io/v1 Table} that {@code kubectl get} asks for with
 * {@code Accept: application/json;as=Table}. One {@link dev.kapal.apiserver.printers.TablePrinter}
 * per built-in kind with upstream's columns ({@code pkg/printers/internalversion}), custom
 * resources printed from their CRD's {@code additionalPrinterColumns}, and upstream's default
 * (Name, Created At) for every other kind. Printers read objects as JSON trees in the served
 * version and never modify them.
 */
package dev.kapal.apiserver.printers;
