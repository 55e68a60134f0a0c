package io.ocmt.verify.backup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a plain pg_dump needs of the server it is restored into: the roles it gives objects to. A
 * throwaway database has none of the deployment's roles, and without them the first
 * {@code ALTER ... OWNER TO} stops the restore for a reason that has nothing to do with the backup.
 */
public final class SqlDump {

    private static final String ROLE = "(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)";
    private static final Pattern OWNER = Pattern.compile("^ALTER .+ OWNER TO " + ROLE + ";$");
    private static final Pattern GRANT = Pattern.compile("^(?:ALTER DEFAULT PRIVILEGES .+ )?(?:GRANT .+ TO|REVOKE .+ FROM) (" + ROLE + "(?:\\s*,\\s*" + ROLE + ")*);$");
    private static final Pattern FOR_ROLE = Pattern.compile("^ALTER DEFAULT PRIVILEGES FOR ROLE " + ROLE + " ");
    private static final Pattern ONE_ROLE = Pattern.compile(ROLE);

    private SqlDump() {
    }

    /** Every role the dump names as owner, grantee or default-privileges role, except PUBLIC. */
    public static Set<String> roles(Path sql) {
        Set<String> roles = new TreeSet<>();
        try (BufferedReader r = Files.newBufferedReader(sql, StandardCharsets.UTF_8)) {
            boolean inCopy = false;
            String line;
            while ((line = r.readLine()) != null) {
                // COPY data is the users' rows: never parsed as statements.
                if (inCopy) {
                    inCopy = !line.equals("\\.");
                    continue;
                }
                if (line.startsWith("COPY ") && line.endsWith("FROM stdin;")) {
                    inCopy = true;
                    continue;
                }
                Matcher m = OWNER.matcher(line);
                if (m.matches()) {
                    roles.add(unquote(m.group(1)));
                }
                m = FOR_ROLE.matcher(line);
                if (m.find()) {
                    roles.add(unquote(m.group(1)));
                }
                m = GRANT.matcher(line);
                if (m.matches()) {
                    Matcher each = ONE_ROLE.matcher(m.group(1));
                    while (each.find()) {
                        roles.add(unquote(each.group(1)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the decrypted dump: " + e.getMessage(), e);
        }
        roles.removeIf(r -> r.equalsIgnoreCase("PUBLIC"));
        return roles;
    }

    static String unquote(String role) {
        return role.startsWith("\"") ? role.substring(1, role.length() - 1).replace("\"\"", "\"") : role;
    }

    /** A role name as an SQL identifier, always quoted. */
    public static String quote(String role) {
        return "\"" + role.replace("\"", "\"\"") + "\"";
    }
}
