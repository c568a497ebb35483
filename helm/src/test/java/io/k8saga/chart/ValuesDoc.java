package io.k8saga.chart;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The keys of values.yaml with their {@code # --} descriptions, and the README table made from them.
 *
 * <p>The rules the chart's values.yaml follows: every key has a comment block right above it whose first line starts
 * with {@code # --}; further {@code #} lines continue the description. A key whose value is written as a block
 * mapping (nested keys on the following lines) is a section: its children are keys too. Any other value (a scalar, a
 * list, a flow mapping such as {@code {requests: ...}}) is documented as a whole.
 */
final class ValuesDoc {

    /** Marks the start of the generated table in README.md. */
    static final String BEGIN = "<!-- values-table:begin (generated from values.yaml; see \"Values\") -->";
    /** Marks its end. */
    static final String END = "<!-- values-table:end -->";

    private static final Pattern KEY_LINE = Pattern.compile("^( *)([A-Za-z][A-Za-z0-9_]*):(.*)$");
    private static final Gson JSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    /**
     * One key of values.yaml.
     *
     * @param path dotted path, e.g. "routes.orderRoute.replicaCount"
     * @param description the {@code # --} text, or null when the key has none
     * @param section whether the value is a block mapping of further keys
     * @param value the default value
     */
    record Key(String path, String description, boolean section, Object value) {

        String type() {
            if (section) {
                return "section";
            }
            if (value instanceof Boolean) {
                return "bool";
            }
            if (value instanceof Integer || value instanceof Long) {
                return "int";
            }
            if (value instanceof Number) {
                return "number";
            }
            if (value instanceof List) {
                return "list";
            }
            if (value instanceof Map) {
                return "object";
            }
            return "string";
        }

        String defaultText() {
            return section ? "" : "`" + JSON.toJson(value) + "`";
        }
    }

    private ValuesDoc() {
    }

    /** The keys of a values.yaml text, in file order. */
    static List<Key> keys(String valuesYaml) {
        Map<String, Object> values = new Yaml(new SafeConstructor(new LoaderOptions())).load(valuesYaml);
        List<String> lines = valuesYaml.lines().toList();
        List<Key> keys = new ArrayList<>();
        Deque<int[]> indents = new ArrayDeque<>();
        Deque<String> names = new ArrayDeque<>();
        int skipDeeperThan = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.trim().startsWith("#")) {
                continue;
            }
            int indent = indentOf(line);
            if (skipDeeperThan >= 0 && indent > skipDeeperThan) {
                continue; // inside a list or a multi-line value
            }
            skipDeeperThan = -1;
            Matcher key = KEY_LINE.matcher(line);
            if (!key.matches()) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not a key: " + line);
            }
            while (!indents.isEmpty() && indents.peek()[0] >= indent) {
                indents.pop();
                names.pop();
            }
            String path = names.isEmpty() ? key.group(2) : String.join(".", reversed(names)) + "." + key.group(2);
            String inline = stripComment(key.group(3)).trim();
            boolean section = inline.isEmpty() && nextContentIsDeeperKey(lines, i, indent);
            keys.add(new Key(path, description(lines, i, indent), section, valueAt(values, path)));
            if (section) {
                indents.push(new int[] {indent});
                names.push(key.group(2));
            } else {
                skipDeeperThan = indent;
            }
        }
        return keys;
    }

    /** The Markdown table of the keys, between {@link #BEGIN} and {@link #END}. */
    static String table(List<Key> keys) {
        StringBuilder table = new StringBuilder(BEGIN).append('\n')
                .append("| Key | Type | Default | Description |\n")
                .append("| --- | --- | --- | --- |\n");
        for (Key key : keys) {
            table.append("| `").append(key.path()).append("` | ").append(key.type()).append(" | ")
                    .append(cell(key.defaultText())).append(" | ").append(cell(key.description())).append(" |\n");
        }
        return table.append(END).toString();
    }

    /** The table part of a README, from {@link #BEGIN} to {@link #END}, or null if the markers are missing. */
    static String tableIn(String readme) {
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        return begin < 0 || end < begin ? null : readme.substring(begin, end + END.length());
    }

    private static String description(List<String> lines, int keyLine, int indent) {
        List<String> block = new ArrayList<>();
        for (int j = keyLine - 1; j >= 0; j--) {
            String line = lines.get(j);
            if (!line.trim().startsWith("#") || indentOf(line) != indent) {
                break;
            }
            block.add(0, line.trim());
        }
        if (block.isEmpty() || !block.get(0).startsWith("# --")) {
            return null;
        }
        List<String> text = new ArrayList<>();
        text.add(block.get(0).substring("# --".length()).trim());
        for (String more : block.subList(1, block.size())) {
            text.add(more.substring(1).trim());
        }
        return String.join(" ", text).trim();
    }

    private static boolean nextContentIsDeeperKey(List<String> lines, int keyLine, int indent) {
        for (int j = keyLine + 1; j < lines.size(); j++) {
            String line = lines.get(j);
            if (line.isBlank() || line.trim().startsWith("#")) {
                continue;
            }
            return indentOf(line) > indent && !line.trim().startsWith("-");
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static Object valueAt(Map<String, Object> values, String path) {
        Object current = values;
        for (String part : path.split("\\.")) {
            current = ((Map<String, Object>) current).get(part);
        }
        return current;
    }

    private static String stripComment(String value) {
        int hash = value.indexOf(" #");
        return hash < 0 ? value : value.substring(0, hash);
    }

    private static List<String> reversed(Deque<String> stack) {
        List<String> list = new ArrayList<>(stack);
        java.util.Collections.reverse(list);
        return list;
    }

    private static int indentOf(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|");
    }
}
