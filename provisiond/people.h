/*
 * NAME
 *	people - a person as the API shows them
 */
#ifndef PVD_PEOPLE_H
#define PVD_PEOPLE_H

#include "auth.h"
#include "outcome.h"

/* The person with their requests and access grants; 404 for whoever may
 * not see them (HR, TIM and auditors see everyone, a person themselves). */
void people_get(const struct principal *who, const char *employee_number, struct outcome *o);

#endif
