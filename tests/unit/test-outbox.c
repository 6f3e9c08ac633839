/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-outbox - the RFC 5322 text the outbox hands to the relay: CRLF line
 * ends, a subject with non-ASCII letters as RFC 2047 words that never split
 * a UTF-8 sequence, the headers a mail system needs.
 */
#include "config.h"
#include "crypto.h"
#include "outbox.h"
#include "unit.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* the decoded text of every =?UTF-8?B?...?= word of the Subject, joined */
static void subject_words(const char *msg, char *out, size_t size)
{
	const char *p = strstr(msg, "Subject:"), *end = strstr(msg, "\r\nMessage-ID:");
	out[0] = '\0';
	while (p != NULL && (p = strstr(p, "=?UTF-8?B?")) != NULL && p < end) {
		p += strlen("=?UTF-8?B?");
		const char *q = strstr(p, "?=");
		char b64[128];
		unsigned char dec[128];
		snprintf(b64, sizeof(b64), "%.*s", (int)(q - p), p);
		long n = crypto_base64_decode(b64, dec);
		CHECK(n > 0, "a word decodes: %s", b64);
		if (n > 0) {
			/* a word must hold whole characters: it may not start inside one */
			CHECK((dec[0] & 0xC0) != 0x80, "a word starts on a character boundary: %s", b64);
			strncat(out, (const char *)dec, size - strlen(out) - 1);
		}
		p = q;
	}
}

int main(void)
{
	char *m = outbox_format("provisiond@example.org", "ana.quiroga@example.org", "Your telephone call code",
				"line one\nline two", 42, "example.org");
	CHECK(strstr(m, "From: provisiond@example.org\r\nTo: ana.quiroga@example.org\r\n") != NULL, "from/to: %s", m);
	CHECK(strstr(m, "\r\nSubject: Your telephone call code\r\n") != NULL, "an ASCII subject stays as it is");
	CHECK(strstr(m, "\r\nMessage-ID: <outbox-42.") != NULL && strstr(m, "@example.org>\r\n") != NULL,
	      "a message id of the outbox row");
	CHECK(strstr(m, "Content-Type: text/plain; charset=UTF-8\r\n") != NULL, "UTF-8 text");
	CHECK(strstr(m, "\r\n\r\nline one\r\nline two\r\n") != NULL, "the body with CRLF line ends: %s", m);
	CHECK(strstr(m, "Date: ") == m, "starts with Date");
	free(m);

	/* a body already in CRLF is not doubled */
	m = outbox_format("a@x.org", "b@x.org", "s", "uno\r\ndos\r\n", 1, "x.org");
	CHECK(strstr(m, "uno\r\ndos\r\n") != NULL && strstr(m, "\r\r") == NULL, "CRLF kept once");
	free(m);

	const char *subject = "Conclusión de la solicitud de código de llamadas para Begoña Muñoz Peñaranda "
			      "y Iñaki Ibáñez Núñez";
	m = outbox_format("a@x.org", "b@x.org", subject, "x", 2, "x.org");
	char words[512];
	subject_words(m, words, sizeof(words));
	CHECK_STR(words, subject);
	CHECK(strstr(m, "ó") == NULL || strstr(m, "ó") > strstr(m, "\r\n\r\n"), "no raw UTF-8 in the headers");
	const char *h = strstr(m, "Subject:"), *e = strstr(h, "\r\nMessage-ID:");
	for (const char *line = h; line < e;) {
		const char *nl = strstr(line, "\r\n");
		CHECK(nl - line <= 78, "header lines fold under 78 characters: %.*s", (int)(nl - line), line);
		line = nl + 2;
	}
	free(m);

	/* not UTF-8 at all: 60 continuation bytes. The encoder backed up to a
	 * character start that never came and looped for ever; an alarm turns
	 * that into a failure instead of a hung test */
	char junk[64];
	memset(junk, 0x80, 60);
	junk[60] = '\0';
	alarm(5);
	m = outbox_format("a@x.org", "b@x.org", junk, "x", 3, "x.org");
	alarm(0);
	CHECK(m != NULL && strstr(m, "Subject: =?UTF-8?B?") != NULL, "a subject of continuation bytes is encoded");
	free(m);
	return unit_done("test-outbox");
}
