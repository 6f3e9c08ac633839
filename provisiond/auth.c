/*
 * NAME
 *	auth - bearer tokens and directory sign-in (see auth.h)
 */
#include "config.h"
#include "auth.h"
#include "buf.h"
#include "crypto.h"
#include "directory.h"
#include "log.h"
#include "tokens.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int fail(struct auth_failure *f, int status, const char *code, const char *msg)
{
	f->status = status;
	f->code = code;
	snprintf(f->message, sizeof(f->message), "%s", msg);
	return -1;
}

int auth_parse_basic(const char *value, char **login_r, char **password_r)
{
	size_t n = strlen(value);
	if (n > 4096)
		return -1;
	unsigned char *dec = xmalloc(n + 4);
	long len = crypto_base64_decode(value, dec);
	if (len <= 0 || (size_t)len != strlen((char *)dec)) {	/* invalid or holds NUL */
		free(dec);
		return -1;
	}
	char *colon = strchr((char *)dec, ':');
	if (colon == NULL) {
		explicit_bzero(dec, (size_t)len);
		free(dec);
		return -1;
	}
	*colon = '\0';
	*login_r = xstrdup((char *)dec);
	*password_r = xstrdup(colon + 1);
	explicit_bzero(dec, (size_t)len);
	free(dec);
	return 0;
}

static int check_token(const char *token, struct principal *p, struct auth_failure *f)
{
	int found = 0;
	char name[64];
	enum role role;
	char *err = NULL;
	enum db_status st = tokens_lookup(token, &found, name, &role, &err);

	if (st != DB_OK) {
		log_error("token check failed: %s", err ? err : "database error");
		free(err);
		return fail(f, 503, "unavailable", "the database is unavailable: cannot check the token");
	}
	if (!found) {
		log_warn("authentication failed: unknown or revoked bearer token");
		return fail(f, 401, "unauthorized", "invalid or revoked token");
	}
	p->kind = PRINCIPAL_TOKEN;
	snprintf(p->subject, sizeof(p->subject), "%s", name);
	snprintf(p->display_name, sizeof(p->display_name), "token %s", name);
	p->roles = ROLE_BIT(role);
	log_debug("bearer token %s accepted (role %s)", name, role_name(role));
	return 0;
}

static int check_basic(const struct conf *c, const char *cred, struct principal *p,
		       struct auth_failure *f)
{
	char *login = NULL, *password = NULL, *err = NULL;
	struct dir_user u;
	int ret;

	if (auth_parse_basic(cred, &login, &password) < 0)
		return fail(f, 401, "unauthorized", "malformed Basic credentials");
	if (strlen(login) >= sizeof(p->subject)) {
		ret = fail(f, 401, "unauthorized", "invalid login or password");
		goto out;
	}
	switch (dir_authenticate(c, login, password, &u, &err)) {
	case DIR_AUTH_OK:
		p->kind = PRINCIPAL_USER;
		snprintf(p->subject, sizeof(p->subject), "%s", login);
		snprintf(p->dn, sizeof(p->dn), "%s", u.dn);
		snprintf(p->display_name, sizeof(p->display_name), "%s", u.display_name);
		snprintf(p->unit, sizeof(p->unit), "%s", u.unit ? u.unit : "");
		snprintf(p->mail, sizeof(p->mail), "%s", u.mail ? u.mail : "");
		p->roles = u.roles;
		dir_user_free(&u);
		{
			char roles[256];
			log_debug("signed in %s (%s) with roles: %s", login, p->dn,
				  role_mask_format(p->roles, roles, sizeof(roles)));
		}
		ret = 0;
		break;
	case DIR_AUTH_LOCKED:
		log_warn("sign-in refused for %s: %s", login, err ? err : "locked");
		ret = fail(f, 401, "account_locked", "the account is locked");
		break;
	case DIR_AUTH_UNAVAILABLE:
		log_error("sign-in for %s impossible: %s", login, err ? err : "directory unavailable");
		ret = fail(f, 503, "unavailable", "the directory is unavailable: cannot check the password");
		break;
	default:
		log_warn("sign-in refused for %s: %s", login, err ? err : "bad credentials");
		ret = fail(f, 401, "unauthorized", "invalid login or password");
		break;
	}
out:
	free(err);
	explicit_bzero(password, strlen(password));
	free(password);
	free(login);
	return ret;
}

int auth_check(const struct conf *c, const char *authorization, struct principal *p,
	       struct auth_failure *f)
{
	memset(p, 0, sizeof(*p));
	if (authorization == NULL || *authorization == '\0')
		return fail(f, 401, "unauthorized",
			    "authentication required: send 'Authorization: Bearer <token>' or Basic credentials");
	if (strncasecmp(authorization, "Bearer ", 7) == 0) {
		const char *t = authorization + 7;
		while (*t == ' ')
			t++;
		return check_token(t, p, f);
	}
	if (strncasecmp(authorization, "Basic ", 6) == 0) {
		const char *t = authorization + 6;
		while (*t == ' ')
			t++;
		return check_basic(c, t, p, f);
	}
	return fail(f, 401, "unauthorized", "unsupported authorization scheme: use Bearer or Basic");
}
