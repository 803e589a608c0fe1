#include "dynlib.h"

#include <dlfcn.h>
#include <errno.h>

int dyn_load(const char *soname, const char *const *names, void **fns, size_t n,
	     struct err *e)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return err_set(e, ENOENT, "cannot load %s: %s", soname, dlerror());
	for (size_t i = 0; i < n; i++) {
		fns[i] = dlsym(h, names[i]);
		if (!fns[i])
			return err_set(e, ENOENT, "%s has no %s", soname, names[i]);
	}
	return 0;
}
