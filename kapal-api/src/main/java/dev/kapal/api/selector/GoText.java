package dev.kapal.api.selector;

import java.util.List;

/**
 * Renders values the way Go's {@code fmt} does in upstream's error messages ({@code %q} and
 * {@code %#v}); clients and tests compare these messages, so the quoting has to match.
 */
final class GoText {
    private GoText() {
    }

    /** Go's {@code %q} for a string. */
    static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        value.codePoints().forEach(codePoint -> {
            switch (codePoint) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case 0x07 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case 0x0B -> out.append("\\v");
                default -> {
                    if (codePoint < 0x20 || codePoint == 0x7F) {
                        out.append(String.format("\\x%02x", codePoint));
                    } else if (Character.isISOControl(codePoint) || !Character.isDefined(codePoint)
                            || Character.getType(codePoint) == Character.SURROGATE
                            || Character.getType(codePoint) == Character.FORMAT
                            || Character.getType(codePoint) == Character.PRIVATE_USE) {
                        out.append(codePoint <= 0xFFFF ? String.format("\\u%04x", codePoint)
                                : String.format("\\U%08x", codePoint));
                    } else {
                        out.appendCodePoint(codePoint);
                    }
                }
            }
        });
        return out.append('"').toString();
    }

    /** Go's {@code %#v} for a {@code []string}; {@code nil} slices print differently from empty ones. */
    static String stringSlice(List<String> values, boolean nil) {
        if (nil) {
            return "[]string(nil)";
        }
        StringBuilder out = new StringBuilder("[]string{");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(quote(values.get(i)));
        }
        return out.append('}').toString();
    }
}
