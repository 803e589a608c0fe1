#include "store_places.h"

#include <stdlib.h>
#include <string.h>

#include "store_net.h"

int store_places(const cJSON *doc, struct saved_places *p, struct err *e)
{
	struct store s = { .doc = (cJSON *)doc, .lock_fd = -1 };

	memset(p, 0, sizeof(*p));
	if (store_devices(&s, &p->devs, &p->n_devs, e) == 0 &&
	    store_binds(&s, &p->binds, &p->n_binds, e) == 0 &&
	    store_nics(doc, &p->nics, &p->n_nics, e) == 0)
		return 0;
	saved_places_free(p);
	return -1;
}

void saved_places_free(struct saved_places *p)
{
	saved_devices_free(p->devs, p->n_devs);
	path_specs_free(p->binds, p->n_binds);
	free(p->nics);
	memset(p, 0, sizeof(*p));
}
