package dev.kapal.api.selector;

import dev.kapal.api.ApiException;
import dev.kapal.api.selector.LabelSelector.Operator;
import dev.kapal.api.selector.LabelSelector.Requirement;
import dev.kapal.api.validation.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The label selector lexer and recursive-descent parser. It mirrors upstream's grammar and its
 * quirks on purpose (keywords are identifiers in value position, {@code ()} means the empty
 * value, errors name the token found and the tokens expected), because clients compare results.
 */
final class LabelSelectorParser {
    private enum Token {
        END_OF_STRING, CLOSED_PAR, COMMA, DOES_NOT_EXIST, DOUBLE_EQUALS, EQUALS, GREATER_THAN,
        IDENTIFIER, IN, LESS_THAN, NOT_EQUALS, NOT_IN, OPEN_PAR
    }

    /** In value position {@code in} and {@code notin} are plain identifiers ({@code a=in}). */
    private enum Context { KEY_AND_OPERATOR, VALUES }

    private record Item(Token token, String literal) {
    }

    private static final Map<String, Token> SYMBOLS = Map.ofEntries(
            Map.entry(")", Token.CLOSED_PAR),
            Map.entry(",", Token.COMMA),
            Map.entry("!", Token.DOES_NOT_EXIST),
            Map.entry("==", Token.DOUBLE_EQUALS),
            Map.entry("=", Token.EQUALS),
            Map.entry(">", Token.GREATER_THAN),
            Map.entry("<", Token.LESS_THAN),
            Map.entry("!=", Token.NOT_EQUALS),
            Map.entry("(", Token.OPEN_PAR));

    private static final String BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt";

    private final List<Item> items;
    private int position;

    private LabelSelectorParser(String input) {
        this.items = lex(input);
    }

    static LabelSelector parse(String selector) {
        LabelSelectorParser parser = new LabelSelectorParser(selector);
        return new LabelSelector.Requirements(parser.parseRequirements());
    }

    // ---- lexer

    private static boolean isWhitespace(char ch) {
        return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
    }

    private static boolean isSpecialSymbol(char ch) {
        return ch == '=' || ch == '!' || ch == '(' || ch == ')' || ch == ',' || ch == '>' || ch == '<';
    }

    private static List<Item> lex(String input) {
        List<Item> items = new ArrayList<>();
        int position = 0;
        int length = input.length();
        while (true) {
            while (position < length && isWhitespace(input.charAt(position))) {
                position++;
            }
            if (position >= length) {
                items.add(new Item(Token.END_OF_STRING, ""));
                return items;
            }
            int start = position;
            if (isSpecialSymbol(input.charAt(position))) {
                // Longest run of symbols that still forms a token: "!=" before "!", "==" before "=".
                Token token = null;
                int end = position;
                while (position < length && isSpecialSymbol(input.charAt(position))) {
                    Token candidate = SYMBOLS.get(input.substring(start, position + 1));
                    if (candidate != null) {
                        token = candidate;
                        end = position + 1;
                    } else if (token != null) {
                        break;
                    }
                    position++;
                }
                // Every single special symbol is a token, so one was always found.
                position = end;
                items.add(new Item(token, input.substring(start, end)));
            } else {
                while (position < length && !isSpecialSymbol(input.charAt(position))
                        && !isWhitespace(input.charAt(position))) {
                    position++;
                }
                String word = input.substring(start, position);
                Token token = switch (word) {
                    case "in" -> Token.IN;
                    case "notin" -> Token.NOT_IN;
                    default -> Token.IDENTIFIER;
                };
                items.add(new Item(token, word));
            }
        }
    }

    // ---- parser

    private Item lookahead(Context context) {
        return inContext(items.get(position), context);
    }

    private Item consume(Context context) {
        Item item = items.get(position);
        if (position < items.size() - 1) {
            position++;
        }
        return inContext(item, context);
    }

    private static Item inContext(Item item, Context context) {
        if (context == Context.VALUES && (item.token() == Token.IN || item.token() == Token.NOT_IN)) {
            return new Item(Token.IDENTIFIER, item.literal());
        }
        return item;
    }

    private static ApiException error(String message) {
        return ApiException.badRequest(message);
    }

    private static String found(String literal, String expected) {
        return "found '" + literal + "', expected: " + expected;
    }

