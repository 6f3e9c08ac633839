/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fuzz-outbox - the RFC 5322 text of an outgoing message
 * DESCRIPTION
 *	Input: two bytes of message id, then sender, recipient, subject,
 *	domain and body separated by NUL bytes. Only what outbox_add lets
 *	into the outbox is formatted (header values on one line, subject and
 *	body UTF-8), as the sender thread would.
 *
 *	Invariants: the header block ends at the first empty line and every
 *	line in it ends with CRLF; a header line starts a known header or
 *	continues the Subject; there is one Subject, its encoded lines stay
 *	under 78 characters, each encoded word holds whole characters and the
 *	words give the subject back; the body has no bare LF, ends with CRLF
 *	(unless empty), and with its line ends as LF is the body given.
 */
#include "config.h"
#include "buf.h"
#include "crypto.h"
#include "json.h"
#include "outbox.h"
#include "fuzz.h"

const char fuzz_target_name[] = "fuzz-outbox";

static const char *const headers[] = { "Date: ", "From: ", "To: ", "Subject:", "Message-ID: ", "MIME-Version: ",
	"Content-Type: ", "Content-Transfer-Encoding: ", "Auto-Submitted: ", " ", NULL };

static int one_line(const char *s) { return strpbrk(s, "\r\n") == NULL; }

/* s with every CRLF as LF */
static char *lf_only(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n'))
			buf_putc(&b, s[i]);
	buf_putc(&b, '\0');
	return buf_steal(&b);
}

static void check_subject(const char *msg, const char *hend, const char *subject)
{
	const char *h = strstr(msg, "\r\nSubject:");
	FUZZ_CHECK(h != NULL && h < hend, "no Subject");
	FUZZ_CHECK(strstr(h + 2, "\r\nSubject:") == NULL || strstr(h + 2, "\r\nSubject:") > hend, "two Subjects");
	h += 2;
	int ascii = 1;
	for (const char *p = subject; *p; p++)
		ascii &= (unsigned char)*p < 0x80;
	if (ascii) {
		size_t n = strlen(subject);
		FUZZ_CHECK(strncmp(h, "Subject: ", 9) == 0 && strncmp(h + 9, subject, n) == 0 &&
			   strncmp(h + 9 + n, "\r\n", 2) == 0, "an ASCII subject changed");
		return;
	}
	struct buf words = BUF_INIT;
	for (const char *line = h; ; ) {
		const char *nl = strstr(line, "\r\n");
		FUZZ_CHECK(nl - line <= 78, "a Subject line of %td characters", nl - line);
		const char *w = strstr(line, "=?UTF-8?B?");
		FUZZ_CHECK(w != NULL && w < nl, "a Subject line without an encoded word");
		w += strlen("=?UTF-8?B?");
		const char *q = strstr(w, "?=");
		FUZZ_CHECK(q != NULL && q + 2 == nl, "an encoded word that does not end its line");
		char *b64 = strndup(w, (size_t)(q - w));
		unsigned char *dec = malloc(strlen(b64) + 4);
		long n = crypto_base64_decode(b64, dec);
		FUZZ_CHECK(n > 0, "the word %s does not decode", b64);
		dec[n] = '\0';
		FUZZ_CHECK(utf8_length((char *)dec) >= 0, "the word %s splits a character", b64);
		buf_append(&words, dec, (size_t)n);
		free(dec);
		free(b64);
		line = nl + 2;
		if (*line != ' ')
			break;
	}
	FUZZ_CHECK(strcmp(buf_str(&words), subject) == 0, "the encoded subject reads '%s'", buf_str(&words));
	buf_free(&words);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	long long id = data[0] << 8 | data[1];
	char *p[5];
	fuzz_split(data + 2, size - 2, p, 5);
	const char *from = p[0], *rcpt = p[1], *subject = p[2], *domain = p[3], *body = p[4];
	/* what outbox_add and the configuration let through */
	if (!one_line(from) || !outbox_address_ok(rcpt) || !one_line(subject) || !one_line(domain) ||
	    utf8_length(subject) < 0 || utf8_length(body) < 0)
		goto out;

	char *msg = outbox_format(from, rcpt, subject, body, id, domain);
	const char *hend = strstr(msg, "\r\n\r\n");
	FUZZ_CHECK(hend != NULL, "no end of the header");
	for (const char *line = msg; line < hend + 2;) {
		const char *nl = strchr(line, '\n');
		FUZZ_CHECK(nl != NULL && nl > line && nl[-1] == '\r', "a header line without CRLF");
		FUZZ_CHECK(memchr(line, '\r', (size_t)(nl - 1 - line)) == NULL, "a bare CR in the header");
		int known = 0;
		for (int i = 0; headers[i]; i++)
			known |= strncmp(line, headers[i], strlen(headers[i])) == 0;
		FUZZ_CHECK(known, "an unknown header line '%.*s'", (int)(nl - line), line);
		line = nl + 1;
	}
	check_subject(msg, hend, subject);

	const char *b = hend + 4;
	size_t blen = strlen(b);
	/* an empty body is the empty line alone */
	FUZZ_CHECK(blen == 0 ? body[0] == '\0' : blen >= 2 && strcmp(b + blen - 2, "\r\n") == 0,
		   "the body does not end with CRLF");
	for (size_t i = 0; i < blen; i++)
		if (b[i] == '\n')
			FUZZ_CHECK(i > 0 && b[i - 1] == '\r', "a bare LF in the body at %zu", i);
	char *got = lf_only(b, blen), *want = lf_only(body, strlen(body));
	size_t wl = strlen(want);
	FUZZ_CHECK(strcmp(got, want) == 0 ||
		   (strncmp(got, want, wl) == 0 && strcmp(got + wl, "\n") == 0), "the body changed");
	free(got);
	free(want);
	free(msg);
out:
	fuzz_split_free(p, 5);
	return 0;
}
