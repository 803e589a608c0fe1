#include "container_id.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

bool container_id_valid(const char *id)
{
	size_t n;

	if (!id || !isalnum((unsigned char)id[0]))
		return false;
	n = strlen(id);
	if (n > CONTAINER_ID_MAX)
		return false;
	for (size_t i = 1; i < n; i++) {
		unsigned char c = (unsigned char)id[i];

		if (!isalnum(c) && c != '_' && c != '.' && c != '-')
			return false;
	}
	return true;
}

int container_id_check(const char *id, struct err *e)
{
	if (container_id_valid(id))
		return 0;
	if (!id || !*id)
		return err_set(e, EINVAL, "invalid container id: empty");
	if (strlen(id) > CONTAINER_ID_MAX)
		return err_set(e, EINVAL, "invalid container id: longer than %d characters",
			       CONTAINER_ID_MAX);
	return err_set(e, EINVAL,
		       "invalid container id '%.64s': only [A-Za-z0-9][A-Za-z0-9_.-]* is allowed", id);
}

int container_id_check_oci(const char *id, struct err *e)
{
	size_t n = id ? strlen(id) : 0;

	if (n == 0)
		return err_set(e, EINVAL, "invalid container id: empty");
	if (n > CONTAINER_ID_OCI_MAX)
		return err_set(e, EINVAL, "invalid container id: longer than %d bytes",
			       CONTAINER_ID_OCI_MAX);
	for (size_t i = 0; i < n; i++)
		if (iscntrl((unsigned char)id[i]))
			return err_set(e, EINVAL, "invalid container id: it holds a control character");
	return 0;
}