    private List<Requirement> parseRequirements() {
        List<Requirement> requirements = new ArrayList<>();
        while (true) {
            Item next = lookahead(Context.VALUES);
            switch (next.token()) {
                case IDENTIFIER, DOES_NOT_EXIST -> {
                    requirements.add(parseRequirement());
                    Item separator = consume(Context.VALUES);
                    switch (separator.token()) {
                        case END_OF_STRING -> {
                            return requirements;
                        }
                        case COMMA -> {
                            Item after = lookahead(Context.VALUES);
                            if (after.token() != Token.IDENTIFIER && after.token() != Token.DOES_NOT_EXIST) {
                                throw error(found(after.literal(), "identifier after ','"));
                            }
                        }
                        default -> throw error(found(separator.literal(), "',' or 'end of string'"));
                    }
                }
                case END_OF_STRING -> {
                    return requirements;
                }
                default -> throw error(found(next.literal(), "!, identifier, or 'end of string'"));
            }
        }
    }

    private Requirement parseRequirement() {
        try {
            Item keyItem = consume(Context.VALUES);
            Operator operator = null;
            if (keyItem.token() == Token.DOES_NOT_EXIST) {
                operator = Operator.DOES_NOT_EXIST;
                keyItem = consume(Context.VALUES);
            }
            if (keyItem.token() != Token.IDENTIFIER) {
                throw new RequirementError(found(keyItem.literal(), "identifier"));
            }
            String key = keyItem.literal();
            List<String> keyErrors = Names.qualifiedName(key);
            if (!keyErrors.isEmpty()) {
                // Upstream validates the key against a nil field path here, hence "<nil>".
                throw new RequirementError(invalid("<nil>", GoText.quote(key), String.join("; ", keyErrors)));
            }
            Token following = lookahead(Context.VALUES).token();
            if (operator == null && (following == Token.END_OF_STRING || following == Token.COMMA)) {
                operator = Operator.EXISTS;
            }
            // "!a=b" keeps DoesNotExist; the "=" is then reported by the caller as unexpected.
            if (operator != null) {
                return create(key, operator, List.of(), false);
            }
            operator = parseOperator();
            List<String> values = switch (operator) {
                case IN, NOT_IN -> parseValues();
                case EQUALS, DOUBLE_EQUALS, NOT_EQUALS, GREATER_THAN, LESS_THAN -> parseExactValue();
                case EXISTS, DOES_NOT_EXIST -> throw new IllegalStateException("unary operator after key");
            };
            return create(key, operator, values, false);
        } catch (RequirementError e) {
            throw error("unable to parse requirement: " + e.getMessage());
        }
    }

    private Operator parseOperator() {
        Item item = consume(Context.KEY_AND_OPERATOR);
        return switch (item.token()) {
            case IN -> Operator.IN;
            case EQUALS -> Operator.EQUALS;
            case DOUBLE_EQUALS -> Operator.DOUBLE_EQUALS;
            case GREATER_THAN -> Operator.GREATER_THAN;
            case LESS_THAN -> Operator.LESS_THAN;
            case NOT_IN -> Operator.NOT_IN;
            case NOT_EQUALS -> Operator.NOT_EQUALS;
            case END_OF_STRING, CLOSED_PAR, COMMA, DOES_NOT_EXIST, IDENTIFIER, OPEN_PAR ->
                    throw new RequirementError(found(item.literal(), BINARY_OPERATORS));
        };
    }

    private List<String> parseValues() {
        Item open = consume(Context.VALUES);
        if (open.token() != Token.OPEN_PAR) {
            throw new RequirementError("found '" + open.literal() + "' expected: '('");
        }
        Item next = lookahead(Context.VALUES);
        switch (next.token()) {
            case IDENTIFIER, COMMA -> {
                List<String> values = parseIdentifiers();
                if (consume(Context.VALUES).token() != Token.CLOSED_PAR) {
                    throw new RequirementError(found(next.literal(), "')'"));
                }
                return values;
            }
            case CLOSED_PAR -> {
                consume(Context.VALUES);
                // "()" is the set holding the empty value, not the empty set.
                return List.of("");
            }
            default -> throw new RequirementError(found(next.literal(), "',', ')' or identifier"));
        }
    }

