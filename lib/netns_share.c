#include "netns_share.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "util.h"

int netns_share_parse(const cJSON *config, enum netns_share *kind, const char **path,
		      struct err *e)
{
	const cJSON *linux_ = cJSON_GetObjectItemCaseSensitive(config, "linux");
	const cJSON *nss = cJSON_GetObjectItemCaseSensitive(linux_, "namespaces"), *ns;

	*kind = NETNS_HOST;
	*path = NULL;
	if (nss && !cJSON_IsArray(nss))
		return err_set(e, EINVAL, "linux.namespaces is not an array");
	cJSON_ArrayForEach(ns, nss) {
		const char *type = NULL, *p = NULL;

		if (json_opt_string(ns, "type", &type, e) < 0 ||
		    json_opt_string(ns, "path", &p, e) < 0)
			return err_wrap(e, "linux.namespaces");
		if (!type || strcmp(type, "network") != 0)
			continue;
		if (p && *p) {
			*kind = NETNS_PATH;
			*path = p;
		} else {
			*kind = NETNS_OWN;
		}
	}
	return 0;
}

int netns_share_check(const char *id, enum netns_share kind, const char *path,
		      bool same_as_ours, const char *consent, struct err *e)
{
	/* whatever the config says, the host's namespace is never ours to change */
	if (kind == NETNS_HOST || same_as_ours)
		return err_set(e, EPERM, "container %s shares the host's network namespace: "
			       "interfaces and routes would change the host's network; refused", id);
	if (kind == NETNS_OWN)
		return 0;
	if (consent && strcmp(consent, path) == 0)
		return 0;
	if (consent)
		return err_set(e, EPERM, "container %s joins the network namespace %s, not %s that "
			       "was allowed; refused (--allow-shared-netns allows it)", id, path,
			       consent);
	return err_set(e, EPERM, "container %s joins the network namespace %s, which is not "
		       "its own; refused (--allow-shared-netns allows it)", id, path);
}

static int same_netns_as_ours(int fd, bool *same, struct err *e)
{
	struct stat a, b;

	if (fstat(fd, &a) < 0)
		return err_sys(e, errno, "stat the container's network namespace");
	if (stat("/proc/self/ns/net", &b) < 0)
		return err_sys(e, errno, "stat /proc/self/ns/net");
	*same = a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	return 0;
}

int netns_guard(const char *id, const char *bundle, int ctr_netns_fd, const char *consent,
		char **path_out, struct err *e)
{
	_cleanup_free_ char *file = xasprintf("%s/config.json", bundle ? bundle : ".");
	_cleanup_free_ char *buf = NULL;
	_cleanup_cjson_ cJSON *config = NULL;
	enum netns_share kind = NETNS_OWN;
	const char *path = NULL;
	bool same = false;
	size_t len;

	if (path_out)
		*path_out = NULL;
	if (same_netns_as_ours(ctr_netns_fd, &same, e) < 0)
		return -1;
	/* without a config (lxc keeps its own), the namespace itself is all
	 * there is to go by */
	if (bundle && read_file_at(AT_FDCWD, file, MAX_FILE_SIZE, &buf, &len, e) == 0) {
		if (json_parse(buf, len, &config, e) < 0 ||
		    netns_share_parse(config, &kind, &path, e) < 0)
			return err_wrap(e, "%s", file);
	} else if (bundle && e->code != ENOENT) {
		return -1;
	}
	err_clear(e);
	if (path_out && path)
		*path_out = xstrdup(path);
	return netns_share_check(id, kind, path, same, consent, e);
}
