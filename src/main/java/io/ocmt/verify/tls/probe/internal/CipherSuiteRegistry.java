package io.ocmt.verify.tls.probe.internal;

import io.ocmt.verify.tls.probe.CipherSuite;
import io.ocmt.verify.tls.probe.TlsProtocol;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Loads {@code cipher-suites.tsv} once. The table is data, not code, so that a reviewer can read
 * every classification in one place and a regenerated table shows up as a plain diff.
 */
public final class CipherSuiteRegistry {

    public static final String RESOURCE = "/io/ocmt/verify/tls/probe/cipher-suites.tsv";

    /** Column order of the table; the header line must say exactly this. */
    public static final List<String> COLUMNS = List.of(
            "code", "iana_name", "openssl_name", "protocols", "kx", "fs", "auth", "cipher", "mode",
            "bits", "flags");

    /** Written in the table for "no value", so that every row has the same number of fields. */
    public static final String EMPTY = "-";

    private CipherSuiteRegistry() {
    }

    public static List<CipherSuite> all() {
        return Holder.ALL;
    }

    public static Optional<CipherSuite> forCode(int code) {
        return Optional.ofNullable(Holder.BY_CODE.get(code));
    }

    public static Optional<CipherSuite> forName(String name) {
        return Optional.ofNullable(Holder.BY_NAME.get(name));
    }

    /** Lazy so that a broken table fails the first lookup with its line number, not class init. */
    private static final class Holder {
        static final List<CipherSuite> ALL = load();
        static final Map<Integer, CipherSuite> BY_CODE = new HashMap<>();
        static final Map<String, CipherSuite> BY_NAME = new HashMap<>();

        static {
            for (CipherSuite s : ALL) {
                BY_CODE.put(s.code(), s);
                BY_NAME.put(s.ianaName(), s);
                s.opensslName().ifPresent(n -> BY_NAME.putIfAbsent(n, s));
            }
        }
    }

    private static List<CipherSuite> load() {
        try (InputStream in = CipherSuiteRegistry.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("cipher-suite table missing from classpath: " + RESOURCE);
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** Parses the table format; public so that tests can feed it broken tables. */
    public static List<CipherSuite> parse(BufferedReader reader) throws IOException {
        List<CipherSuite> suites = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        boolean headerSeen = false;
        String line;
        int lineNo = 0;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (!headerSeen) {
                if (!List.of(f).equals(COLUMNS)) {
                    throw new IllegalStateException(RESOURCE + ":" + lineNo + ": header must be "
                            + String.join("\\t", COLUMNS) + " but is " + line);
                }
                headerSeen = true;
                continue;
            }
            try {
                CipherSuite s = row(f);
                if (!seen.add(s.code())) {
                    throw new IllegalArgumentException("duplicate code " + s.hexCode());
                }
                suites.add(s);
            } catch (RuntimeException e) {
                throw new IllegalStateException(RESOURCE + ":" + lineNo + ": " + e.getMessage(), e);
            }
        }
        if (!headerSeen) {
            throw new IllegalStateException(RESOURCE + ": no header line");
        }
        suites.sort(Comparator.comparingInt(CipherSuite::code));
        return List.copyOf(suites);
    }

    private static CipherSuite row(String[] f) {
        if (f.length != COLUMNS.size()) {
            throw new IllegalArgumentException("expected " + COLUMNS.size() + " tab-separated fields, got " + f.length);
        }
        if (!f[0].startsWith("0x") || f[0].length() != 6) {
            throw new IllegalArgumentException("code must look like 0xC02F: " + f[0]);
        }
        int code = Integer.parseInt(f[0].substring(2), 16);
        String[] range = f[3].split("-", 2);
        TlsProtocol min = TlsProtocol.fromLabel(range[0]);
        TlsProtocol max = range.length == 2 ? TlsProtocol.fromLabel(range[1]) : min;
        boolean fs = switch (f[5]) {
            case "yes" -> true;
            case "no" -> false;
            default -> throw new IllegalArgumentException("fs must be yes or no: " + f[5]);
        };
        Set<CipherSuite.Flag> flags = EnumSet.noneOf(CipherSuite.Flag.class);
        if (!f[10].equals(EMPTY)) {
            for (String flag : f[10].split(",")) {
                flags.add(CipherSuite.Flag.fromLabel(flag));
            }
        }
        return new CipherSuite(
                code,
                f[1],
                f[2].equals(EMPTY) ? Optional.empty() : Optional.of(f[2]),
                min,
                max,
                CipherSuite.KeyExchange.fromLabel(f[4]),
                fs,
                CipherSuite.Authentication.fromLabel(f[6]),
                CipherSuite.Cipher.fromLabel(f[7]),
                CipherSuite.Mode.fromLabel(f[8]),
                Integer.parseInt(f[9]),
                flags);
    }
}
