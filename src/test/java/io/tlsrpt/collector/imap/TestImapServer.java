package io.tlsrpt.collector.imap;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/** GreenMail's IMAP server on loopback with one mailbox, and an IMAP client (Angus Mail) to fill and inspect it. */
final class TestImapServer implements AutoCloseable {
    static final String USER = "tlsrpt";
    static final String PASSWORD = "s3cret pass";

    private final GreenMail greenMail;

    /** On a free port (0) or the given one. */
    TestImapServer(int port) {
        greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
        greenMail.start();
        greenMail.setUser("tlsrpt@localhost", USER, PASSWORD);
    }

    int port() {
        return greenMail.getImap().getPort();
    }

    /** Appends a raw message to a folder (created when missing) with the given internal ("received") date. */
    void append(String folder, byte[] eml, Date received) throws MessagingException {
        try (Store store = connect()) {
            Folder f = store.getFolder(folder);
            if (!f.exists()) {
                f.create(Folder.HOLDS_MESSAGES);
            }
            Session session = Session.getInstance(new Properties());
            MimeMessage m = new MimeMessage(session, new ByteArrayInputStream(eml)) {
                @Override
                public Date getReceivedDate() {
                    return received;
                }
            };
            f.appendMessages(new Message[]{m});
        }
    }

    /** The flags of each message in a folder (empty list when the folder does not exist). */
    List<Flags> flags(String folder) throws MessagingException {
        try (Store store = connect()) {
            Folder f = store.getFolder(folder);
            if (!f.exists()) {
                return List.of();
            }
            f.open(Folder.READ_ONLY);
            try {
                List<Flags> out = new ArrayList<>();
                for (Message m : f.getMessages()) {
                    out.add(m.getFlags());
                }
                return out;
            } finally {
                f.close(false);
            }
        }
    }

    int count(String folder) throws MessagingException {
        return flags(folder).size();
    }

    private Store connect() throws MessagingException {
        Properties p = new Properties();
        p.put("mail.imap.connectiontimeout", "10000");
        p.put("mail.imap.timeout", "10000");
        Store store = Session.getInstance(p).getStore("imap");
        store.connect("127.0.0.1", port(), USER, PASSWORD);
        return store;
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
