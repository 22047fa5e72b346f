package dev.kapal.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Converts between the version a resource is served in and the version its objects are stored
 * in, for resources that share storage with another version (events.k8s.io/v1 events are stored
 * as core v1 events; autoscaling/v1 HPAs as autoscaling/v2). Both directions receive a private
 * copy and return the converted object (which may be the same tree, modified); metadata passes
 * through unchanged.
 */
public interface Conversion {
    /** The identity: served and stored versions are the same. */
    Conversion NONE = new Conversion() {
        @Override
        public ObjectNode toStorage(ObjectNode served) {
            return served;
        }

        @Override
        public ObjectNode fromStorage(ObjectNode stored) {
            return stored;
        }
    };

    ObjectNode toStorage(ObjectNode served);

    ObjectNode fromStorage(ObjectNode stored);
}
