package io.ocmt.reference;

import io.javalin.Javalin;
import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The user UI's HTML shell at USER_UI_URL (OCMT serves its single-page UI there; magic links lead to
 * it): one page and its one script, loaded with Subresource Integrity. Header grades judge this page,
 * where CSP, framing and SRI matter most; it carries the same security headers as every response.
 */
final class UiShell {

    static final String SCRIPT_PATH = "/assets/app.js";
    private static final byte[] SCRIPT = "document.documentElement.dataset.ready = 'yes';\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PAGE = ("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "<title>OCMT</title>\n<script type=\"module\" src=\"" + SCRIPT_PATH + "\" integrity=\"" + integrity(SCRIPT)
            + "\" crossorigin=\"anonymous\"></script>\n</head>\n<body><div id=\"root\"></div></body>\n</html>\n")
            .getBytes(StandardCharsets.UTF_8);

    private UiShell() {
    }

    static void install(Javalin app) {
        app.get("/", UiShell::page);
        app.head("/", UiShell::page);
        app.get(SCRIPT_PATH, ctx -> ctx.contentType("text/javascript; charset=utf-8").result(SCRIPT));
    }

    private static void page(Context ctx) {
        ctx.contentType("text/html; charset=utf-8").result(PAGE);
    }

    private static String integrity(byte[] script) {
        try {
            return "sha384-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-384").digest(script));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-384 is part of every Java runtime", e);
        }
    }
}
