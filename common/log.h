/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Messages of the front ends ("mount.nfs4: ..."); libraries never call these. */
#pragma once

#include <stdbool.h>

void log_init(const char *prog);
const char *log_prog(void);
void log_set_verbose(int level);
int log_verbose_level(void);

/* "prog: message" on stderr. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Only with -v: "prog: message" on stderr. */
void log_verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
