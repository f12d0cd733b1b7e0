/* test_field.c — the one field mechanism (lib/field.c): val_int and val_enum at their bounds, field_check by kind, and field_read's values and errors keyed by field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kv.h"
#include "validate.h"

static void
int_bounds(void **st)
{
	long long v = -7;

	(void)st;
	/* the bounds themselves are in, one past them out */
	assert_null(val_int("1", 1, 100000, &v));
	assert_int_equal(v, 1);
	assert_null(val_int("100000", 1, 100000, &v));
	assert_int_equal(v, 100000);
	assert_string_equal(val_int("0", 1, 100000, &v), "val.number");
	assert_string_equal(val_int("100001", 1, 100000, &v), "val.number");
	assert_int_equal(v, 100000);	/* unchanged by a refusal */
	assert_null(val_int("-5", -5, 5, &v));
	assert_int_equal(v, -5);
	assert_string_equal(val_int("-6", -5, 5, &v), "val.number");
	assert_null(val_int("0", 0, 0, &v));
	assert_int_equal(v, 0);
	/* the whole range of long long, and past it */
	assert_null(val_int("9223372036854775807", 0, LLONG_MAX, &v));
	assert_int_equal(v, LLONG_MAX);
	assert_string_equal(val_int("9223372036854775808", 0, LLONG_MAX, &v),
	    "val.number");
	assert_null(val_int("-9223372036854775808", LLONG_MIN, 0, &v));
	assert_true(v == LLONG_MIN);
	/* only plain decimal digits: what atoi and strtol would let through is refused */
	static const char *const bad[] = { NULL, "", " 1", "1 ", "+1", "1x",
	    "0x10", "01", "007", "1e3", "1.0", "-", "--1", "-0", "١" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_string_equal(val_int(bad[i], -100, 100, &v), "val.number");
	/* a minus sign only where negatives are allowed */
	assert_string_equal(val_int("-1", 0, 100, &v), "val.number");
}

static void
enum_bounds(void **st)
{
	static const char *const names[] = { "open", "paid", "credited", NULL };
	static const char *const none[] = { NULL };
	int i = -1;

	(void)st;
	assert_null(val_enum("open", names, &i));
	assert_int_equal(i, 0);
	assert_null(val_enum("credited", names, &i));	/* the last one */
	assert_int_equal(i, 2);
	assert_string_equal(val_enum(NULL, names, &i), "val.required");
	assert_string_equal(val_enum("", names, &i), "val.required");
	assert_string_equal(val_enum("Open", names, &i), "val.required");
	assert_string_equal(val_enum("open ", names, &i), "val.required");
	assert_string_equal(val_enum("paidx", names, &i), "val.required");
	assert_string_equal(val_enum("open", none, &i), "val.required");
	assert_int_equal(i, 2);
}

static const char *const colours[] = { "red", "green", NULL };

enum { T_NAME, T_COUNT, T_COLOUR, T_ADDRESS, T_CODE, T_COUNTRY, T__MAX };
static const struct field tfields[T__MAX] = {
	[T_NAME] = { "name", VK_TEXT, VF_REQUIRED, 5, "text", NULL, 0, 0, NULL },
	[T_COUNT] = { "count", VK_INT, 0, 3, "text", NULL, 1, 10, NULL },
	[T_COLOUR] = { "colour", VK_ENUM, 0, 8, "select", colours, 0, 0, NULL },
	[T_ADDRESS] = { "address", VK_LINES, 0, 40, "textarea", NULL, 0, 0, NULL },
	[T_CODE] = { "code", VK_CODE, 0, 10, "text", NULL, 0, 0, NULL },
	[T_COUNTRY] = { "country", VK_COUNTRY, 0, 2, "text", NULL, 0, 0, "FI" },
};

static void
values_free(char **v)
{
	for (int i = 0; i < T__MAX; i++)
		free(v[i]);
}

static void
read_good_form(void **st)
{
	struct kvlist form = { NULL, 0, 0 };
	const char *errs[T__MAX];
	char *v[T__MAX];

	(void)st;
	kv_add(&form, "name", " Aino ");
	kv_add(&form, "count", "10");
	kv_add(&form, "colour", "green");
	kv_add(&form, "address", "Katu 1\n\n 00100 Helsinki \n");
	kv_add(&form, "code", "a-12b");
	assert_int_equal(field_read(tfields, T__MAX, &form, v, errs), 0);
	for (int i = 0; i < T__MAX; i++)
		assert_null(errs[i]);
	assert_string_equal(v[T_NAME], "Aino");
	assert_string_equal(v[T_COUNT], "10");
	assert_string_equal(v[T_COLOUR], "green");
	assert_string_equal(v[T_ADDRESS], "Katu 1, 00100 Helsinki");
	assert_string_equal(v[T_CODE], "A-12B");
	assert_string_equal(v[T_COUNTRY], "FI");	/* the default of a missing key */
	values_free(v);
	kv_free(&form);
}

static void
read_bad_form(void **st)
{
	struct kvlist form = { NULL, 0, 0 };
	const char *errs[T__MAX];
	char *v[T__MAX];

	(void)st;
	kv_add(&form, "count", "11");
	kv_add(&form, "colour", "blue");
	kv_add(&form, "address", "Katu\t1");
	kv_add(&form, "code", "A 1");
	kv_add(&form, "country", "fi");
	kv_add(&form, "country", "se");
	assert_int_equal(field_read(tfields, T__MAX, &form, v, errs), T__MAX);
	/* each error under its own field, each value as typed */
	assert_string_equal(errs[T_NAME], "val.required");
	assert_string_equal(errs[T_COUNT], "val.number");
	assert_string_equal(v[T_COUNT], "11");
	assert_string_equal(errs[T_COLOUR], "val.required");
	assert_string_equal(v[T_COLOUR], "blue");
	assert_string_equal(errs[T_ADDRESS], "val.bad_chars");
	assert_string_equal(errs[T_CODE], "request.err.customer_number");
	assert_string_equal(v[T_CODE], "A 1");
	assert_string_equal(errs[T_COUNTRY], "val.twice");
	values_free(v);
	kv_free(&form);

	/* one character over the limit */
	kv_add(&form, "name", "Ainoa");
	kv_add(&form, "count", "1");
	assert_int_equal(field_read(tfields, T__MAX, &form, v, errs), 0);
	values_free(v);
	kv_free(&form);
	kv_add(&form, "name", "Ainoaa");
	assert_int_equal(field_read(tfields, T__MAX, &form, v, errs), 1);
	assert_non_null(errs[T_NAME]);
	assert_string_equal(v[T_NAME], "Ainoaa");
	values_free(v);
	kv_free(&form);
}

static void
index_by_name(void **st)
{
	(void)st;
	assert_int_equal(field_index(tfields, T__MAX, "name"), T_NAME);
	assert_int_equal(field_index(tfields, T__MAX, "country"), T_COUNTRY);
	assert_int_equal(field_index(tfields, T__MAX, "nope"), -1);
	assert_int_equal(field_index(tfields, T__MAX, NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(int_bounds),
		cmocka_unit_test(enum_bounds),
		cmocka_unit_test(read_good_form),
		cmocka_unit_test(read_bad_form),
		cmocka_unit_test(index_by_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
