/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *program = "nsnfs";
static int verbose;

void log_init(const char *prog)
{
	const char *slash = strrchr(prog, '/');

	program = slash ? slash + 1 : prog;
}

const char *log_prog(void)
{
	return program;
}

void log_set_verbose(int level)
{
	verbose = level;
}

int log_verbose_level(void)
{
	return verbose;
}

__attribute__((format(printf, 1, 0))) static void vlog(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", program);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void log_verbose(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}
