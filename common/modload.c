/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "common/modload.h"

#include <errno.h>
#include <stddef.h>
#include <libkmod.h>

int module_load_alias(const char *alias)
{
	struct kmod_ctx *ctx;
	struct kmod_list *list = NULL, *it;
	int r = -ENOENT;

	ctx = kmod_new(NULL, NULL);
	if (!ctx)
		return -ENOMEM;
	kmod_set_log_priority(ctx, 0); /* libraries never print */
	if (kmod_module_new_from_lookup(ctx, alias, &list) < 0 || !list)
		goto out;
	kmod_list_foreach(it, list)
	{
		struct kmod_module *mod = kmod_module_get_module(it);

		r = kmod_module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST, NULL, NULL, NULL,
						    NULL);
		kmod_module_unref(mod);
		if (r == 0)
			break;
	}
	kmod_module_unref_list(list);
out:
	kmod_unref(ctx);
	return r > 0 ? -EPERM : r;
}
