package dev.kapal.api.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks of names, label keys and label values. Each returns the list of problems, empty when
 * the value is valid; the messages are upstream's, so they can be put into field causes as is.
 */
public final class Names {
    public static final int DNS1123_LABEL_MAX_LENGTH = 63;
    public static final int DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
    public static final int DNS1035_LABEL_MAX_LENGTH = 63;
    public static final int QUALIFIED_NAME_MAX_LENGTH = 63;
    public static final int LABEL_VALUE_MAX_LENGTH = 63;

    private static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final String DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
    private static final String DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private static final String QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final String LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?";

    private static final Pattern DNS1123_LABEL = Pattern.compile(DNS1123_LABEL_FMT);
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(DNS1123_SUBDOMAIN_FMT);
    private static final Pattern DNS1035_LABEL = Pattern.compile(DNS1035_LABEL_FMT);
    private static final Pattern QUALIFIED_NAME = Pattern.compile(QUALIFIED_NAME_FMT);
    private static final Pattern LABEL_VALUE = Pattern.compile(LABEL_VALUE_FMT);

    private static final String DNS1123_LABEL_MSG =
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
    private static final String DNS1123_SUBDOMAIN_MSG =
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    private static final String DNS1035_LABEL_MSG =
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
    private static final String QUALIFIED_NAME_MSG =
            "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private static final String LABEL_VALUE_MSG =
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

    private Names() {
    }

    /** A DNS-1123 label: namespaces, services' names (with DNS-1035), container names, ports. */
    public static List<String> dns1123Label(String value) {
        List<String> errors = new ArrayList<>();
        if (value.length() > DNS1123_LABEL_MAX_LENGTH) {
            errors.add(maxLength(DNS1123_LABEL_MAX_LENGTH));
        }
        if (!DNS1123_LABEL.matcher(value).matches()) {
            errors.add(regexError(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, "my-name", "123-abc"));
        }
        return errors;
    }

    /** A DNS-1123 subdomain: the name of most objects. */
    public static List<String> dns1123Subdomain(String value) {
        List<String> errors = new ArrayList<>();
        if (value.length() > DNS1123_SUBDOMAIN_MAX_LENGTH) {
            errors.add(maxLength(DNS1123_SUBDOMAIN_MAX_LENGTH));
        }
        if (!DNS1123_SUBDOMAIN.matcher(value).matches()) {
            errors.add(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"));
        }
        return errors;
    }

    /** A DNS-1035 label: service names. */
    public static List<String> dns1035Label(String value) {
        List<String> errors = new ArrayList<>();
        if (value.length() > DNS1035_LABEL_MAX_LENGTH) {
            errors.add(maxLength(DNS1035_LABEL_MAX_LENGTH));
        }
        if (!DNS1035_LABEL.matcher(value).matches()) {
            errors.add(regexError(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, "my-name", "abc-123"));
        }
        return errors;
    }

    /** A qualified name ({@code [prefix/]name}): label and annotation keys, finalizers. */
    public static List<String> qualifiedName(String value) {
        List<String> errors = new ArrayList<>();
        String[] parts = value.split("/", -1);
        String name;
        switch (parts.length) {
            case 1 -> name = parts[0];
            case 2 -> {
                String prefix = parts[0];
                name = parts[1];
                if (prefix.isEmpty()) {
                    errors.add("prefix part must be non-empty");
                } else {
                    for (String error : dns1123Subdomain(prefix)) {
                        errors.add("prefix part " + error);
                    }
                }
            }
            default -> {
                errors.add("a qualified name " + regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT,
                        "MyName", "my.name", "123-abc") + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
                return errors;
            }
        }
        if (name.isEmpty()) {
            errors.add("name part must be non-empty");
        } else if (name.length() > QUALIFIED_NAME_MAX_LENGTH) {
            errors.add("name part " + maxLength(QUALIFIED_NAME_MAX_LENGTH));
        }
        if (!QUALIFIED_NAME.matcher(name).matches()) {
            errors.add("name part " + regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc"));
        }
        return errors;
    }

    /** A label value (may be empty). */
    public static List<String> labelValue(String value) {
        List<String> errors = new ArrayList<>();
        if (value.length() > LABEL_VALUE_MAX_LENGTH) {
            errors.add(maxLength(LABEL_VALUE_MAX_LENGTH));
        }
        if (!LABEL_VALUE.matcher(value).matches()) {
            errors.add(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
        }
        return errors;
    }

    /** Upstream's {@code MaxLenError}. */
    public static String maxLength(int length) {
        return "must be no more than " + length + " characters";
    }

    /** Upstream's {@code RegexError}: the message, examples, and the regex used. */
    static String regexError(String message, String format, String... examples) {
        StringBuilder builder = new StringBuilder(message);
        if (examples.length > 0) {
            builder.append(" (e.g. ");
            for (int i = 0; i < examples.length; i++) {
                if (i > 0) {
                    builder.append(",  or ");
                }
                builder.append('\'').append(examples[i]).append('\'');
            }
            builder.append(", regex used for validation is '").append(format).append("')");
        } else {
            builder.append(" (regex used for validation is '").append(format).append("')");
        }
        return builder.toString();
    }
}
