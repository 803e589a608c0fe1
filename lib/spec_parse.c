#include "spec_parse.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "util.h"

#define MAX_SPEC_PARTS 4

/* Split @s on ':' into at most MAX_SPEC_PARTS parts (pointers into @buf). */
static int split_colon(char *buf, char **parts)
{
	int n = 0;
	char *p = buf;

	for (;;) {
		if (n == MAX_SPEC_PARTS)
			return MAX_SPEC_PARTS + 1;
		parts[n++] = p;
		p = strchr(p, ':');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

bool device_perms_valid(const char *p)
{
	bool seen[3] = { false, false, false };

	if (!p || !*p)
		return false;
	for (; *p; p++) {
		const char *at = strchr("rwm", *p);

		if (!at || *p == '\0' || seen[at - "rwm"])
			return false;
		seen[at - "rwm"] = true;
	}
	return true;
}

/* A path from the command line: absolute, not too long, cleaned. */
static int clean_abs(const char *what, const char *spec, const char *in, char **out,
		     struct err *e)
{
	if (in[0] != '/')
		return err_set(e, EINVAL, "%s '%s' in '%s' is not an absolute path", what, in, spec);
	if (strlen(in) >= PATH_MAX)
		return err_set(e, ENAMETOOLONG, "%s in '%.64s...' is too long", what, spec);
	*out = path_clean(in);
	if (strcmp(*out, "/") == 0) {
		free(*out);
		*out = NULL;
		return err_set(e, EINVAL, "%s in '%s' must not be /", what, spec);
	}
	return 0;
}

static int device_spec_fill(const char *s, int mode, char **parts, int n,
			    struct device_spec *out, struct err *e)
{
	const char *host = parts[0], *ctr = "", *perms = "rwm";

	if (n == 2) {
		if (device_perms_valid(parts[1]))
			perms = parts[1];
		else
			ctr = parts[1];
	} else if (n == 3) {
		ctr = parts[1];
		if (*parts[2])
			perms = parts[2];
	}
	if (!device_perms_valid(perms))
		return err_set(e, EINVAL, "invalid permissions '%s' in device '%s': use a subset of rwm",
			       perms, s);
	strcpy(out->perms, perms);
	if (!*host && !*ctr)
		return err_set(e, EINVAL, "device '%s' names neither a host nor a container path", s);
	if (!*host && mode == SPEC_DEVICE_ADD)
		return err_set(e, EINVAL, "device '%s' has no host path", s);
	if (*host && clean_abs("host path", s, host, &out->host, e) < 0)
		return -1;
	if (*ctr && clean_abs("container path", s, ctr, &out->ctr, e) < 0)
		return -1;
	if (!out->ctr && mode == SPEC_DEVICE_ADD)
		out->ctr = xstrdup(out->host);
	return 0;
}

int parse_device_spec(const char *s, int mode, struct device_spec *out, struct err *e)
{
	_cleanup_free_ char *buf = xstrdup(s);
	char *parts[MAX_SPEC_PARTS];
	int n;

	memset(out, 0, sizeof(*out));
	if (!*s)
		return err_set(e, EINVAL, "empty device specification");
	n = split_colon(buf, parts);
	if (n > 3)
		return err_set(e, EINVAL, "invalid device specification '%s': use hostpath[:containerpath][:permissions]", s);
	if (device_spec_fill(s, mode, parts, n, out, e) < 0) {
		device_spec_free(out);
		return -1;
	}
	return 0;
}

void device_spec_free(struct device_spec *d)
{
	free(d->host);
	free(d->ctr);
	memset(d, 0, sizeof(*d));
}

static const char *const path_opts[] = { "ro", "rw", "private", "rprivate", "rslave", "nosuid",
					 "nodev", "noexec" };

int parse_path_options(const char *s, const char *opts, struct path_spec *out, struct err *e)
{
	_cleanup_free_ char *buf = xstrdup(opts);
	bool seen[ARRAY_SIZE(path_opts)] = { false };
	char *save = NULL;

	if (!*opts)
		return err_set(e, EINVAL, "empty options in path '%s': use ro or rw", s);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(path_opts); i++)
			if (strcmp(tok, path_opts[i]) == 0)
				break;
		if (i == ARRAY_SIZE(path_opts))
			return err_set(e, EINVAL, "invalid option '%s' in path '%s': use ro or rw "
					       "(and nosuid, nodev, noexec)", tok, s);
		if (seen[i])
			return err_set(e, EINVAL, "option '%s' given twice in path '%s'", tok, s);
		seen[i] = true;
	}
	if (seen[0] && seen[1])
		return err_set(e, EINVAL, "path '%s' is both ro and rw", s);
	if (opts[strlen(opts) - 1] == ',' || opts[0] == ',' || strstr(opts, ",,"))
		return err_set(e, EINVAL, "empty option in path '%s'", s);
	out->ro = seen[0];
	out->nosuid = seen[5];
	out->nodev = seen[6];
	out->noexec = seen[7];
	out->options = xstrdup(opts);
	return 0;
}

int parse_path_spec(const char *s, struct path_spec *out, struct err *e)
{
	_cleanup_free_ char *buf = xstrdup(s);
	char *parts[MAX_SPEC_PARTS];
	int n;

	memset(out, 0, sizeof(*out));
	n = split_colon(buf, parts);
	if (n < 2 || n > 3)
		return err_set(e, EINVAL, "invalid path specification '%s': use hostpath:containerpath[:ro|rw]", s);
	if (!*parts[0] || !*parts[1]) {
		err_set(e, EINVAL, "path '%s' needs both a host and a container path", s);
		goto fail;
	}
	if (clean_abs("host path", s, parts[0], &out->host, e) < 0 ||
	    clean_abs("container path", s, parts[1], &out->ctr, e) < 0 ||
	    parse_path_options(s, n == 3 ? parts[2] : "rw", out, e) < 0)
		goto fail;
	return 0;
fail:
	path_spec_free(out);
	return -1;
}

void path_spec_free(struct path_spec *p)
{
	free(p->host);
	free(p->ctr);
	free(p->options);
	memset(p, 0, sizeof(*p));
}

char *path_spec_format(const struct path_spec *p)
{
	return xasprintf("%s:%s:%s", p->host, p->ctr, p->options);
}
