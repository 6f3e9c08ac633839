/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	passwords - the set-password flow
 * DESCRIPTION
 *	A one-time token lets the person set their own password; nobody else
 *	ever chooses or sees a password. Whoever issues a token must not be
 *	able to use it unseen (password_token_delivery):
 *	  letter  the token is answered once, to be printed and handed over in
 *	          a sealed letter; the issue and the use are mailed to the
 *	          person's institutional address and to the head of TIM
 *	  mail    the token goes to the private address HR gave at the hire,
 *	          which TIM does not read; the answer never holds it
 *	One token per person is outstanding at a time (revoke it to issue
 *	another); issue, revocation and use are in the change log, never the
 *	token itself.
 */
#ifndef PVD_PASSWORDS_H
#define PVD_PASSWORDS_H

#include <jansson.h>
#include "auth.h"
#include "conf.h"
#include "outcome.h"

void people_password_token(const struct conf *c, const struct principal *who, const char *employee_number,
			   struct outcome *o);
void people_password_token_revoke(const struct principal *who, const char *employee_number, struct outcome *o);
void people_set_password(const struct conf *c, json_t *body, struct outcome *o);

#endif
