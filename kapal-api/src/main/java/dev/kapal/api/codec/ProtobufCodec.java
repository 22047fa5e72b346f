package dev.kapal.api.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.ExtensionRegistry;
import dev.kapal.api.ApiException;
import dev.kapal.api.GroupVersion;
import dev.kapal.api.GroupVersionKind;
import dev.kapal.api.Json;
import dev.kapal.api.StatusReason;
import io.kubernetes.client.proto.Runtime;
import java.io.IOException;
import java.util.Objects;

/**
 * Reads request bodies sent as {@code application/vnd.kubernetes.protobuf} into the JSON tree
 * the same object has as {@code application/json}.
 *
 * <p>kubectl and every client-go typed client send protobuf by default. The wire format is the
 * magic {@code "k8s\0"} followed by a {@code runtime.Unknown} message: {@code typeMeta}
 * (apiVersion, kind), {@code raw} (the object's own message), {@code contentEncoding} and
 * {@code contentType}. The object is parsed with the upstream message descriptors and walked
 * into Kubernetes JSON ({@link ProtobufJson} says how zero values and special types are treated).
 *
 * <p>Only decoding is offered: responses stay JSON, which clients accept because they list JSON
 * after protobuf in {@code Accept}.
 */
public final class ProtobufCodec {
    /** The media type kubectl sends typed bodies as. */
    public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

    private static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};

    /** Protobuf's own default; hostile bodies nest deeper than any real object (~30 levels). */
    private static final int MAX_MESSAGE_DEPTH = 100;

    private ProtobufCodec() {
    }

    /**
     * Decodes one protobuf request body.
     *
     * @return the object as Kubernetes JSON, {@code apiVersion} and {@code kind} first, taken from
     *         the envelope
     * @throws ApiException 400 {@code BadRequest} for a body that is not a well-formed envelope
     *         or message; 415 {@code UnsupportedMediaType} for a kind this server cannot read as
     *         protobuf, or for a set field newer than its descriptors (the client can send JSON)
     */
    public static ObjectNode decode(byte[] body) {
        Objects.requireNonNull(body, "body");
        if (!hasMagic(body)) {
            throw ApiException.badRequest("the protobuf body does not start with the \"k8s\\0\" prefix");
        }
        Runtime.Unknown envelope;
        try {
            CodedInputStream input = CodedInputStream.newInstance(body, MAGIC.length, body.length - MAGIC.length);
            input.setRecursionLimit(MAX_MESSAGE_DEPTH);
            envelope = Runtime.Unknown.parseFrom(input, ExtensionRegistry.getEmptyRegistry());
        } catch (IOException | RuntimeException e) {
            throw ApiException.badRequest("the protobuf envelope is malformed: " + e.getMessage());
        }
        GroupVersionKind kind = kindOf(envelope);
        if (!envelope.getContentEncoding().isEmpty()) {
            throw new ApiException(StatusReason.UNSUPPORTED_MEDIA_TYPE,
                    "protobuf content encoding \"" + envelope.getContentEncoding() + "\" is not supported");
        }
        String contentType = envelope.getContentType();
        if (!contentType.isEmpty() && !contentType.equals(MEDIA_TYPE)) {
            throw new ApiException(StatusReason.UNSUPPORTED_MEDIA_TYPE,
                    "protobuf envelope content type \"" + contentType + "\" is not supported");
        }
        Descriptor descriptor = ProtobufSchemas.lookup(kind).orElseThrow(() -> new ApiException(
                StatusReason.UNSUPPORTED_MEDIA_TYPE, "no protobuf schema for kind \"" + kind.kind()
                + "\" in version \"" + kind.groupVersion().apiVersion() + "\"; send it as application/json"));
        DynamicMessage message;
        try {
            CodedInputStream input = envelope.getRaw().newCodedInput();
            input.setRecursionLimit(MAX_MESSAGE_DEPTH);
            message = DynamicMessage.parseFrom(descriptor, input);
        } catch (IOException | RuntimeException e) {
            throw ApiException.badRequest("the protobuf " + kind.kind() + " is malformed: " + e.getMessage());
        }
        ObjectNode json = ProtobufJson.object(message);
        ObjectNode result = Json.object();
        result.put("apiVersion", kind.groupVersion().apiVersion());
        result.put("kind", kind.kind());
        result.setAll(json);
        return result;
    }

    /** Whether a body carries the protobuf magic; cheap content sniffing for the HTTP front. */
    public static boolean hasMagic(byte[] body) {
        Objects.requireNonNull(body, "body");
        if (body.length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (body[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether this codec can read the given kind (for discovery and tests). */
    public static boolean supports(GroupVersionKind kind) {
        return ProtobufSchemas.lookup(kind).isPresent();
    }

    private static GroupVersionKind kindOf(Runtime.Unknown envelope) {
        String apiVersion = envelope.getTypeMeta().getApiVersion();
        String kind = envelope.getTypeMeta().getKind();
        // Upstream's protobuf serializer answers a missing kind the same way its JSON one does.
        if (kind.isEmpty()) {
            throw ApiException.badRequest("Object 'Kind' is missing in protobuf body");
        }
        if (apiVersion.isEmpty()) {
            throw ApiException.badRequest("Object 'apiVersion' is missing in protobuf body");
        }
        GroupVersion groupVersion = GroupVersion.parse(apiVersion);
        if (groupVersion.version().isEmpty() || groupVersion.version().contains("/")) {
            throw ApiException.badRequest("invalid apiVersion \"" + apiVersion + "\" in protobuf body");
        }
        return new GroupVersionKind(groupVersion.group(), groupVersion.version(), kind);
    }
}
