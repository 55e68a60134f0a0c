package io.ocmt.verify.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** For the loopback servers of the http tests: what a client really put on the wire. */
final class RequestHead {

    private RequestHead() {
    }

    /** The request line and header lines, up to the blank line; byte by byte, so nothing after it is consumed. */
    static List<String> read(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String l = line.toString().stripTrailing();
                if (l.isEmpty()) {
                    return lines;
                }
                lines.add(l);
                line.setLength(0);
            } else {
                line.append((char) b);
            }
        }
        throw new IOException("connection closed in the request head: " + lines);
    }
}
