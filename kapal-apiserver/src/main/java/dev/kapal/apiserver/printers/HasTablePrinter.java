package dev.kapal.apiserver.printers;

/**
 * Implemented by strategies whose kind prints with columns of its own that are not known in
 * advance: custom resources, whose CRD version declares {@code additionalPrinterColumns}
 * ({@link CustomResourcePrinter}). Looked up before the built-in printers.
 */
public interface HasTablePrinter {
    TablePrinter tablePrinter();
}
