/* The device programs attached to a cgroup (ebpf.h says how ours
 * combine with the runtime's): listing, widening, checking. */
#include "ebpf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static int attach(int cg, int prog, unsigned flags, int replace, struct err *e)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cg;
	a.attach_bpf_fd = (uint32_t)prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = flags;
	a.replace_bpf_fd = replace >= 0 ? (uint32_t)replace : 0;
	if (ebpf_sys(BPF_PROG_ATTACH, &a) < 0)
		return ebpf_fail(e, errno, "attach the cgroup device program");
	return 0;
}

int ebpf_attach(const char *dir, int prog_fd, struct err *e)
{
	_cleanup_close_ int cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (cg < 0)
		return err_sys(e, errno, "open cgroup %s", dir);
	return attach(cg, prog_fd, BPF_F_ALLOW_MULTI, -1, e);
}

/* The ids and attach flags of the device programs attached to @cg. */
static int query(int cg, uint32_t *ids, uint32_t *cnt, uint32_t *flags, struct err *e)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.query.target_fd = (uint32_t)cg;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uint64_t)(uintptr_t)ids;
	a.query.prog_cnt = *cnt;
	if (ebpf_sys(BPF_PROG_QUERY, &a) < 0)
		return ebpf_fail(e, errno, "query the cgroup's device programs");
	*cnt = a.query.prog_cnt;
	*flags = a.query.attach_flags;
	return 0;
}

/* The instructions of program @fd, and its name. */
static int prog_insns(int fd, struct bpf_insn **out, size_t *n, char name[EBPF_NAME_LEN],
		      struct err *e)
{
	struct bpf_prog_info info;
	union bpf_attr a;

	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uint64_t)(uintptr_t)&info;
	if (ebpf_sys(BPF_OBJ_GET_INFO_BY_FD, &a) < 0)
		return ebpf_fail(e, errno, "read the runtime's device program");
	snprintf(name, EBPF_NAME_LEN, "%.*s", EBPF_NAME_LEN - 1, info.name);
	*n = info.xlated_prog_len / sizeof(struct bpf_insn);
	if (*n == 0 || *n > EBPF_MAX_INSNS)
		return err_set(e, EINVAL, "the runtime's device program cannot be read (%zu instructions)",
			       *n);
	*out = xcalloc(*n, sizeof(**out));
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = (uint32_t)(*n * sizeof(struct bpf_insn));
	info.xlated_prog_insns = (uint64_t)(uintptr_t)*out;
	if (ebpf_sys(BPF_OBJ_GET_INFO_BY_FD, &a) < 0) {
		free(*out);
		*out = NULL;
		return ebpf_fail(e, errno, "read the runtime's device program");
	}
	return 0;
}

/* Program @id: an fd of it, its instructions and its name. */
static int prog_open(uint32_t id, int *fd, struct bpf_insn **code, size_t *n,
		     char name[EBPF_NAME_LEN], struct err *e)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_id = id;
	*fd = (int)ebpf_sys(BPF_PROG_GET_FD_BY_ID, &a);
	if (*fd < 0)
		return ebpf_fail(e, errno, "open the cgroup's device program");
	return prog_insns(*fd, code, n, name, e);
}

/* Replace program @id of @cg by our prefix + its own code. */
static int widen(int cg, uint32_t id, uint32_t flags, const struct dev_rule *rules, size_t nr,
		 struct err *e)
{
	_cleanup_close_ int old = -1;
	_cleanup_close_ int fresh = -1;
	_cleanup_free_ struct bpf_insn *code = NULL;
	_cleanup_free_ struct bpf_insn *prog = NULL;
	char name[EBPF_NAME_LEN], ours[EBPF_NAME_LEN];
	size_t n = 0, skip, k;
	bool all;

	if (prog_open(id, &old, &code, &n, name, e) < 0)
		return -1;
	skip = ebpf_prefix_len(code, n);
	/* nothing of ours to add or take away: the runtime's program stays */
	if (nr == 0 && skip == 0)
		return 0;
	prog = xcalloc(EBPF_PREFIX_MAX(nr) + (n - skip), sizeof(*prog));
	k = ebpf_allow_prefix(rules, nr, prog, &all);
	/* the same prefix again (a hook that runs twice): already in place */
	if (k == skip && !memcmp(prog, code, k * sizeof(*prog)))
		return 0;
	/* after an allow-everything rule the runtime's code could never run */
	if (!all) {
		memcpy(prog + k, code + skip, (n - skip) * sizeof(*prog));
		k += n - skip;
	}
	ebpf_copy_name(name, ours);
	if (ebpf_load_named(prog, k, ours, &fresh, e) < 0)
		return -1;
	if (flags & BPF_F_ALLOW_MULTI)
		return attach(cg, fresh, BPF_F_ALLOW_MULTI | BPF_F_REPLACE, old, e);
	/* a single program (override mode) is replaced by attaching anew */
	return attach(cg, fresh, flags, -1, e);
}

