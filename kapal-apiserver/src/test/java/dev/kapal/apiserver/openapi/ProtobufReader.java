package dev.kapal.apiserver.openapi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A schema-less protobuf reader for tests: a message as field number to its raw values, in order. */
final class ProtobufReader {
    private final Map<Integer, List<Object>> fields = new LinkedHashMap<>();

    private ProtobufReader(byte[] bytes) {
        int[] position = {0};
        while (position[0] < bytes.length) {
            long key = varint(bytes, position);
            int field = (int) (key >>> 3);
            int wireType = (int) (key & 7);
            Object value = switch (wireType) {
                case 0 -> varint(bytes, position);
                case 2 -> {
                    int length = (int) varint(bytes, position);
                    byte[] slice = java.util.Arrays.copyOfRange(bytes, position[0], position[0] + length);
                    position[0] += length;
                    yield slice;
                }
                default -> throw new IllegalArgumentException("wire type " + wireType + " of field " + field);
            };
            fields.computeIfAbsent(field, ignored -> new ArrayList<>()).add(value);
        }
    }

    static ProtobufReader parse(byte[] bytes) {
        return new ProtobufReader(bytes);
    }

    List<ProtobufReader> messages(int field) {
        return fields.getOrDefault(field, List.of()).stream().map(value -> parse((byte[]) value)).toList();
    }

    ProtobufReader message(int field) {
        List<ProtobufReader> all = messages(field);
        return all.isEmpty() ? parse(new byte[0]) : all.getLast();
    }

    boolean has(int field) {
        return fields.containsKey(field);
    }

    String string(int field) {
        List<Object> values = fields.getOrDefault(field, List.of());
        return values.isEmpty() ? "" : new String((byte[]) values.getLast(), StandardCharsets.UTF_8);
    }

    List<String> strings(int field) {
        return fields.getOrDefault(field, List.of()).stream()
                .map(value -> new String((byte[]) value, StandardCharsets.UTF_8)).toList();
    }

    private static long varint(byte[] bytes, int[] position) {
        long result = 0;
        int shift = 0;
        while (true) {
            byte b = bytes[position[0]++];
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
            shift += 7;
        }
    }
}
