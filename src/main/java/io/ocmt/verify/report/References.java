package io.ocmt.verify.report;

/**
 * Where a check's rule comes from: ASVS 4.0.3 chapters in OWASP's own repository (the link names
 * the requirement, the URL the chapter that states it, because GitHub heading anchors are not
 * stable across ASVS editions), and the scanners whose rules the suite carries over.
 */
public final class References {

    private static final String ASVS_403 = "https://github.com/OWASP/ASVS/blob/v4.0.3/4.0/en/";

    public static final String ASVS_V2 = ASVS_403 + "0x11-V2-Authentication.md";
    public static final String ASVS_V3 = ASVS_403 + "0x12-V3-Session-management.md";
    public static final String ASVS_V4 = ASVS_403 + "0x12-V4-Access-Control.md";
    public static final String ASVS_V5 = ASVS_403 + "0x13-V5-Validation-Sanitization-Encoding.md";
    public static final String ASVS_V6 = ASVS_403 + "0x14-V6-Cryptography.md";
    public static final String ASVS_V7 = ASVS_403 + "0x15-V7-Error-Logging.md";
    public static final String ASVS_V8 = ASVS_403 + "0x16-V8-Data-Protection.md";
    public static final String ASVS_V9 = ASVS_403 + "0x17-V9-Communications.md";
    public static final String ASVS_V11 = ASVS_403 + "0x19-V11-BusLogic.md";
    public static final String ASVS_V14 = ASVS_403 + "0x22-V14-Config.md";

    public static final String OBSERVATORY = "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring";
    public static final String MOZILLA_TLS = "https://wiki.mozilla.org/Security/Server_Side_TLS";
    public static final String TESTSSL = "https://github.com/testssl/testssl.sh";
    public static final String HSTS_PRELOAD = "https://hstspreload.org/";
    public static final String SSL_LABS_RATING = "https://github.com/ssllabs/research/wiki/SSL-Server-Rating-Guide";

    private References() {
    }
}
