package dev.kapal.apiserver.printers;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The printers of built-in kinds, keyed by group and kind so that every served version of a
 * kind (and aliases such as {@code events.k8s.io} events) prints alike, as upstream's printers
 * work on the internal version. Kinds without a printer get {@link DefaultPrinter}.
 */
public final class Printers {
    private static final Printers BUILTIN = build();

    private final Map<Key, TablePrinter> printers;

    private Printers(Map<Key, TablePrinter> printers) {
        this.printers = Map.copyOf(printers);
    }

    /** The printers of Kubernetes' built-in kinds. */
    public static Printers builtin() {
        return BUILTIN;
    }

    /** The printer of a built-in kind, if upstream has one. */
    public Optional<TablePrinter> find(String group, String kind) {
        return Optional.ofNullable(printers.get(new Key(group, kind)));
    }

    /** The printer of a kind: its own, or upstream's default (Name, Created At). */
    public TablePrinter forKind(String group, String kind) {
        return find(group, kind).orElse(DefaultPrinter.INSTANCE);
    }

    private static Printers build() {
        Builder builder = new Builder();
        CorePrinters.register(builder);
        builder.add("events.k8s.io", "Event", EventPrinter.INSTANCE);
        WorkloadPrinters.register(builder);
        ClusterPrinters.register(builder);
        return new Printers(builder.printers);
    }

    /** Collects printers while the registry is built; a kind registered twice is a bug. */
    static final class Builder {
        private final Map<Key, TablePrinter> printers = new HashMap<>();

        void add(String group, String kind, TablePrinter printer) {
            if (printers.putIfAbsent(new Key(group, kind), printer) != null) {
                throw new IllegalStateException("two printers for " + kind + "." + group);
            }
        }
    }

    private record Key(String group, String kind) {
        Key {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(kind, "kind");
        }
    }
}
