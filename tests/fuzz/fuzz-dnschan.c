/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz the legacy NFS DNS channel request parser (nscache/dnschan.c): the
 * hostname in a request comes from a server's referral.  Whatever parses must
 * yield a valid hostname and an answer the kernel can read back.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "nscache/dnschan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_answer(const char *qword, const struct sockaddr_storage *addr)
{
	char out[DNSCHAN_QWORD_MAX + 64];
	int n = dnschan_format_answer(qword, addr, 300, out, sizeof(out));

	if (n <= 0 || out[n - 1] != '\n' || memchr(out, '\n', (size_t)n - 1))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char qword[DNSCHAN_QWORD_MAX], name[DNSCHAN_NAME_MAX + 1];
	struct sockaddr_storage ss = { .ss_family = AF_INET6 };
	int r = dnschan_parse_request((const char *)data, size, qword, name);

	if (r == 0) {
		size_t len = strlen(name);

		if (len == 0 || len > DNSCHAN_NAME_MAX || strpbrk(name, " \t\n\\/"))
			__builtin_trap();
		check_answer(qword, &ss);
		check_answer(qword, NULL);
	} else if (r == -EINVAL) {
		check_answer(qword, NULL);
	} else if (r != -EBADMSG) {
		__builtin_trap();
	}
	return 0;
}
