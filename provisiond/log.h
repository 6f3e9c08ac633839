/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	log - levelled logging to stderr or syslog
 * DESCRIPTION
 *	Levels each mean one thing:
 *	  log_debug   details for developers, shown only at log_level = debug
 *	  log_info    normal events worth a line (start, stop, reload)
 *	  log_warn    odd but handled (a retry, a refused login)
 *	  log_error   an operation failed; the daemon goes on
 *	  log_fatal   cannot go on: logs and exits 1
 *	Every line carries the calling thread's request id when one is set
 *	(log_set_request_id), so a request can be followed through the log.
 *	log_format = json writes each event as one JSON object a line:
 *	{"time", "level", "service", "request_id" (when set), "message"},
 *	to stderr or as the syslog message.
 *	Never pass secrets (passwords, tokens, call codes) to these functions.
 */
#ifndef PVD_LOG_H
#define PVD_LOG_H

#include <stdarg.h>

enum log_level { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN, LOG_LVL_ERROR };
enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };

struct buf;

int  log_level_parse(const char *name, enum log_level *level_r);
void log_setup(const char *ident, enum log_level level, int use_syslog);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
void log_set_format(enum log_format format);
void log_set_request_id(const char *id);	/* thread-local; NULL clears */
const char *log_get_request_id(void);

void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An impossible state (a missing table row): logged, then abort() for a core. */
_Noreturn void log_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_vmsg(enum log_level level, const char *fmt, va_list ap);

/* One event as a line without its newline: for text "STAMP IDENT LEVEL:
 * [req=ID] MSG" with MSG's control characters escaped; for json the
 * object above, a valid JSON text whatever bytes msg holds (control and
 * C1 characters as \u escapes, invalid UTF-8 as U+FFFD). stamp NULL
 * leaves the time out (syslog's text lines carry their own). For the
 * unit tests, and log_vmsg. */
void log_format_line(struct buf *out, enum log_format format, const char *stamp, const char *ident,
		     enum log_level level, const char *request_id, const char *msg);

#endif
