/* Libraries loaded only when a feature needs them. libkmod (with libcrypto,
 * libzstd, liblzma) and libselinux (with libpcre2) cost more than a
 * millisecond to load and relocate, libudev about 60 us; the hook needs
 * them only for KERNEL_MODULES, --with-relabel and partition following,
 * not on every container start. */
#ifndef SCH_DYNLIB_H
#define SCH_DYNLIB_H

#include <stddef.h>

#include "error.h"

/* dlopen @soname once and resolve @names[i] into @fns[i]. */
int dyn_load(const char *soname, const char *const *names, void **fns, size_t n,
	     struct err *e);

#endif
