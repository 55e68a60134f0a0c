package io.ocmt.reference;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where security events go: one JSON line each on stdout, as OCMT writes them, and, where
 * SECURITY_LOG_FILE names a file, appended to it as well: the checklist's
 * /var/log/ocmt/security.log, the file operators (and the suite's securitylog grant) read.
 * BREAK_SECURITY_LOG=1 leaves the file out: events a log shipper never picks up.
 *
 * <p>Each line reaches the file in one write to a file opened for appending, so the replicas sharing
 * one file never interleave within a line.
 */
public final class SecurityLog {

    public static final String FILE_VARIABLE = "SECURITY_LOG_FILE";
    private static final Logger LOG = LoggerFactory.getLogger(SecurityLog.class);
    private static PrintStream stream;

    private SecurityLog() {
    }

    /** One stream per process, shared by the rate limiter and the API's security events. */
    public static synchronized PrintStream stream(Switches switches, Map<String, String> env) {
        if (stream == null) {
            stream = open(switches, env, System.out);
        }
        return stream;
    }

    static PrintStream open(Switches switches, Map<String, String> env, PrintStream console) {
        String file = env.get(FILE_VARIABLE);
        if (file == null || file.isBlank() || switches.is(Switch.SECURITY_LOG, "1")) {
            return console;
        }
        try {
            PrintStream out = new PrintStream(new Tee(console, new FileOutputStream(file.trim(), true)), true, StandardCharsets.UTF_8);
            LOG.info("Security events also go to {}", file.trim());
            return out;
        } catch (IOException e) {
            // A deployment that cannot write its security log must not start as if it could.
            throw new ConfigurationException(FILE_VARIABLE + " " + file + " cannot be opened for appending: " + e.getMessage());
        }
    }

    /** Everything to stdout as it comes; to the file a whole line at a time. */
    private static final class Tee extends OutputStream {
        private final OutputStream console;
        private final FileOutputStream file;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        Tee(OutputStream console, FileOutputStream file) {
            this.console = console;
            this.file = file;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            console.write(b);
            line.write(b);
            if (b == '\n') {
                file.write(line.toByteArray());
                line.reset();
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            console.write(b, off, len);
            for (int i = off; i < off + len; i++) {
                line.write(b[i]);
                if (b[i] == '\n') {
                    file.write(line.toByteArray());
                    line.reset();
                }
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            console.flush();
        }
    }
}
