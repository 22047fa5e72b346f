package dev.kapal.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ResourceInfo;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Turns a PATCH body into a function from the current object to the patched one. */
interface Patching {
    /**
     * @throws dev.kapal.api.ApiException 415 for a patch type the server does not know, 400 for a malformed patch
     */
    UnaryOperator<ObjectNode> patcher(Optional<String> contentType, byte[] body, ResourceInfo resource);
}
