/* Whose network namespace a container runs in, and whether we may give it
 * interfaces and routes. A container without a network namespace of its
 * own (no "network" entry in linux.namespaces, like --net=host) shares the
 * host's: anything we add there changes the host's network, so it never
 * gets any. One that joins a namespace by path (a "network" entry with a
 * "path") shares someone else's: only with the operator's explicit consent,
 * saved as that path ("networkSharedNamespace" in hook.json). */
#ifndef SCH_NETNS_SHARE_H
#define SCH_NETNS_SHARE_H

#include <cJSON.h>
#include <stdbool.h>

#include "error.h"

enum netns_share {
	NETNS_OWN,              /* a new namespace made for the container */
	NETNS_HOST,             /* no network namespace entry: the host's */
	NETNS_PATH,             /* joins the namespace at a path */
};

/* From a parsed config.json. @path (NETNS_PATH only) is borrowed from @config. */
int netns_share_parse(const cJSON *config, enum netns_share *kind, const char **path,
		      struct err *e);

/* The decision, pure: 0 when interfaces and routes may be applied, else
 * -1 with EPERM and one line saying why. @same_as_ours: the container's
 * namespace is the one we run in (the host's, as far as we can tell);
 * @consent: the path the operator allowed, or NULL. */
int netns_share_check(const char *id, enum netns_share kind, const char *path,
		      bool same_as_ours, const char *consent, struct err *e);

/* The same, reading <@bundle>/config.json and comparing @ctr_netns_fd with
 * our own namespace. @path_out (may be NULL) gets a copy of the joined
 * path for NETNS_PATH, refused or not. */
int netns_guard(const char *id, const char *bundle, int ctr_netns_fd, const char *consent,
		char **path_out, struct err *e);

#endif
