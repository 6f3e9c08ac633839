/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	provisiond - identity and access provisioning daemon
 * SYNOPSIS
 *	provisiond -c FILE [-f] [--check-config]
 *	provisiond -c FILE migrate
 *	provisiond -c FILE token create --role ROLE --name NAME
 *	provisiond -c FILE token revoke --name NAME
 *	provisiond -c FILE token list
 *	provisiond --print-routes
 *	provisiond --print-config-keys
 *	provisiond --version
 * DESCRIPTION
 *	Starts the REST API on listen_address:listen_port after applying the
 *	SQL migrations. Without -f it detaches and writes pid_file.
 *	SIGTERM/SIGINT: stop accepting, finish requests in flight, exit 0.
 *	SIGHUP: read the configuration again and apply what can change while
 *	running (log level and target, directory settings, role groups, body
 *	limit); settings that need a restart are named in the log.
 * DIAGNOSTICS
 *	Exit 0 on success, 1 with a one-line reason on stderr (or the log).
 */
#include "config.h"
#include "api.h"
#include "buf.h"
#include "changelog.h"
#include "conf.h"
#include "db.h"
#include "engine/engine.h"
#include "procedures/registry.h"
#include "directory.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "migrate.h"
#include "outbox.h"
#include "plugin_host.h"
#include "queue.h"
#include "scheduler.h"
#include "sealer.h"
#include "service.h"
#include "throttle.h"
#include "tokens.h"
#include "tpool.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: provisiond -c FILE [-f] [--check-config]\n"
		"       provisiond -c FILE migrate\n"
		"       provisiond -c FILE token create --role ROLE --name NAME\n"
		"       provisiond -c FILE token revoke --name NAME\n"
		"       provisiond -c FILE token list\n"
		"       provisiond -c FILE changelog verify\n"
		"       provisiond --print-routes\n"
		"       provisiond --print-config-keys\n"
		"       provisiond --version\n"
		"  -c, --config FILE   configuration file (default " PVD_DEFAULT_CONF ")\n"
		"  -f, --foreground    do not detach\n"
		"      --check-config  check the configuration and exit\n"
		"      --version       print the version and exit\n");
}

