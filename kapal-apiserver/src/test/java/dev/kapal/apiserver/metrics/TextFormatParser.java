package dev.kapal.apiserver.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the text exposition format, written from the format's description, so tests
 * check what a scraper would see rather than string fragments.
 */
final class TextFormatParser {
    record Sample(String name, Map<String, String> labels, double value) {
    }

    record Family(String name, String help, String type, List<Sample> samples) {
    }

    private static final Pattern HELP = Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\[\\\\\"n])*)\",?");

    static Map<String, Family> parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition must end with a newline");
        }
        Map<String, Family> families = new LinkedHashMap<>();
        String help = null;
        String helpName = null;
        Family current = null;
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher matcher;
            if ((matcher = HELP.matcher(line)).matches()) {
                helpName = matcher.group(1);
                help = matcher.group(2).replace("\\n", "\n").replace("\\\\", "\\");
            } else if ((matcher = TYPE.matcher(line)).matches()) {
                if (!matcher.group(1).equals(helpName)) {
                    throw new IllegalArgumentException("TYPE without its HELP: " + line);
                }
                if (families.containsKey(matcher.group(1))) {
                    throw new IllegalArgumentException("family repeated: " + line);
                }
                current = new Family(matcher.group(1), help, matcher.group(2), new ArrayList<>());
                families.put(current.name(), current);
            } else if ((matcher = SAMPLE.matcher(line)).matches()) {
                if (current == null || !belongs(matcher.group(1), current)) {
                    throw new IllegalArgumentException("sample outside its family: " + line);
                }
                Map<String, String> labels = new LinkedHashMap<>();
                if (matcher.group(3) != null) {
                    Matcher label = LABEL.matcher(matcher.group(3));
                    int end = 0;
                    while (label.find() && label.start() == end) {
                        labels.put(label.group(1), label.group(2).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\"));
                        end = label.end();
                    }
                    if (end != matcher.group(3).length()) {
                        throw new IllegalArgumentException("malformed labels: " + line);
                    }
                }
                current.samples().add(new Sample(matcher.group(1), labels, parseValue(matcher.group(4))));
            } else {
                throw new IllegalArgumentException("not a valid line: " + line);
            }
        }
        return families;
    }

    private static boolean belongs(String sampleName, Family family) {
        return switch (family.type()) {
            case "histogram" -> sampleName.equals(family.name() + "_bucket") || sampleName.equals(family.name() + "_sum")
                    || sampleName.equals(family.name() + "_count");
            default -> sampleName.equals(family.name());
        };
    }

    private static double parseValue(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    private TextFormatParser() {
    }
}
