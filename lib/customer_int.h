/* customer_int.h — what the customer module's files share (private to lib/customer*.c, holds.c and invoice.c). */
#ifndef REKISTERI_CUSTOMER_INT_H
#define REKISTERI_CUSTOMER_INT_H

#include <sqlite3.h>

#include "customer.h"

/* A history row for record id: field, old and new value, who, from where. 0 or -1. Inside the caller's transaction. */
int		 customer_history_row(sqlite3 *, long long id, const char *field,
		    const char *old, const char *new, long long user_id,
		    enum csource source);
/* Column i of the row as text, "" for NULL. */
const char	*customer_col(sqlite3_stmt *, int i);
/* Whether s is one of list[0..n) (n 0: up to list's NULL). */
int		 customer_in_list(const char *s, const char *const *list, size_t n);

#endif
