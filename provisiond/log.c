/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	log - levelled logging to stderr or syslog (see log.h)
 */
#include "config.h"
#include "log.h"
#include "buf.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <stdatomic.h>
#include <pthread.h>

static atomic_int cur_level = LOG_LVL_INFO;
static atomic_int to_syslog = 0;
static atomic_int cur_format = LOG_FORMAT_TEXT;
static const char *log_ident = "provisiond";
static _Thread_local char request_id[72];
static pthread_mutex_t stderr_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = { "debug", "info", "warning", "error" };

int log_level_parse(const char *name, enum log_level *level_r)
{
	for (int i = 0; i < 4; i++) {
		if (strcasecmp(name, level_names[i]) == 0) {
			*level_r = (enum log_level)i;
			return 0;
		}
	}
	if (strcasecmp(name, "warn") == 0) {
		*level_r = LOG_LVL_WARN;
		return 0;
	}
	return -1;
}

void log_setup(const char *ident, enum log_level level, int use_syslog)
{
	if (ident != NULL)
		log_ident = ident;
	atomic_store(&cur_level, level);
	if (use_syslog && !atomic_load(&to_syslog))
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	else if (!use_syslog && atomic_load(&to_syslog))
		closelog();
	atomic_store(&to_syslog, use_syslog);
}

void log_set_level(enum log_level level) { atomic_store(&cur_level, level); }
void log_set_format(enum log_format format) { atomic_store(&cur_format, format); }
enum log_level log_get_level(void) { return (enum log_level)atomic_load(&cur_level); }

void log_set_request_id(const char *id)
{
	if (id == NULL)
		request_id[0] = '\0';
	else
		snprintf(request_id, sizeof(request_id), "%s", id);
}

const char *log_get_request_id(void) { return request_id[0] ? request_id : NULL; }

/* s as a JSON string (quotes included), valid whatever its bytes: see log.h */
static void json_string_escaped(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	buf_putc(b, '"');
	while (*p) {
		unsigned char c = *p;
		if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)c);
			p++;
			continue;
		}
		if (c == '\n' || c == '\t' || c == '\r') {
			buf_puts(b, c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\r");
			p++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			buf_printf(b, "\\u%04x", c);
			p++;
			continue;
		}
		if (c < 0x80) {
			buf_putc(b, (char)c);
			p++;
			continue;
		}
		/* a UTF-8 sequence: its length from the lead byte, the second
		 * byte's range where overlong forms and surrogates hide */
		int len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
		unsigned char lo = 0x80, hi = 0xbf;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
		else if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
		int ok = len > 0 && p[1] >= lo && p[1] <= hi;
		for (int k = 2; ok && k < len; k++)
			ok = p[k] >= 0x80 && p[k] <= 0xbf;
		if (!ok) {
			buf_puts(b, "\\ufffd");	/* one replacement per bad byte */
			p++;
			continue;
		}
		if (c == 0xc2 && p[1] <= 0x9f)
			buf_printf(b, "\\u%04x", p[1]);	/* C1 control U+0080..U+009F */
		else
			buf_append(b, (const char *)p, (size_t)len);
		p += len;
	}
	buf_putc(b, '"');
}

void log_format_line(struct buf *out, enum log_format format, const char *stamp, const char *ident,
		     enum log_level level, const char *req, const char *msg)
{
	if (format == LOG_FORMAT_JSON) {
		buf_putc(out, '{');
		if (stamp != NULL) {
			buf_puts(out, "\"time\":");
			json_string_escaped(out, stamp);
			buf_putc(out, ',');
		}
		buf_printf(out, "\"level\":\"%s\",\"service\":", level_names[level]);
		json_string_escaped(out, ident);
		if (req != NULL && req[0]) {
			buf_puts(out, ",\"request_id\":");
			json_string_escaped(out, req);
		}
		buf_puts(out, ",\"message\":");
		json_string_escaped(out, msg);
		buf_putc(out, '}');
		return;
	}
	/* One line per event, and nothing a terminal would act on: a newline
	 * in a value would let input forge log lines, an escape sequence
	 * would repaint the screen of whoever reads the log. */
	if (stamp != NULL)
		buf_printf(out, "%s %s ", stamp, ident);
	buf_printf(out, "%s: ", level_names[level]);
	if (req != NULL && req[0])
		buf_printf(out, "[req=%s] ", req);
	log_escape(out, msg);
}

void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char raw[2048];

	if ((int)level < atomic_load(&cur_level))
		return;
	text_vformat(raw, sizeof(raw), fmt, ap);
	enum log_format format = (enum log_format)atomic_load(&cur_format);
	struct timespec ts;
	struct tm tm;
	char stamp[64], secs[32];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(secs, sizeof(secs), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp, sizeof(stamp), "%s.%03dZ", secs, (int)(ts.tv_nsec / 1000000) % 1000);
	struct buf line = BUF_INIT;
	if (atomic_load(&to_syslog)) {
		static const int prio[] = { LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR };
		/* syslog stamps text lines itself; a JSON object keeps its time */
		log_format_line(&line, format, format == LOG_FORMAT_JSON ? stamp : NULL, log_ident, level,
				request_id, raw);
		syslog(prio[level], "%s", buf_str(&line));
		buf_free(&line);
		return;
	}
	log_format_line(&line, format, stamp, log_ident, level, request_id, raw);
	buf_putc(&line, '\n');
	pthread_mutex_lock(&stderr_lock);
	fputs(buf_str(&line), stderr);
	pthread_mutex_unlock(&stderr_lock);
	buf_free(&line);
}

#define LOG_FN(name, lvl) \
	void name(const char *fmt, ...) \
	{ \
		va_list ap; \
		va_start(ap, fmt); \
		log_vmsg(lvl, fmt, ap); \
		va_end(ap); \
	}
LOG_FN(log_debug, LOG_LVL_DEBUG)
LOG_FN(log_info, LOG_LVL_INFO)
LOG_FN(log_warn, LOG_LVL_WARN)
LOG_FN(log_error, LOG_LVL_ERROR)

_Noreturn void log_fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vmsg(LOG_LVL_ERROR, fmt, ap);
	va_end(ap);
	exit(1);
}

_Noreturn void log_panic(const char *fmt, ...)
{
	va_list ap;
	char msg[512];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error("panic: %s", msg);
	abort();
}