    private List<String> parseIdentifiers() {
        TreeSet<String> values = new TreeSet<>();
        while (true) {
            Item item = consume(Context.VALUES);
            switch (item.token()) {
                case IDENTIFIER -> {
                    values.add(item.literal());
                    Item next = lookahead(Context.VALUES);
                    switch (next.token()) {
                        case COMMA -> {
                            // the comma is consumed by the next round
                        }
                        case CLOSED_PAR -> {
                            return List.copyOf(values);
                        }
                        default -> throw new RequirementError(found(next.literal(), "',' or ')'"));
                    }
                }
                case COMMA -> {
                    // Leading, trailing and doubled commas each stand for the empty value.
                    if (values.isEmpty()) {
                        values.add("");
                    }
                    Token next = lookahead(Context.VALUES).token();
                    if (next == Token.CLOSED_PAR) {
                        values.add("");
                        return List.copyOf(values);
                    }
                    if (next == Token.COMMA) {
                        consume(Context.VALUES);
                        values.add("");
                    }
                }
                default -> throw new RequirementError(found(item.literal(), "',', or identifier"));
            }
        }
    }

    private List<String> parseExactValue() {
        Token next = lookahead(Context.VALUES).token();
        if (next == Token.END_OF_STRING || next == Token.COMMA) {
            return List.of("");
        }
        Item item = consume(Context.VALUES);
        if (item.token() == Token.IDENTIFIER) {
            return List.of(item.literal());
        }
        throw new RequirementError(found(item.literal(), "identifier"));
    }

    // ---- requirement validation (upstream's NewRequirement)

    /** Thrown inside requirement parsing; the caller adds upstream's prefix. */
    private static final class RequirementError extends RuntimeException {
        RequirementError(String message) {
            super(message, null, false, false);
        }
    }

    private static String invalid(String field, String renderedValue, String detail) {
        return field + ": Invalid value: " + renderedValue + ": " + detail;
    }

    /**
     * Builds a validated requirement.
     *
     * @param nilValues whether the values came from an absent list, which upstream prints as
     *                  {@code []string(nil)} in its message
     */
    static Requirement newRequirement(String key, Operator operator, List<String> values, boolean nilValues) {
        try {
            return create(key, operator, values, nilValues);
        } catch (RequirementError e) {
            throw error(e.getMessage());
        }
    }

    private static Requirement create(String key, Operator operator, List<String> values, boolean nilValues) {
        List<String> keyErrors = Names.qualifiedName(key);
        if (!keyErrors.isEmpty()) {
            throw new RequirementError(invalid("key", GoText.quote(key), String.join("; ", keyErrors)));
        }
        List<String> distinct = List.copyOf(new TreeSet<>(values));
        List<String> errors = new ArrayList<>();
        String rendered = GoText.stringSlice(distinct, nilValues && values.isEmpty());
        switch (operator) {
            case IN, NOT_IN -> {
                if (distinct.isEmpty()) {
                    errors.add(invalid("values", rendered, "for 'in', 'notin' operators, values set can't be empty"));
                }
            }
            case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> {
                if (distinct.size() != 1) {
                    errors.add(invalid("values", rendered, "exact-match compatibility requires one single value"));
                }
            }
            case EXISTS, DOES_NOT_EXIST -> {
                if (!distinct.isEmpty()) {
                    errors.add(invalid("values", rendered, "values set must be empty for exists and does not exist"));
                }
            }
            case GREATER_THAN, LESS_THAN -> {
                if (distinct.size() != 1) {
                    errors.add(invalid("values", rendered, "for 'Gt', 'Lt' operators, exactly one value is required"));
                }
                for (int i = 0; i < distinct.size(); i++) {
                    if (!isInt64(distinct.get(i))) {
                        errors.add(invalid("values[" + i + "]", GoText.quote(distinct.get(i)),
                                "for 'Gt', 'Lt' operators, the value must be an integer"));
                    }
                }
            }
        }
        for (int i = 0; i < distinct.size(); i++) {
            List<String> valueErrors = Names.labelValue(distinct.get(i));
            if (!valueErrors.isEmpty()) {
                // Upstream's path is values[i][key]: the index, then the key as a map key.
                errors.add(invalid("values[" + i + "][" + key + "]", GoText.quote(distinct.get(i)),
                        String.join("; ", valueErrors)));
            }
        }
        if (errors.size() == 1) {
            throw new RequirementError(errors.get(0));
        }
        if (!errors.isEmpty()) {
            throw new RequirementError("[" + String.join(", ", errors) + "]");
        }
        return new Requirement(key, operator, distinct);
    }

    /** Go's {@code strconv.ParseInt(s, 10, 64)}: optional sign, decimal digits, in range. */
    static boolean isInt64(String text) {
        int start = text.startsWith("+") || text.startsWith("-") ? 1 : 0;
        if (text.length() == start) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch < '0' || ch > '9') {
                return false;
            }
        }
        try {
            Long.parseLong(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
