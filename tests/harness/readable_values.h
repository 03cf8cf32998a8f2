/*
 * tests/harness/readable_values.h -- integer assertions that print what they saw.
 *
 * cmocka 1.1 converts both sides of assert_int_equal() to an unsigned 64-bit
 * integer and prints them in hexadecimal, so a length of -1 checked against
 * 6 reads "0xffffffffffffffff != 0x6".  A learner whose function returned -1
 * should read "-1 != 6".  tools/lib.mk includes this header ahead of every
 * test file (gcc -include), so every chapter's tests, later ones too, get
 * these two assertions instead of cmocka's.
 *
 * The comparison is cmocka's (both sides as uintmax_t, so an int -1 still
 * equals a size_t SIZE_MAX); only the message changes: each side is printed
 * in decimal, signed or not as its own type is, followed by the expressions
 * as written.  _Generic does not evaluate its operand, so each side is still
 * evaluated once.
 */
#ifndef READABLE_VALUES_H
#define READABLE_VALUES_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>

#define readable_value_is_signed(x) _Generic((x), \
	char: (char)-1 < 0, signed char: 1, short: 1, int: 1, long: 1, long long: 1, \
	default: 0)

static inline void
readable_compare(uintmax_t a, int a_signed, uintmax_t b, int b_signed, int want_equal,
    const char *a_text, const char *b_text, const char *file, int line)
{
	char va[24], vb[24], message[1024];

	if ((a == b) == want_equal)
		return;
	if (a_signed)
		snprintf(va, sizeof(va), "%" PRIdMAX, (intmax_t)a);
	else
		snprintf(va, sizeof(va), "%" PRIuMAX, a);
	if (b_signed)
		snprintf(vb, sizeof(vb), "%" PRIdMAX, (intmax_t)b);
	else
		snprintf(vb, sizeof(vb), "%" PRIuMAX, b);
	snprintf(message, sizeof(message), "%s %s %s (%s, %s)", va,
	    want_equal ? "!=" : "==", vb, a_text, b_text);
	_assert_true(0, message, file, line);
}

#undef assert_int_equal
#define assert_int_equal(a, b) \
	readable_compare((uintmax_t)(a), readable_value_is_signed(a), (uintmax_t)(b), \
	    readable_value_is_signed(b), 1, #a, #b, __FILE__, __LINE__)

#undef assert_int_not_equal
#define assert_int_not_equal(a, b) \
	readable_compare((uintmax_t)(a), readable_value_is_signed(a), (uintmax_t)(b), \
	    readable_value_is_signed(b), 0, #a, #b, __FILE__, __LINE__)

#endif /* READABLE_VALUES_H */
