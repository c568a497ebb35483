package io.k8saga.e2e.bench;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough JSON for the bench, which must stay JDK-only: reading one top-level field of the API's flat
 * objects, and writing the result file from maps, lists, strings and numbers.
 */
final class Json {

    private Json() {
    }

    /**
     * The value of a top-level string or scalar field of a flat object, unquoted; null when absent or JSON null.
     * Escapes in strings are not decoded: the fields read here (ids, statuses, reasons) never contain any.
     */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,}\\s]+)")
                .matcher(json);
        if (!m.find()) {
            return null;
        }
        if (m.group(2) != null) {
            return m.group(2);
        }
        return "null".equals(m.group(1)) ? null : m.group(1);
    }

    /** Writes a value: Map (keys in its order), List, CharSequence, Number, Boolean or null; indented. */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, "");
        return out.append('\n').toString();
    }

    private static void write(Object value, StringBuilder out, String indent) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Map<?, ?> map) {
            writeItems(map.entrySet().iterator(), out, indent, '{', '}', (entry, inner) -> {
                Map.Entry<?, ?> e = (Map.Entry<?, ?>) entry;
                out.append(quote(String.valueOf(e.getKey()))).append(": ");
                write(e.getValue(), out, inner);
            });
        } else if (value instanceof List<?> list) {
            writeItems(list.iterator(), out, indent, '[', ']', (item, inner) -> write(item, out, inner));
        } else if (value instanceof Double d) {
            out.append(Double.isFinite(d) ? String.valueOf(Math.round(d * 1000) / 1000.0) : "null");
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else {
            out.append(quote(value.toString()));
        }
    }

    private interface ItemWriter {
        void write(Object item, String indent);
    }

    private static void writeItems(Iterator<?> items, StringBuilder out, String indent, char open, char close,
            ItemWriter writer) {
        out.append(open);
        if (!items.hasNext()) {
            out.append(close);
            return;
        }
        String inner = indent + "  ";
        while (items.hasNext()) {
            out.append('\n').append(inner);
            writer.write(items.next(), inner);
            if (items.hasNext()) {
                out.append(',');
            }
        }
        out.append('\n').append(indent).append(close);
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
