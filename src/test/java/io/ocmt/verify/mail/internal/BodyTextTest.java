package io.ocmt.verify.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class BodyTextTest {

    @Test
    void linksEndWhereTextUsuallyEndsThem() {
        assertThat(BodyText.links("See https://a.test/x?y=1&z=2. Or (http://b.test/p), \"https://c.test\"; [https://d.test/q]!"
                + " ftp://e.test/ mailto:x@f.test https://a.test/x?y=1&z=2"))
                .containsExactly(URI.create("https://a.test/x?y=1&z=2"), URI.create("http://b.test/p"),
                        URI.create("https://c.test"), URI.create("https://d.test/q"));
    }

    @Test
    void aMalformedUrlIsSkipped() {
        assertThat(BodyText.links("https://a.test/%zz https://b.test/ok")).containsExactly(URI.create("https://b.test/ok"));
    }

    @Test
    void textAfterALinkNeverJoinsItsUrl() {
        assertThat(BodyText.fromHtml("<a href=\"https://a.test/x\">https://a.test/x</a>more <a href=\"https://b.test/\">https://b.test/</a>."
                + "<a href=\"https://c.test/\">https://c.test/</a><b>bold</b><a href=\"https://d.test/\">https://d.test/</a><p>next</p>"))
                .isEqualTo("https://a.test/x more https://b.test/. https://c.test/ bold https://d.test/\nnext");
    }

    @Test
    void htmlKeepsHrefsAndDropsWhatIsNotShown() {
        String html = "<html><head><title>T</title><script>var a='https://evil.test';</script></head><body>"
                + "<!-- https://comment.test -->"
                + "<div>Line&nbsp;one&#x21;<br/>Line <i>two</i> &lt;ok&gt; &copy;</div>"
                + "<a href=https://bare.test/a>bare</a> <a href=\"https://same.test/\">https://same.test/</a>"
                + "<ul><li>one</li><li>two</li></ul></body></html>";

        assertThat(BodyText.fromHtml(html)).isEqualTo("Line one!\nLine two <ok> &copy;\n"
                + "bare (https://bare.test/a) https://same.test/\none\ntwo");
    }
}
