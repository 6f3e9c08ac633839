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
enum log_level log_get_level(void) { return (enum log_level)atomic_load(&cur_level); }

void log_set_request_id(const char *id)
{
	if (id == NULL)
		request_id[0] = '\0';
	else
		snprintf(request_id, sizeof(request_id), "%s", id);
}

const char *log_get_request_id(void) { return request_id[0] ? request_id : NULL; }

void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char raw[2048];

	if ((int)level < atomic_load(&cur_level))
		return;
	text_vformat(raw, sizeof(raw), fmt, ap);
	/* One line per event, and nothing a terminal would act on: a newline
	 * in a value would let input forge log lines, an escape sequence
	 * would repaint the screen of whoever reads the log. */
	struct buf esc = BUF_INIT;
	log_escape(&esc, raw);
	const char *msg = buf_str(&esc);
	if (atomic_load(&to_syslog)) {
		static const int prio[] = { LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR };
		if (request_id[0])
			syslog(prio[level], "%s: [req=%s] %s", level_names[level], request_id, msg);
		else
			syslog(prio[level], "%s: %s", level_names[level], msg);
		buf_free(&esc);
		return;
	}
	struct timespec ts;
	struct tm tm;
	char stamp[32];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	pthread_mutex_lock(&stderr_lock);
	if (request_id[0])
		fprintf(stderr, "%s.%03ldZ %s %s: [req=%s] %s\n", stamp, ts.tv_nsec / 1000000,
			log_ident, level_names[level], request_id, msg);
	else
		fprintf(stderr, "%s.%03ldZ %s %s: %s\n", stamp, ts.tv_nsec / 1000000,
			log_ident, level_names[level], msg);
	pthread_mutex_unlock(&stderr_lock);
	buf_free(&esc);
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
