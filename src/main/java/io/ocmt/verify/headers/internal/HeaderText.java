package io.ocmt.verify.headers.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Small string helpers shared by the header parsers and the texts of findings. */
public final class HeaderText {

    private HeaderText() {
    }

    /** ASCII whitespace as the CSP and Fetch specs define it; Java's isWhitespace is wider. */
    public static boolean isAsciiWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    }

    public static String stripAsciiWhitespace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isAsciiWhitespace(s.charAt(start))) {
            start++;
        }
        while (end > start && isAsciiWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** Non-empty runs of non-whitespace, in order. */
    public static List<String> splitOnAsciiWhitespace(String s) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && isAsciiWhitespace(s.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < s.length() && !isAsciiWhitespace(s.charAt(i))) {
                i++;
            }
            if (i > start) {
                tokens.add(s.substring(start, i));
            }
        }
        return tokens;
    }

    /** The members of a comma-separated header list, stripped; empty members dropped. */
    public static List<String> splitCommaList(String s) {
        List<String> members = new ArrayList<>();
        for (String part : s.split(",", -1)) {
            String member = stripAsciiWhitespace(part);
            if (!member.isEmpty()) {
                members.add(member);
            }
        }
        return members;
    }

    public static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    public static boolean equalsIgnoreCase(String a, String b) {
        return a != null && b != null && lower(a.trim()).equals(lower(b.trim()));
    }

    public static boolean containsIgnoreCase(Collection<String> values, String wanted) {
        return values.stream().anyMatch(v -> equalsIgnoreCase(v, wanted));
    }

    /** A header value as it arrived, in quotes so that empty values and spaces stay visible. */
    public static String quoted(String value) {
        return "\"" + value + "\"";
    }

    /** "a | b | c", each quoted: how several values of one header are shown. */
    public static String quotedAll(Collection<String> values) {
        return values.stream().map(HeaderText::quoted).collect(Collectors.joining(" | "));
    }

    /** "a, b or c": for expectations that accept one of several values. */
    public static String oneOf(List<String> values) {
        if (values.isEmpty()) {
            return "";
        }
        if (values.size() == 1) {
            return values.get(0);
        }
        return String.join(", ", values.subList(0, values.size() - 1)) + " or " + values.get(values.size() - 1);
    }

    /** "once", "twice", "3 times". */
    public static String times(int n) {
        return switch (n) {
            case 1 -> "once";
            case 2 -> "twice";
            default -> n + " times";
        };
    }
}
