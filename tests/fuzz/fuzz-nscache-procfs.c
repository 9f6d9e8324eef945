/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz the parsers of kernel text nscache reads: /proc/PID/mountinfo (whole
 * files, cut in place), /proc/PID/net/nfsfs/{servers,volumes}, mountinfo's
 * octal escapes and option lookup.  First byte picks the parser.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nscache/nscache-internal.h"

#define INPUT_MAX 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_addr(const struct nscache_addr *a)
{
	if (!nsc_addr_valid(a))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, buf[256];
	size_t len;

	if (size < 1 || size > INPUT_MAX)
		return 0;
	len = size - 1;
	text = malloc(len + 1);
	if (!text)
		return 0;
	memcpy(text, data + 1, len);
	text[len] = '\0';

	switch (data[0] % 5) {
	case 0: {
		struct nsc_mountinfo_list l;
		char *end = text + len + 1;

		if (nsc_mountinfo_parse_text(text, len, &l) == 0) {
			for (size_t i = 0; i < l.n; i++) {
				const struct nsc_mountinfo *m = &l.v[i];
				const char *f[] = { m->root, m->mount_point, m->fstype, m->source, m->super_opts };

				if (m->mount_id == 0)
					__builtin_trap();
				/* every field is a string inside the input (or the empty default) */
				for (size_t j = 0; j < 5; j++)
					if (f[j][0] && (f[j] < text || f[j] >= end || f[j] + strlen(f[j]) >= end))
						__builtin_trap();
				if (m->nsfs_ino && strcmp(m->fstype, "nsfs") != 0)
					__builtin_trap();
				(void)nsc_option_get(m->super_opts, "addr", buf, sizeof(buf));
			}
			nsc_mountinfo_list_free(&l);
		}
		break;
	}
	case 1:
	case 2: {
		struct nsc_nfsfs f;
		int r = data[0] % 5 == 1 ? nsc_nfsfs_parse_text(text, len, NULL, 0, &f)
					  : nsc_nfsfs_parse_text(NULL, 0, text, len, &f);

		if (r == 0) {
			for (size_t i = 0; i < f.n_servers; i++) {
				check_addr(&f.servers[i].addr);
				if (strlen(f.servers[i].hostname) > NSCACHE_NAME_MAX || f.servers[i].use < 0)
					__builtin_trap();
			}
			for (size_t i = 0; i < f.n_volumes; i++) {
				check_addr(&f.volumes[i].addr);
				if (strlen(f.volumes[i].fsid) >= sizeof(f.volumes[i].fsid))
					__builtin_trap();
			}
			nsc_nfsfs_free(&f);
		}
		break;
	}
	case 3: {
		int r = nsc_unescape(text, len, buf, sizeof(buf));

		if (r == 0 && strlen(buf) > len)
			__builtin_trap();
		if (r != 0 && r != -EINVAL && r != -ENAMETOOLONG)
			__builtin_trap();
		break;
	}
	default: {
		struct nscache_addr a;
		char s[80];

		if (nscache_addr_parse(text, &a) == 0) {
			struct nscache_addr b;

			check_addr(&a);
			/* printed with its port it parses back to the same address */
			nscache_addr_to_string(&a, a.port != 0, s, sizeof(s));
			if (nscache_addr_parse(s, &b) != 0 || memcmp(&a, &b, sizeof(a)) != 0)
				__builtin_trap();
		}
		if (nsc_name_canonical(text, buf, sizeof(buf)) == 0 && strlen(buf) > NSCACHE_NAME_MAX)
			__builtin_trap();
		break;
	}
	}
	free(text);
	return 0;
}
