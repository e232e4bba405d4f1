package io.tlsrpt.collector.smtp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real sender named by the topmost Received header, as the common MTAs write it. */
class ReceivedHeaderTest {

    private static ReceivedHeader.Origin origin(String message) {
        Optional<ReceivedHeader.Origin> o = ReceivedHeader.topmostOrigin(message.getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(o.isPresent(), "an origin in: " + message);
        return o.get();
    }

    private static boolean none(String message) {
        return ReceivedHeader.topmostOrigin(message.getBytes(StandardCharsets.ISO_8859_1)).isEmpty();
    }

    @Test
    void postfix() {
        ReceivedHeader.Origin o = origin("Received: from mx.sender.example (mx.sender.example [203.0.113.9])\r\n"
                + "\tby relay.example.com (Postfix) with ESMTPS id 4Xyz12\r\n"
                + "\tfor <tlsrpt@reports.example.com>; Mon,  5 Jan 2026 03:12:01 +0000 (UTC)\r\n"
                + "Received: from forged.example ([198.51.100.1]) by mx.sender.example; Mon, 5 Jan 2026\r\n"
                + "Subject: report\r\n\r\nbody\r\n");
        assertEquals("203.0.113.9", o.ip());
        assertEquals("mx.sender.example", o.helo());
    }

    @Test
    void postfixWithoutReverseDnsAndWithIpv6() {
        ReceivedHeader.Origin o = origin("Received: from mail-yw1-f202.google.com (unknown [IPv6:2001:db8:4860::1b])\n"
                + " by relay.example.com (Postfix) with ESMTPS id 1; Mon, 5 Jan 2026 03:12:01 +0000\n\n");
        assertEquals("2001:db8:4860:0:0:0:0:1b", o.ip());
        assertEquals("mail-yw1-f202.google.com", o.helo());
    }

    @Test
    void exim() {
        ReceivedHeader.Origin withHelo = origin("received: from mail.sender.example ([203.0.113.7]:41234 helo=mx7.sender.example)\r\n"
                + "\tby relay.example.com with esmtps (Exim 4.96) (envelope-from <a@sender.example>)\r\n"
                + "\tid 1abc; Mon, 05 Jan 2026 03:12:01 +0000\r\n\r\n");
        assertEquals("203.0.113.7", withHelo.ip());
        assertEquals("mx7.sender.example", withHelo.helo());

        ReceivedHeader.Origin noRdns = origin("Received: from [203.0.113.8] (port=2525 helo=mx8.sender.example)\r\n"
                + "\tby relay.example.com with esmtp (Exim 4.96); Mon, 05 Jan 2026 03:12:01 +0000\r\n\r\n");
        assertEquals("203.0.113.8", noRdns.ip());
        assertEquals("mx8.sender.example", noRdns.helo());

        ReceivedHeader.Origin sameName = origin("Received: from mx9.sender.example ([203.0.113.9])\r\n"
                + "\tby relay.example.com with esmtp (Exim 4.96); Mon, 05 Jan 2026 03:12:01 +0000\r\n\r\n");
        assertEquals("mx9.sender.example", sameName.helo());
    }

    @Test
    void sendmailWithNestedComment() {
        ReceivedHeader.Origin o = origin("Received: from helo.sender.example (rdns.sender.example [203.0.113.10] "
                + "(may be forged))\r\n\tby relay.example.com (8.17.1/8.17.1) with ESMTP id 5; Mon, 5 Jan 2026\r\n\r\n");
        assertEquals("203.0.113.10", o.ip());
        assertEquals("helo.sender.example", o.helo());
    }

    @Test
    void exchange() {
        ReceivedHeader.Origin o = origin("Received: from EUR05-AM6-obe.outbound.protection.outlook.com (2a01:111:f400:7e1b::201)\r\n"
                + " by relay.example.com (10.0.0.1) with Microsoft SMTP Server; Mon, 5 Jan 2026 03:12:01 +0000\r\n\r\n");
        assertEquals("2a01:111:f400:7e1b:0:0:0:201", o.ip());
        assertEquals("EUR05-AM6-obe.outbound.protection.outlook.com", o.helo());
    }

    @Test
    void onlyTheTopmostHeaderCounts() {
        // The relay's own header has no address (local submission): nothing, even if a lower one has one.
        assertTrue(none("Received: by relay.example.com (Postfix, from userid 0) id 7; Mon, 5 Jan 2026\r\n"
                + "Received: from mx.sender.example (mx.sender.example [203.0.113.9]) by x; Mon, 5 Jan 2026\r\n\r\n"));
        assertTrue(none("Received: from mx.sender.example (mx.sender.example) by relay; Mon, 5 Jan 2026\r\n\r\n"));
    }

    @Test
    void headersAfterTheHeaderSectionOrNamesAreNeverLookedUp() {
        assertTrue(none("Subject: x\r\n\r\nReceived: from a (a [203.0.113.9]) by b; Mon, 5 Jan 2026\r\n"));
        assertTrue(none("Subject: no received header\r\n\r\n"));
        assertTrue(none("X-Received: from a (a [203.0.113.9]) by b; Mon, 5 Jan 2026\r\n\r\n"));
        // Host names where the address belongs are not looked up.
        assertTrue(none("Received: from a (a [localhost]) by b; Mon, 5 Jan 2026\r\n\r\n"));
        assertTrue(none("Received: from a (a [999.1.1.1]) by b; Mon, 5 Jan 2026\r\n\r\n"));
        assertTrue(none(""));
    }

    @Test
    void aHostileHeloIsCleaned() {
        ReceivedHeader.Origin o = origin("Received: from <script>\u0007x (x [203.0.113.9]) by b; Mon, 5 Jan 2026\r\n\r\n");
        assertEquals("203.0.113.9", o.ip());
        assertEquals("<script>?x", o.helo());
        ReceivedHeader.Origin noHelo = origin("Received: from (unknown [203.0.113.9]) by b; Mon, 5 Jan 2026\r\n\r\n");
        assertNull(noHelo.helo());
    }
}
