/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TEMPORARY shim until the top-level Makefile runs rpcgen -c on a relative
 * file name.  Today the generated nfs4_prot_xdr.c says
 * #include "$(CURDIR)/rpcclnt/nfs4_prot.h", i.e. this file; it forwards to
 * the generated $(O)/rpcclnt/nfs4_prot.h further down the include path.
 * The second level exists because a file included by absolute path restarts
 * #include_next at the front of the path (and finds this file again).
 */
#if !defined(NSNFS_NFS4_PROT_SHIM)
#define NSNFS_NFS4_PROT_SHIM 1
#include_next "rpcclnt/nfs4_prot.h"
#elif NSNFS_NFS4_PROT_SHIM == 1 && !defined(_NFS4_PROT_H_RPCGEN)
#undef NSNFS_NFS4_PROT_SHIM
#define NSNFS_NFS4_PROT_SHIM 2
#include_next "rpcclnt/nfs4_prot.h"
#endif
