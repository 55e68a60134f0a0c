package io.ocmt.verify.mail.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Mail bodies as text: HTML reduced to what a reader sees plus every link's URL, and the links in a text. */
public final class BodyText {

    private static final Pattern HIDDEN = Pattern.compile("(?is)<(script|style|head|title)\\b.*?</\\1\\s*>|<!--.*?-->");
    private static final Pattern ANCHOR = Pattern.compile(
            "(?is)<a\\b[^>]*?\\bhref\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s>]+))[^>]*>(.*?)</a\\s*>");
    /** Where a browser starts a new line: both ends of a block, so that text after a link never joins its URL. */
    private static final Pattern LINE_BREAK = Pattern.compile(
            "(?i)<br\\s*/?>|</?(?:p|div|tr|li|h[1-6]|table|ul|ol|blockquote|section|article|header|footer|center)\\b[^>]*>");
    /** Mark both ends of a bare URL written for a link until the tags around it are gone. */
    private static final char URL_START = '\u0001';
    private static final char URL_END = '\u0002';
    private static final Pattern URL_START_AFTER_TEXT = Pattern.compile("(?<=\\S)" + URL_START);
    private static final Pattern URL_END_BEFORE_WORD = Pattern.compile(URL_END + "(?=[^\\s\\p{Punct}])");
    private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});");
    private static final Map<String, String> NAMED = Map.of(
            "amp", "&", "lt", "<", "gt", ">", "quot", "\"", "apos", "'", "nbsp", " ", "ndash", "–", "mdash", "—", "hellip", "…");
    /** Stops where mail text usually ends a URL: white space, quotes, brackets of any kind. */
    private static final Pattern URL = Pattern.compile("(?i)\\bhttps?://[^\\s<>\"'()\\[\\]{}]+");
    private static final String TRAILING_PUNCTUATION = ".,;:!?";

    private BodyText() {
    }

    /**
     * Readable text with each link written as "label (URL)": the URL is what the checks need, and in
     * HTML mail it lives only in the href.
     */
    public static String fromHtml(String html) {
        // Source line breaks are mere white space in HTML; only block ends and <br> break lines.
        String s = HIDDEN.matcher(html.replace(URL_START, ' ').replace(URL_END, ' ')).replaceAll(" ").replaceAll("\\s+", " ");
        s = ANCHOR.matcher(s).replaceAll(m -> {
            String href = (m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3)).strip();
            String label = TAG.matcher(m.group(4)).replaceAll("").strip();
            String shown = label.isEmpty() || label.equals(href) ? URL_START + href + URL_END : label + " (" + href + ")";
            return Matcher.quoteReplacement(shown);
        });
        s = LINE_BREAK.matcher(s).replaceAll("\n");
        s = TAG.matcher(s).replaceAll("");
        s = decodeEntities(s);
        // Text glued to either end of a bare URL would read as part of it; a space keeps them apart.
        s = URL_START_AFTER_TEXT.matcher(s).replaceAll(" ").replace(String.valueOf(URL_START), "");
        s = URL_END_BEFORE_WORD.matcher(s).replaceAll(" ").replace(String.valueOf(URL_END), "");
        return tidy(s);
    }

    public static List<URI> links(String text) {
        Set<URI> links = new LinkedHashSet<>();
        Matcher m = URL.matcher(text);
        while (m.find()) {
            String url = m.group();
            int end = url.length();
            while (end > 0 && TRAILING_PUNCTUATION.indexOf(url.charAt(end - 1)) >= 0) {
                end--;
            }
            try {
                links.add(new URI(url.substring(0, end)));
            } catch (URISyntaxException e) {
                // Not a URL after all (a stray '%' or '|'); a link a browser could not follow either.
            }
        }
        return List.copyOf(new ArrayList<>(links));
    }

    private static String decodeEntities(String s) {
        return ENTITY.matcher(s).replaceAll(m -> {
            String name = m.group(1);
            String decoded;
            if (name.startsWith("#x") || name.startsWith("#X")) {
                decoded = codePoint(Integer.parseInt(name.substring(2), 16));
            } else if (name.startsWith("#")) {
                decoded = codePoint(Integer.parseInt(name.substring(1)));
            } else {
                decoded = NAMED.get(name.toLowerCase(Locale.ROOT));
            }
            return Matcher.quoteReplacement(decoded == null ? m.group() : decoded);
        });
    }

    private static String codePoint(int cp) {
        return Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : "\uFFFD";
    }

    /** One space between words and no blank lines: block boundaries come in pairs, white space in source layout. */
    private static String tidy(String s) {
        StringBuilder out = new StringBuilder();
        for (String line : s.split("\\R")) {
            String l = line.replaceAll("[ \\t\\x0B\\f\\u00A0]+", " ").strip();
            if (!l.isEmpty()) {
                out.append(out.length() > 0 ? "\n" : "").append(l);
            }
        }
        return out.toString();
    }
}