static void apply_runtime_settings(const struct conf *c)
{
	log_setup("provisiond", (enum log_level)c->log_level, c->log_target == LOG_TARGET_SYSLOG);
	log_set_format((enum log_format)c->log_format);
	struct throttle_policy tp = { c->auth_free_failures, c->auth_free_failures_per_address,
				      c->auth_login_max_failures, c->auth_backoff_max, c->auth_failure_window };
	throttle_configure(&tp);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Applies migrations, waiting for PostgreSQL while it is unreachable
 * (a database that starts after us is normal at boot). Returns -1 when a
 * migration itself fails, -2 when a stop signal arrives while waiting. */
static int migrate_wait(const struct conf *c, const sigset_t *stopsigs)
{
	int applied, delay = 1;
	for (;;) {
		/* one frame a try: waiting for PostgreSQL may take all night */
		unsigned frame = t_push();
		const char *err = NULL;
		int rc = migrate_run(c->schema_dir, &applied, &err);
		if (rc == 0) {
			log_info("database schema up to date (%d migration(s) applied now)", applied);
			t_pop(frame);
			return 0;
		}
		if (rc == -1) {
			log_error("%s", err);
			t_pop(frame);
			return -1;
		}
		log_warn("%s; retrying in %d s", err, delay);
		if (stopsigs != NULL)
			service_waiting(t_printf("waiting for PostgreSQL: %s", err), delay + 30);
		t_pop(frame);
		if (stopsigs != NULL) {
			struct timespec ts = { delay, 0 };
			int sig = sigtimedwait(stopsigs, NULL, &ts);
			if (sig == SIGTERM || sig == SIGINT) {
				log_info("stop requested while waiting for PostgreSQL");
				return -2;
			}
		} else {
			return -1;
		}
		if (delay < 16)
			delay *= 2;
	}
}

static int write_pid_file(const char *path)
{
	if (path[0] == '\0')
		return 0;
	FILE *fp = fopen(path, "w");
	if (fp == NULL) {
		log_error("open(%s) failed: %s (pid_file)", path, strerror(errno));
		return -1;
	}
	fprintf(fp, "%ld\n", (long)getpid());
	fclose(fp);
	return 0;
}

/* Classic double fork; stderr stays open so that log_target = stderr
 * still reaches whatever the caller redirected it to. */
static int daemonize(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	umask(027);
	int fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	return 0;
}

static void reload(const char *path)
{
	const char *err = NULL;
	struct conf *n = conf_load(path, &err);
	if (n == NULL) {
		log_error("reload refused, keeping the running configuration: %s", err);
		return;
	}
	struct conf *old = conf_get();
	char *restart = conf_restart_needed(old, n);
	if (restart != NULL) {
		log_warn("reload: %s changed; these take effect only after a restart", restart);
		free(restart);
	}
	conf_put(&old);
	apply_runtime_settings(n);
	http_conf_changed(n);
	conf_set_current(n);
	dir_conf_changed();
	dir_catalogue_flush();	/* the catalogue may be elsewhere now */
	log_info("configuration reloaded from %s", path);
}

static int run_daemon(const char *path, int foreground)
{
	struct conf *c = conf_get();
	sigset_t sigs;
	int ret = 1;
	double t0 = now_s();
	unsigned frame = t_push();	/* start-up's messages */

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	/* Block before any thread exists, so only sigwait below sees them. */
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (!foreground && daemonize() < 0) {
		log_error("daemonize failed: %s", strerror(errno));
		goto out;
	}
	if (write_pid_file(c->pid_file) < 0)
		goto out;
	log_info("provisiond %s starting (config %s)", PACKAGE_VERSION, path);
	curl_global_init(CURL_GLOBAL_DEFAULT);	/* before any thread: it is not thread-safe */
	{
		const char *err = NULL;
		if (plugins_load(c, &err) < 0) {
			log_error("%s", err);
			goto out_pid;
		}
	}
	{
		const char *err = NULL;
		if (sealer_setup(c, 1, &err) < 0) {
			log_error("%s", err);
			goto out_pid;
		}
	}
	db_setup(c->db_conninfo);
	int migrated = migrate_wait(c, &sigs);
	if (migrated < 0) {
		if (migrated == -2)
			ret = 0;	/* asked to stop: not a failure */
		goto out_pid;
	}
	{
		const char *err = NULL;
		if (dir_ping(c, &err) < 0) {
			log_warn("directory not reachable at start: %s; serving anyway, /v1/health "
				 "reports it and sign-ins fail until it is back", err);
		}
		dir_thread_close();
	}
	const char **names = xcalloc(api_route_count * 2, sizeof(*names));
	for (size_t i = 0; i < api_route_count; i++) {
		names[i] = api_routes[i].pattern;
		names[api_route_count + i] = api_routes[i].method;
	}
	metrics_setup(names, names + api_route_count, (int)api_route_count);
	{
		const char *err = NULL;
		if (http_start(c, api_routes, api_route_count, &err) < 0) {
			log_error("%s", err);
			free(names);
			metrics_shutdown();
			goto out_pid;
		}
	}
	{
		const char *err = NULL;
		if (queue_start(c, &err) < 0 || scheduler_start(c, &err) < 0 || outbox_start(c, &err) < 0 ||
		    sealer_start(c, &err) < 0) {
			log_error("%s", err);
			http_stop(0);
			metrics_shutdown();
			free(names);
			goto out_pid;
		}
	}
	log_info("listening on http://%s:%d/ with %d threads; ready in %.0f ms",
		 c->listen_address, c->listen_port, c->http_threads, (now_s() - t0) * 1000.0);
	{
		char status[128];
		snprintf(status, sizeof(status), "serving on %s:%d", c->listen_address, c->listen_port);
		service_ready(status);
	}
	conf_put(&c);
	t_pop(frame);

	/* The watchdog is fed from this loop: it stops when the signal loop
	 * is stuck (a reload that never returns), and systemd restarts us. */
	int wd_ms = service_watchdog_interval_ms();
	if (wd_ms > 0) {
		log_info("systemd watchdog: pinging every %d ms", wd_ms);
		service_watchdog_ping();
	}
	for (;;) {
		int sig;
		if (wd_ms > 0) {
			struct timespec ts = { wd_ms / 1000, (long)(wd_ms % 1000) * 1000000L };
			sig = sigtimedwait(&sigs, NULL, &ts);
			if (sig < 0) {
				if (errno == EAGAIN)
					service_watchdog_ping();
				continue;
			}
		} else if (sigwait(&sigs, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			unsigned reload_frame = t_push();
			service_reloading();
			reload(path);
			service_ready("configuration reloaded");
			t_pop(reload_frame);
			continue;
		}
		log_info("signal %d: stopping", sig);
		break;
	}
	service_stopping();
	c = conf_get();
	http_stop(c->shutdown_timeout);
	scheduler_stop();
	queue_stop();
	sealer_stop();		/* after the last writer: it seals what they wrote */
	outbox_stop();
	metrics_shutdown();
	free(names);
	ret = 0;
	log_info("stopped");
out_pid:
	if (c->pid_file[0] != '\0')
		unlink(c->pid_file);
out:
	plugins_unload();
	sealer_shutdown();
	curl_global_cleanup();
	db_shutdown();
	dir_thread_close();
	dir_catalogue_flush();
	conf_put(&c);
	t_pop(frame);	/* again, for the ways out of start-up */
	return ret;
}

static int run_token(int argc, char **argv)
{
	const char *role_s = NULL, *name = NULL;
	struct conf *c = conf_get();
	int ret = 1;

	if (argc < 1) {
		usage(stderr);
		goto out;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role_s = argv[++i];
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else {
			fprintf(stderr, "provisiond: token: unexpected argument '%s'\n", argv[i]);
			goto out;
		}
	}
	db_setup(c->db_conninfo);
	if (migrate_wait(c, NULL) < 0) {
		fprintf(stderr, "provisiond: token: the database is not usable (see the message above)\n");
		goto out;
	}
	const char *err = NULL;
	enum db_status st;
	struct passwd *pw = getpwuid(getuid());
	const char *who = pw != NULL ? pw->pw_name : "unknown";
	char *actor = xasprintf("cli:%s", who);
	if (strcmp(argv[0], "create") == 0) {
		enum role role;
		char *token = NULL;
		json_t *info = NULL;
		if (name == NULL || role_s == NULL) {
			fprintf(stderr, "provisiond: token create needs --role ROLE --name NAME\n");
		} else if (!tokens_name_valid(name)) {
			fprintf(stderr, "provisiond: token name '%s' must be 1-63 of a-z 0-9 . _ -\n", name);
		} else if (role_parse(role_s, &role) < 0) {
			char all[256];
			fprintf(stderr, "provisiond: unknown role '%s'; roles are: %s\n", role_s,
				role_mask_format(ROLES_ANY, all, sizeof(all)));
		} else if ((st = tokens_create(name, role, actor, "cli", actor, &token, &info, &err)) == DB_CONFLICT) {
			fprintf(stderr, "provisiond: a token named '%s' exists (revoked tokens keep their names)\n", name);
		} else if (st != DB_OK) {
			fprintf(stderr, "provisiond: %s\n", err ? err : "token create failed");
		} else {
			printf("%s\n", token);
			fflush(stdout);
			explicit_bzero(token, strlen(token));
			ret = 0;
		}
		free(token);
		json_decref(info);
	} else if (strcmp(argv[0], "revoke") == 0) {
		int found = 0;
		json_t *info = NULL;
		if (name == NULL)
			fprintf(stderr, "provisiond: token revoke needs --name NAME\n");
		else if ((st = tokens_revoke(name, actor, "cli", &found, &info, &err)) != DB_OK)
			fprintf(stderr, "provisiond: %s\n", err ? err : "token revoke failed");
		else if (!found)
			fprintf(stderr, "provisiond: no active token named '%s'\n", name);
		else {
			printf("revoked %s\n", name);
			ret = 0;
		}
		json_decref(info);
	} else if (strcmp(argv[0], "list") == 0) {
		json_t *items = NULL, *it;
		size_t i;
		if ((st = tokens_list(&items, &err)) != DB_OK) {
			fprintf(stderr, "provisiond: %s\n", err ? err : "token list failed");
		} else {
			printf("%-24s %-10s %-21s %-21s %s\n", "NAME", "ROLE", "CREATED", "LAST USED", "REVOKED");
			json_array_foreach(items, i, it) {
				const char *lu = json_string_value(json_object_get(it, "last_used_at"));
				const char *rv = json_string_value(json_object_get(it, "revoked_at"));
				printf("%-24s %-10s %-21s %-21s %s\n",
				       json_string_value(json_object_get(it, "name")),
				       json_string_value(json_object_get(it, "role")),
				       json_string_value(json_object_get(it, "created_at")),
				       lu ? lu : "-", rv ? rv : "-");
			}
			ret = 0;
		}
		json_decref(items);
	} else {
		fprintf(stderr, "provisiond: unknown token command '%s' (create, revoke, list)\n", argv[0]);
	}
	free(actor);
	db_shutdown();
out:
	conf_put(&c);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "print-routes", no_argument, NULL, 'R' },
		{ "print-config-keys", no_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = PVD_DEFAULT_CONF;
	int foreground = 0, check = 0, opt;

	/* the procedures first: the engine knows them only from here, and the
	 * queue reports finished operations to the engine */
	procedures_register_all();
	queue_on_done(engine_operation_done);

	/* '+': stop at the first non-option, the subcommand */
	while ((opt = getopt_long(argc, argv, "+c:fh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		case 'f': foreground = 1; break;
		case 'C': check = 1; break;
		case 'R':
			for (size_t i = 0; i < api_route_count; i++)
				printf("%s %s\n", api_routes[i].method, api_routes[i].pattern);
			return 0;
		case 'K': conf_print_keys(stdout); return 0;	/* tests/man: the page's list */
		case 'h': usage(stdout); return 0;
		case 'V':
#ifdef HAVE_SYSTEMD
			printf("provisiond %s (+systemd)\n", PACKAGE_VERSION);
#else
			printf("provisiond %s (-systemd)\n", PACKAGE_VERSION);
#endif
			return 0;
		default: usage(stderr); return 1;
		}
	}

	unsigned frame = t_push();	/* the configuration's and the command's messages */
	const char *err = NULL;
	struct conf *c = conf_load(path, &err);
	if (c == NULL) {
		fprintf(stderr, "provisiond: %s\n", err);
		t_pop(frame);
		return 1;
	}
	if (check) {
		/* plugins must load and accept their configuration */
		int bad = 0;
		log_setup("provisiond", LOG_LVL_ERROR, 0);
		if (plugins_load(c, &err) < 0) {
			fprintf(stderr, "provisiond: %s\n", err);
			bad = 1;
		}
		for (int i = 0; !bad && i < plugins_count(); i++)
			if (plugins_get(i)->plugin == NULL) {
				fprintf(stderr, "provisiond: plugin %s: %s\n", plugins_get(i)->name, plugins_get(i)->error);
				bad = 1;
			}
		plugins_unload();
		if (!bad)
			printf("%s: ok\n", path);
		conf_put(&c);
		t_pop(frame);
		return bad;
	}
	apply_runtime_settings(c);
	/* Commands print their own result; routine info lines would only
	 * clutter them. Warnings and errors still show. */
	if (optind < argc && c->log_level < LOG_LVL_WARN && c->log_level != LOG_LVL_DEBUG)
		log_set_level(LOG_LVL_WARN);
	conf_set_current(c);

	int ret;
	if (optind < argc && strcmp(argv[optind], "token") == 0)
		ret = run_token(argc - optind - 1, argv + optind + 1);
	else if (optind < argc && strcmp(argv[optind], "migrate") == 0) {
		struct conf *cc = conf_get();
		db_setup(cc->db_conninfo);
		ret = migrate_wait(cc, NULL) == 0 ? 0 : 1;
		db_shutdown();
		conf_put(&cc);
	} else if (optind + 1 < argc && strcmp(argv[optind], "changelog") == 0 &&
		   strcmp(argv[optind + 1], "verify") == 0) {
		/* the command-line twin of GET /v1/changelog/verify */
		struct conf *cc = conf_get();
		const char *e = NULL;
		json_t *res = NULL;
		db_setup(cc->db_conninfo);
		ret = 1;
		PGconn *pc = NULL;
		if (sealer_setup(cc, 0, &e) == 0)
			pc = db_connect_new(&e);
		struct cl_known_head mine = sealer_recorded_head();
		if (pc == NULL || changelog_verify(pc, sealer_key(), &mine, mine.pos > 0, &res, &e) < 0)
			fprintf(stderr, "provisiond: %s\n", e ? e : "changelog verify failed");
		else {
			json_t *b = json_object_get(res, "first_bad");
			if (json_is_object(b))
				printf("BROKEN at pos %lld: %s (%s); %lld entries checked\n",
				       (long long)json_integer_value(json_object_get(b, "pos")),
				       json_string_value(json_object_get(b, "kind")),
				       json_string_value(json_object_get(b, "detail")),
				       (long long)json_integer_value(json_object_get(res, "entries_checked")));
			else {
				printf("ok: %lld entries, head %s\n",
				       (long long)json_integer_value(json_object_get(res, "entries_checked")),
				       json_string_value(json_object_get(res, "head_hash")));
				ret = 0;
			}
		}
		json_decref(res);
		if (pc != NULL)
			PQfinish(pc);
		sealer_shutdown();
		db_shutdown();
		conf_put(&cc);
	} else if (optind < argc) {
		fprintf(stderr, "provisiond: unknown command '%s'\n", argv[optind]);
		usage(stderr);
		ret = 1;
	} else
		ret = run_daemon(path, foreground);
	t_pop(frame);
	conf_set_current(NULL);
	return ret;
}
