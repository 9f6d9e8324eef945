/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bounded parsing of untrusted text (options, specs). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Parse a decimal unsigned integer in [min, max].  No sign, no leading or
 * trailing junk, no whitespace.  Returns 0, -EINVAL (syntax) or -ERANGE.
 */
int parse_uint64(const char *s, uint64_t min, uint64_t max, uint64_t *ret);

/* True if s is non-empty and consists of ASCII digits only. */
bool str_is_digits(const char *s);

/* The value of one hex digit (either case), or -1. */
int hex_digit_value(char c);

/* True if s has a byte < 0x20 or 0x7f (newline injection, terminal escapes). */
bool str_has_control(const char *s);
