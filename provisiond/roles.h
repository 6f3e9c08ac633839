/* SPDX-FileCopyrightText: 2026 provisiond developers */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	roles - the roles of DESIGN.md and their bit masks
 */
#ifndef PVD_ROLES_H
#define PVD_ROLES_H

enum role {
	ROLE_HR,		/* Responsable del AAF: submits hires and exits */
	ROLE_UNIT_HEAD,		/* Jefatura de Unidad: requests access, approves call codes */
	ROLE_TIM_HEAD,		/* Jefe de la UIT: reviews, approves or returns */
	ROLE_TIM_LEAD,		/* Responsable de Servidores / Redes: approves reports */
	ROLE_TIM_TECH,		/* Técnico: confirms, retries, manual tasks */
	ROLE_EMPLOYEE,		/* Usuario: verifies access, asks for call codes */
	ROLE_AUDITOR,		/* internal control: reads the change log */
	ROLE_ADMIN,		/* configuration, tokens */
	ROLE_MONITOR,		/* scrapes /metrics; nothing else */
	ROLE_COUNT
};

typedef unsigned int role_mask;
#define ROLE_BIT(r)	(1u << (r))
#define ROLES_ANY	((1u << ROLE_COUNT) - 1)

const char *role_name(enum role r);
int role_parse(const char *name, enum role *role_r);	/* 0 ok, -1 unknown */
/* Writes "hr, tim_head" style lists; returns buf. */
char *role_mask_format(role_mask m, char *buf, unsigned int size);

#endif
