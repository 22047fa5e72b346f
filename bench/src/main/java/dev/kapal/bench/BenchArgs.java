package dev.kapal.bench;

/** {@code key=value} arguments of the benchmark mains; every one has a default. */
final class BenchArgs {
    private BenchArgs() {
    }

    static int intArg(String[] args, String key, int defaultValue) {
        return Integer.parseInt(stringArg(args, key, Integer.toString(defaultValue)));
    }

    static String stringArg(String[] args, String key, String defaultValue) {
        for (String arg : args) {
            if (arg.startsWith(key + "=")) {
                return arg.substring(key.length() + 1);
            }
        }
        return defaultValue;
    }
}
