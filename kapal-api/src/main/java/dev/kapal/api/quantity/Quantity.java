package dev.kapal.api.quantity;

import dev.kapal.api.ApiException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * A resource quantity ({@code 500m}, {@code 128Mi}, {@code 1e3}) as upstream's
 * {@code resource.Quantity}: an exact decimal, rounded up to nano units on parse, printed in
 * canonical form ({@code 1000m} prints {@code 1}, {@code 1024Mi} prints {@code 1Gi},
 * {@code 0.5} prints {@code 500m}). Equality and ordering are by value, as upstream's
 * {@code Cmp}; the format only steers printing.
 */
public final class Quantity implements Comparable<Quantity> {
    /** How a quantity prints; taken from the suffix it was parsed with. */
    public enum Format {
        /** {@code 1Ki}, {@code 5Gi}. */
        BINARY_SI,
        /** {@code 500m}, {@code 1k}, {@code 3}. */
        DECIMAL_SI,
        /** {@code 1e3}, {@code 5e-3}. */
        DECIMAL_EXPONENT
    }

    static final String FORMAT_WRONG =
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    static final String SUFFIX_WRONG = "unable to parse quantity's suffix";

    /** Binary quantities are capped at the largest int64, as upstream caps them. */
    private static final BigDecimal MAX_BINARY = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigDecimal NANO = BigDecimal.ONE.movePointLeft(9);

    public static final Quantity ZERO = new Quantity(BigDecimal.ZERO, Format.DECIMAL_SI);

    private final BigDecimal amount;
    private final Format format;

    private Quantity(BigDecimal amount, Format format) {
        this.amount = Objects.requireNonNull(amount, "amount");
        this.format = Objects.requireNonNull(format, "format");
    }

    /** A quantity of this exact amount (rounded up to nano units), printed in {@code format}. */
    public static Quantity of(BigDecimal amount, Format format) {
        return new Quantity(roundToNano(amount), format);
    }

    /** A whole number of units, printed as decimal SI ({@code 3}, {@code 2k}). */
    public static Quantity of(long value) {
        return new Quantity(BigDecimal.valueOf(value), Format.DECIMAL_SI);
    }

    /** A number of thousandths, printed as decimal SI ({@code 250m}). */
    public static Quantity ofMillis(long millis) {
        return new Quantity(BigDecimal.valueOf(millis, 3), Format.DECIMAL_SI);
    }

