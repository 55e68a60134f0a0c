package io.ocmt.reference.mail;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import java.util.concurrent.CountDownLatch;

/**
 * A catch-all mail server for the reference stack: the server under test sends magic links over
 * SMTP and the suite reads them back over IMAP. Authentication is disabled, so any IMAP login
 * works and every recipient gets a mailbox on first delivery.
 */
public final class MailServerMain {

    public static final int SMTP_PORT = 3025;
    public static final int IMAP_PORT = 3143;
    public static final String READY_LINE = "OCMT reference mail server ready";

    /** GreenMail's 2 s default is too short for a cold JVM on a busy two-core CI machine. */
    private static final long STARTUP_TIMEOUT_MS = 30_000;

    private MailServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServerSetup smtp = new ServerSetup(SMTP_PORT, "0.0.0.0", ServerSetup.PROTOCOL_SMTP);
        ServerSetup imap = new ServerSetup(IMAP_PORT, "0.0.0.0", ServerSetup.PROTOCOL_IMAP);
        smtp.setServerStartupTimeout(STARTUP_TIMEOUT_MS);
        imap.setServerStartupTimeout(STARTUP_TIMEOUT_MS);

        GreenMail greenMail = new GreenMail(new ServerSetup[] {smtp, imap})
                .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        greenMail.start();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            greenMail.stop();
            stopped.countDown();
        }, "shutdown"));
        System.out.println(READY_LINE);
        // GreenMail's server threads may be daemons; the main thread keeps the JVM up until stopped.
        stopped.await();
    }
}
