package io.ocmt.reference;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A bare HTTP/1.1 client over a socket. Higher-level clients merge repeated headers, drop
 * restricted ones such as Host, or refuse malformed requests, and those are exactly the things
 * these tests must see or send.
 */
final class RawHttp {

    private RawHttp() {
    }

    static Response get(int port, String path, String... headerLines) throws IOException {
        return request(port, "GET", path, null, headerLines);
    }

    /** Sends the request with Host and Connection: close added, and reads the whole response. */
    static Response request(int port, String method, String path, byte[] body, String... headerLines)
            throws IOException {
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: localhost:").append(port).append("\r\n")
                .append("Connection: close\r\n");
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            bytes.writeBytes(body);
        }
        return raw(port, bytes.toByteArray(), method.equals("HEAD"));
    }

    static Response raw(int port, byte[] request) throws IOException {
        return raw(port, request, false);
    }

    private static Response raw(int port, byte[] request, boolean head) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before it has read everything (e.g. 413, 431).
            }
            return parse(readResponse(socket.getInputStream(), head));
        }
    }

    /**
     * Stops at the end of the response as a real client does, not at EOF: a server that refused
     * a body it never read may keep the connection open waiting for that body.
     */
    private static byte[] readResponse(InputStream in, boolean head) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            int n;
            while (!complete(buffer.toByteArray(), head) && (n = in.read(chunk)) != -1) {
                buffer.write(chunk, 0, n);
            }
        } catch (SocketException e) {
            // A reset after the response was sent still leaves a complete response to check.
            if (buffer.size() == 0) {
                throw e;
            }
        }
        return buffer.toByteArray();
    }

    private static boolean complete(byte[] raw, boolean head) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        if (head) {
            return true;
        }
        String headLower = text.substring(0, end).toLowerCase(Locale.ROOT);
        Matcher length = Pattern.compile("\r\ncontent-length:\\s*(\\d+)")
                .matcher(headLower);
        if (length.find()) {
            return raw.length - (end + 4) >= Integer.parseInt(length.group(1));
        }
        if (headLower.contains("\r\ntransfer-encoding: chunked")) {
            return text.endsWith("\r\n0\r\n\r\n");
        }
        return false;
    }

    private static Response parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IllegalStateException("No complete response head in: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.add(new AbstractMap.SimpleImmutableEntry<>(
                    lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()));
        }
        String body = text.substring(end + 4);
        Response response = new Response(status, headers, body);
        if ("chunked".equalsIgnoreCase(response.first("Transfer-Encoding"))) {
            response = new Response(status, headers, dechunk(body));
        }
        return response;
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int pos = 0;
        while (true) {
            int lineEnd = body.indexOf("\r\n", pos);
            int size = Integer.parseInt(body.substring(pos, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(body, lineEnd + 2, lineEnd + 2 + size);
            pos = lineEnd + 2 + size + 2;
        }
    }

    static final class Response {
        final int status;
        final List<Map.Entry<String, String>> headers;
        final String body;

        Response(int status, List<Map.Entry<String, String>> headers, String body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        List<String> all(String name) {
            return headers.stream()
                    .filter(h -> h.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue)
                    .collect(Collectors.toList());
        }

        String first(String name) {
            List<String> values = all(name);
            return values.isEmpty() ? null : values.get(0);
        }

        List<String> names() {
            return headers.stream().map(h -> h.getKey().toLowerCase(Locale.ROOT)).collect(Collectors.toList());
        }

        @Override
        public String toString() {
            return status + " " + headers + "\n" + body;
        }
    }
}
