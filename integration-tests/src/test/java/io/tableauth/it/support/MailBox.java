package io.tableauth.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real SMTP server (GreenMail) on a free loopback port of the test JVM, for one test class: point a realm's SMTP
 * settings at it ({@link #smtpServer()}) and read what Keycloak sent. The notices that a sign-in method was added
 * ({@link #NOTICE_SUBJECT}) come apart ({@link #notices}), so a test of a link or code counts only those mails.
 */
public final class MailBox implements BeforeAllCallback, AfterAllCallback {

    /** One received mail, its plain-text and HTML parts decoded. */
    public record Mail(String to, String subject, String text, String html) {
    }

    private GreenMail server;
    private int port;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        // bound to a port the system picks, read back from the bound socket: no probe-then-bind race
        server = new GreenMail(new ServerSetup(ServerSetup.PORT_SMTP, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)
            .dynamicPort());
        server.start();
        port = server.getSmtp().getPort();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.stop();
        }
    }

    /** A realm's {@code smtpServer} settings for this server. */
    public Map<String, String> smtpServer() {
        return Map.of("host", "127.0.0.1", "port", Integer.toString(port), "from", "noreply@tableauth.test",
            "fromDisplayName", "tableauth tests");
    }

    /** Subject of the mail that tells a user a passkey, key, authenticator app or recovery codes were added. */
    public static final String NOTICE_SUBJECT = "A sign-in method was added to your account";

    /** Every mail received so far for this address, but the notices of added sign-in methods. */
    public List<Mail> to(String address) {
        return all(address).stream().filter(m -> !NOTICE_SUBJECT.equals(m.subject())).toList();
    }

    /** The notices of added sign-in methods received so far for this address. */
    public List<Mail> notices(String address) {
        return all(address).stream().filter(m -> NOTICE_SUBJECT.equals(m.subject())).toList();
    }

    /** Waits up to {@code timeout} for the {@code n}-th notice of an added sign-in method to this address. */
    public Mail awaitNotice(String address, int n, Duration timeout) throws InterruptedException {
        return awaitIn(this::notices, "notice", address, n, timeout);
    }

    private List<Mail> all(String address) {
        return Arrays.stream(server.getReceivedMessages()).map(MailBox::read)
            .filter(m -> m.to().equalsIgnoreCase(address)).toList();
    }

    /** Waits up to {@code timeout} for the {@code n}-th mail to this address. */
    public Mail await(String address, int n, Duration timeout) throws InterruptedException {
        return awaitIn(this::to, "mail", address, n, timeout);
    }

    private static Mail awaitIn(java.util.function.Function<String, List<Mail>> box, String what, String address,
                                int n, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            List<Mail> mails = box.apply(address);
            if (mails.size() >= n) {
                return mails.get(n - 1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("No " + what + " number " + n + " to " + address + " within " + timeout
            + "; received: " + box.apply(address));
    }

    private static Mail read(MimeMessage message) {
        try {
            String to = message.getRecipients(Message.RecipientType.TO)[0].toString().replaceAll(".*<(.*)>.*", "$1");
            String text = null;
            String html = null;
            Object content = message.getContent();
            if (content instanceof Multipart parts) {
                for (int i = 0; i < parts.getCount(); i++) {
                    BodyPart part = parts.getBodyPart(i);
                    if (part.isMimeType("text/plain")) {
                        text = part.getContent().toString();
                    } else if (part.isMimeType("text/html")) {
                        html = part.getContent().toString();
                    }
                }
            } else {
                text = content.toString();
            }
            return new Mail(to, message.getSubject(), text, html);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
