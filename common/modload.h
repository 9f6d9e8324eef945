/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Load the kernel module(s) an alias such as "fs-nfs4" resolves to, like
 * `modprobe`.  0 (loaded or built in), -ENOENT (no module for it) or -errno.
 */
int module_load_alias(const char *alias);