    /**
     * Parses a quantity.
     *
     * @throws ApiException 400 with upstream's message when the text is not a quantity
     */
    public static Quantity parse(String text) {
        if (text.isEmpty()) {
            throw ApiException.badRequest(FORMAT_WRONG);
        }
        int end = text.length();
        int position = 0;
        boolean negative = false;
        if (text.charAt(0) == '-' || text.charAt(0) == '+') {
            negative = text.charAt(0) == '-';
            position++;
        }
        int numberStart = position;
        while (position < end && text.charAt(position) == '0') {
            position++;
        }
        int numeratorStart = position;
        while (position < end && isDigit(text.charAt(position))) {
            position++;
        }
        String numerator = text.substring(numeratorStart, position);
        String denominator = "";
        if (position < end && text.charAt(position) == '.') {
            int denominatorStart = ++position;
            while (position < end && isDigit(text.charAt(position))) {
                position++;
            }
            denominator = text.substring(denominatorStart, position);
        }
        // The documented shape needs at least one digit or '.' ("Mi" and "-" are no quantities).
        if (position == numberStart) {
            throw ApiException.badRequest(FORMAT_WRONG);
        }
        String suffix = text.substring(position);
        checkSuffixShape(suffix);

        Format format;
        int exponent;
        boolean binary = false;
        switch (suffix) {
            case "" -> { format = Format.DECIMAL_SI; exponent = 0; }
            case "n" -> { format = Format.DECIMAL_SI; exponent = -9; }
            case "u" -> { format = Format.DECIMAL_SI; exponent = -6; }
            case "m" -> { format = Format.DECIMAL_SI; exponent = -3; }
            case "k" -> { format = Format.DECIMAL_SI; exponent = 3; }
            case "M" -> { format = Format.DECIMAL_SI; exponent = 6; }
            case "G" -> { format = Format.DECIMAL_SI; exponent = 9; }
            case "T" -> { format = Format.DECIMAL_SI; exponent = 12; }
            case "P" -> { format = Format.DECIMAL_SI; exponent = 15; }
            case "E" -> { format = Format.DECIMAL_SI; exponent = 18; }
            case "Ki" -> { format = Format.BINARY_SI; exponent = 10; binary = true; }
            case "Mi" -> { format = Format.BINARY_SI; exponent = 20; binary = true; }
            case "Gi" -> { format = Format.BINARY_SI; exponent = 30; binary = true; }
            case "Ti" -> { format = Format.BINARY_SI; exponent = 40; binary = true; }
            case "Pi" -> { format = Format.BINARY_SI; exponent = 50; binary = true; }
            case "Ei" -> { format = Format.BINARY_SI; exponent = 60; binary = true; }
            default -> {
                format = Format.DECIMAL_EXPONENT;
                exponent = decimalExponent(suffix);
            }
        }
        BigInteger digits = new BigInteger(numerator.isEmpty() && denominator.isEmpty() ? "0" : numerator + denominator);
        BigDecimal amount = new BigDecimal(negative ? digits.negate() : digits, denominator.length());
        amount = binary ? amount.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(exponent)))
                : amount.scaleByPowerOfTen(exponent);
        amount = roundToNano(amount);
        if (format == Format.BINARY_SI && amount.compareTo(MAX_BINARY) > 0) {
            amount = MAX_BINARY;
        }
        return new Quantity(amount, format);
    }

    private static boolean isDigit(char ch) {
        return ch >= '0' && ch <= '9';
    }

    /** The suffix must be suffix letters, then an optional sign and digits (upstream's shape check). */
    private static void checkSuffixShape(String suffix) {
        int position = 0;
        while (position < suffix.length() && "eEinumkKMGTP".indexOf(suffix.charAt(position)) >= 0) {
            position++;
        }
        if (position < suffix.length() && (suffix.charAt(position) == '-' || suffix.charAt(position) == '+')) {
            position++;
        }
        while (position < suffix.length()) {
            if (!isDigit(suffix.charAt(position++))) {
                throw ApiException.badRequest(FORMAT_WRONG);
            }
        }
    }

    /** {@code e3}, {@code E-2}: a decimal exponent that fits an int32 (upstream parses int64, keeps int32). */
    private static int decimalExponent(String suffix) {
        if (suffix.length() < 2 || (suffix.charAt(0) != 'e' && suffix.charAt(0) != 'E')) {
            throw ApiException.badRequest(SUFFIX_WRONG);
        }
        String number = suffix.substring(1);
        int start = number.startsWith("-") || number.startsWith("+") ? 1 : 0;
        if (number.length() == start) {
            throw ApiException.badRequest(SUFFIX_WRONG);
        }
        for (int i = start; i < number.length(); i++) {
            if (!isDigit(number.charAt(i))) {
                throw ApiException.badRequest(SUFFIX_WRONG);
            }
        }
        try {
            long parsed = Long.parseLong(number);
            // Bounded so BigDecimal scales stay representable; upstream overflows silently beyond int32.
            if (parsed > 999_999_999L || parsed < -999_999_999L) {
                throw ApiException.badRequest(SUFFIX_WRONG);
            }
            return (int) parsed;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(SUFFIX_WRONG);
        }
    }

    /**
     * Rounds away from zero to nano units: asking for a tiny non-zero amount yields the smallest
     * one, never zero (upstream's rule).
     */
    private static BigDecimal roundToNano(BigDecimal amount) {
        if (amount.signum() == 0) {
            return BigDecimal.ZERO;
        }
        if (amount.scale() <= 9) {
            return amount.stripTrailingZeros();
        }
        // Leading digit far below nano: the answer is one nano, and setScale would be costly.
        if (amount.precision() - amount.scale() < -9) {
            return amount.signum() > 0 ? NANO : NANO.negate();
        }
        return amount.setScale(9, RoundingMode.UP).stripTrailingZeros();
    }

    /** The exact amount. */
    public BigDecimal amount() {
        return amount;
    }

    public Format format() {
        return format;
    }

    public boolean isZero() {
        return amount.signum() == 0;
    }

    /** The value in whole units, rounded away from zero, saturating at the int64 range. */
    public long value() {
        return scaled(amount);
    }

    /** The value in thousandths ({@code 250m} is 250), rounded away from zero, saturating. */
    public long milliValue() {
        return scaled(amount.movePointRight(3));
    }

    private static long scaled(BigDecimal value) {
        if (value.compareTo(MAX_BINARY) >= 0) {
            return Long.MAX_VALUE;
        }
        if (value.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) <= 0) {
            return Long.MIN_VALUE;
        }
        return value.setScale(0, RoundingMode.UP).longValueExact();
    }

    public Quantity add(Quantity other) {
        return new Quantity(amount.add(other.amount).stripTrailingZeros(), format);
    }

    public Quantity subtract(Quantity other) {
        return new Quantity(amount.subtract(other.amount).stripTrailingZeros(), format);
    }

    @Override
    public int compareTo(Quantity other) {
        return amount.compareTo(other.amount);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Quantity quantity && quantity.amount.compareTo(amount) == 0;
    }

    @Override
    public int hashCode() {
        return amount.signum() == 0 ? 0 : amount.stripTrailingZeros().hashCode();
    }

    /** The canonical form, as upstream serializes quantities. */
    @Override
    public String toString() {
        if (amount.signum() == 0) {
            return "0";
        }
        if (format == Format.BINARY_SI && amount.abs().compareTo(BigDecimal.valueOf(1024)) >= 0
                && amount.stripTrailingZeros().scale() <= 0) {
            return binary(amount.toBigIntegerExact());
        }
        return decimal(format == Format.DECIMAL_EXPONENT);
    }

    private String binary(BigInteger value) {
        BigInteger mask = BigInteger.valueOf(1023);
        int steps = 0;
        while (steps < 6 && value.abs().and(mask).signum() == 0) {
            value = value.shiftRight(10);
            steps++;
        }
        String[] suffixes = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
        return value + suffixes[steps];
    }

    /** Mantissa and an exponent that is a multiple of 3, then the SI letter or {@code e<n>}. */
    private String decimal(boolean exponentForm) {
        BigDecimal stripped = amount.stripTrailingZeros();
        BigInteger mantissa = stripped.unscaledValue();
        int exponent = -stripped.scale();
        int remainder = Math.floorMod(exponent, 3);
        if (remainder != 0) {
            mantissa = mantissa.multiply(BigInteger.TEN.pow(remainder));
            exponent -= remainder;
        }
        if (exponentForm) {
            return exponent == 0 ? mantissa.toString() : mantissa + "e" + exponent;
        }
        if (exponent > 18) {
            // No SI letter above exa: widen the mantissa instead.
            mantissa = mantissa.multiply(BigInteger.TEN.pow(exponent - 18));
            exponent = 18;
        }
        String suffix = switch (exponent) {
            case -9 -> "n";
            case -6 -> "u";
            case -3 -> "m";
            case 0 -> "";
            case 3 -> "k";
            case 6 -> "M";
            case 9 -> "G";
            case 12 -> "T";
            case 15 -> "P";
            case 18 -> "E";
            default -> throw new IllegalStateException("exponent " + exponent + " after rounding to nano units");
        };
        return mantissa + suffix;
    }
}