/* The device programs attached to a cgroup, and the cgroup held open. */
struct cg_progs {
	int fd;
	uint32_t cnt, flags;
	uint32_t ids[64];
};

static void cg_progs_close(struct cg_progs *p)
{
	if (p->fd >= 0)
		close(p->fd);
}

/* Opens cgroup @dir and lists the device programs attached to it. */
static int cg_progs_open(const char *dir, struct cg_progs *p, struct err *e)
{
	p->cnt = sizeof(p->ids) / sizeof(p->ids[0]);
	p->flags = 0;
	p->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p->fd < 0)
		return err_sys(e, errno, "open cgroup %s", dir);
	if (query(p->fd, p->ids, &p->cnt, &p->flags, e) < 0)
		return err_wrap(e, "cgroup %s", dir);
	return 0;
}

static int detach(int cg, int prog, struct err *e)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cg;
	a.attach_bpf_fd = (uint32_t)prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	if (ebpf_sys(BPF_PROG_DETACH, &a) < 0)
		return ebpf_fail(e, errno, "detach a stale device program");
	return 0;
}

/* systemd keeps the device program it attached, to detach it when it
 * attaches the next one (at each change of the unit, each reload). Our
 * copy put in its place is not known to it and stays attached after that:
 * with every change one more program would stack, holding systemd's older
 * rules, up to the kernel's 64 (then every attach fails, E2BIG). When
 * systemd's current program is attached beside them, those copies are
 * stale: they go, and systemd's program is widened instead. */
static int drop_stale(struct cg_progs *p, struct err *e)
{
	char names[64][EBPF_NAME_LEN];
	bool drop[64];
	uint32_t k = 0;

	for (uint32_t i = 0; i < p->cnt; i++) {
		_cleanup_close_ int fd = -1;
		_cleanup_free_ struct bpf_insn *code = NULL;
		size_t n;

		if (prog_open(p->ids[i], &fd, &code, &n, names[i], e) < 0)
			return -1;
	}
	ebpf_stale_copies(names, p->cnt, drop);
	for (uint32_t i = 0; i < p->cnt; i++) {
		union bpf_attr a;
		_cleanup_close_ int fd = -1;

		if (!drop[i]) {
			p->ids[k++] = p->ids[i];
			continue;
		}
		memset(&a, 0, sizeof(a));
		a.prog_id = p->ids[i];
		fd = (int)ebpf_sys(BPF_PROG_GET_FD_BY_ID, &a);
		if (fd < 0 || detach(p->fd, fd, e) < 0)
			return fd < 0 ? ebpf_fail(e, errno, "open a stale device program") : -1;
	}
	p->cnt = k;
	return 0;
}

int ebpf_set_allowed(const char *dir, const struct dev_rule *rules, size_t n, struct err *e)
{
	__attribute__((cleanup(cg_progs_close))) struct cg_progs p = { .fd = -1 };

	if (cg_progs_open(dir, &p, e) < 0 || drop_stale(&p, e) < 0)
		return err_wrap(e, "cgroup %s", dir);
	for (uint32_t i = 0; i < p.cnt; i++)
		if (widen(p.fd, p.ids[i], p.flags, rules, n, e) < 0)
			return err_wrap(e, "cgroup %s", dir);
	return 0;
}

/* Does program @id begin with exactly the prefix of @rules? */
static int has_prefix(uint32_t id, const struct dev_rule *rules, size_t nr, bool *ok,
		      struct err *e)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ struct bpf_insn *code = NULL;
	_cleanup_free_ struct bpf_insn *want = NULL;
	char name[EBPF_NAME_LEN];
	size_t n = 0, k;
	bool all;

	if (prog_open(id, &fd, &code, &n, name, e) < 0)
		return -1;
	want = xcalloc(EBPF_PREFIX_MAX(nr), sizeof(*want));
	k = ebpf_allow_prefix(rules, nr, want, &all);
	*ok = nr ? ebpf_prefix_len(code, n) == k && !memcmp(code, want, k * sizeof(*want))
		 : ebpf_prefix_len(code, n) == 0;
	return 0;
}

int ebpf_allows(const char *dir, const struct dev_rule *rules, size_t n, bool *ok, struct err *e)
{
	__attribute__((cleanup(cg_progs_close))) struct cg_progs p = { .fd = -1 };

	*ok = true;
	if (cg_progs_open(dir, &p, e) < 0)
		return -1;
	for (uint32_t i = 0; i < p.cnt && *ok; i++)
		if (has_prefix(p.ids[i], rules, n, ok, e) < 0)
			return err_wrap(e, "cgroup %s", dir);
	return 0;
}
