package dev.kapal.apiserver.registry;

import dev.kapal.apiserver.cache.CachedObject;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/** The options of the generic store's verbs, decoded from query parameters and bodies. */
public final class Options {
    private Options() {
    }

    /**
     * Options of create, update and patch.
     *
     * @param dryRun       {@code dryRun=All}: validate and answer, but write nothing
     * @param fieldManager the {@code fieldManager} parameter (empty when absent)
     */
    public record Write(boolean dryRun, String fieldManager) {
        public static final Write DEFAULT = new Write(false, "");

        public Write {
            Objects.requireNonNull(fieldManager, "fieldManager");
        }
    }

    /**
     * Options of delete ({@code DeleteOptions}).
     *
     * @param gracePeriodSeconds      the requested grace period
     * @param preconditionUid         {@code preconditions.uid}
     * @param preconditionVersion     {@code preconditions.resourceVersion}
     * @param propagationPolicy       {@code Orphan}, {@code Background} or {@code Foreground}
     * @param dryRun                  {@code dryRun=All}
     */
    public record Delete(OptionalLong gracePeriodSeconds, Optional<String> preconditionUid,
                         Optional<String> preconditionVersion, Optional<String> propagationPolicy, boolean dryRun) {
        public static final Delete DEFAULT =
                new Delete(OptionalLong.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false);

        public Delete {
            Objects.requireNonNull(gracePeriodSeconds, "gracePeriodSeconds");
            Objects.requireNonNull(preconditionUid, "preconditionUid");
            Objects.requireNonNull(preconditionVersion, "preconditionVersion");
            Objects.requireNonNull(propagationPolicy, "propagationPolicy");
        }
    }

    /**
     * Options of list and watch ({@code ListOptions}).
     *
     * @param filter               label and field selectors, compiled
     * @param resourceVersion      the {@code resourceVersion} parameter, empty when absent
     * @param resourceVersionMatch {@code NotOlderThan}, {@code Exact} or empty
     * @param limit                page size, 0 for all
     * @param continueToken        the {@code continue} parameter, empty when absent
     * @param sendInitialEvents    the {@code sendInitialEvents} parameter of watches
     */
    public record List(Predicate<CachedObject> filter, String resourceVersion, String resourceVersionMatch,
                       long limit, String continueToken, Optional<Boolean> sendInitialEvents) {
        public static final List ALL = new List(object -> true, "", "", 0, "", Optional.empty());

        public List {
            Objects.requireNonNull(filter, "filter");
            Objects.requireNonNull(resourceVersion, "resourceVersion");
            Objects.requireNonNull(resourceVersionMatch, "resourceVersionMatch");
            Objects.requireNonNull(continueToken, "continueToken");
            Objects.requireNonNull(sendInitialEvents, "sendInitialEvents");
        }
    }
}
