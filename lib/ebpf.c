#include "ebpf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/* "SCH1": the first instruction of our prefix; the second holds its length. */
#define PREFIX_MAGIC 0x53434831

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
						 .off = (o), .imm = (i) })
#define MOV_IMM(d, i)        INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV_REG(d, s)        INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define AND_IMM(d, i)        INSN(BPF_ALU64 | BPF_AND | BPF_K, d, 0, 0, i)
#define RSH_IMM(d, i)        INSN(BPF_ALU64 | BPF_RSH | BPF_K, d, 0, 0, i)
#define LSH_IMM(d, i)        INSN(BPF_ALU64 | BPF_LSH | BPF_K, d, 0, 0, i)
#define OR_REG(d, s)         INSN(BPF_ALU64 | BPF_OR | BPF_X, d, s, 0, 0)
#define JNE32_IMM(d, i, o)   INSN(BPF_JMP32 | BPF_JNE | BPF_K, d, 0, o, i)
#define LDX_W(d, s, o)       INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define JNE_IMM(d, i, o)     INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define JSET_IMM(d, i, o)    INSN(BPF_JMP | BPF_JSET | BPF_K, d, 0, o, i)
#define JEQ_IMM(d, i, o)     INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define EXIT()               INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static unsigned access_bits(const char *perms)
{
	unsigned bits = 0;

	for (; *perms; perms++)
		bits |= *perms == 'r' ? BPF_DEVCG_ACC_READ : *perms == 'w' ? BPF_DEVCG_ACC_WRITE :
			*perms == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
	return bits;
}

/* r2 = access, r3 = type, r4 = major, r5 = minor; r1 (ctx) is kept. */
static size_t load_ctx(struct bpf_insn *o)
{
	size_t k = 0;

	o[k++] = LDX_W(BPF_REG_2, BPF_REG_1, 0);
	o[k++] = MOV_REG(BPF_REG_3, BPF_REG_2);
	o[k++] = AND_IMM(BPF_REG_3, 0xffff);
	o[k++] = RSH_IMM(BPF_REG_2, 16);
	o[k++] = LDX_W(BPF_REG_4, BPF_REG_1, 4);
	o[k++] = LDX_W(BPF_REG_5, BPF_REG_1, 8);
	return k;
}

/* A rule that matches every access: nothing after it can run. */
static bool unconditional(const struct dev_rule *r)
{
	return r->type == 'a' && r->major < 0 && r->minor < 0 && access_bits(r->perms) == 7;
}

/* One rule: if it matches, return @verdict; else fall through. An allow
 * rule matches when every requested access is granted by it; a deny rule
 * when any requested access is denied by it (so "deny w" refuses "rw" too,
 * as cgroup v1 does). */
static size_t rule_block(const struct dev_rule *r, int verdict, struct bpf_insn *o)
{
	unsigned acc = access_bits(r->perms);
	bool partial = acc != 7;
	int n = 2 + (r->type != 'a') + (r->major >= 0) + (r->minor >= 0) +
		(partial ? (verdict ? 1 : 3) : 0);
	size_t k = 0;

#define SKIP ((short)(n - (int)k - 1))  /* to the end of the block */
	if (r->type != 'a')
		o[k] = JNE_IMM(BPF_REG_3, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, SKIP), k++;
	if (r->major >= 0)
		o[k] = JNE_IMM(BPF_REG_4, (int)r->major, SKIP), k++;
	if (r->minor >= 0)
		o[k] = JNE_IMM(BPF_REG_5, (int)r->minor, SKIP), k++;
	if (partial && verdict) {
		o[k] = JSET_IMM(BPF_REG_2, (int)(~acc & 7), SKIP), k++;
	} else if (partial) {
		o[k++] = MOV_REG(BPF_REG_0, BPF_REG_2);
		o[k++] = AND_IMM(BPF_REG_0, (int)acc);
		o[k] = JEQ_IMM(BPF_REG_0, 0, SKIP), k++;
	}
#undef SKIP
	o[k++] = MOV_IMM(BPF_REG_0, verdict);
	o[k++] = EXIT();
	return k;
}

/* A device the prefix can find by its number alone: b or c, both numbers
 * given, within the kernel's 12-bit major and 20-bit minor. */
static bool exact(const struct dev_rule *r)
{
	return r->allow && (r->type == 'b' || r->type == 'c') && r->major >= 0 &&
	       r->major < (1 << 12) && r->minor >= 0 && r->minor < (1 << 20);
}

/* The exact devices of one type, one group of at most EXACT_GROUP: a type
 * test, then per device one 32-bit compare of r6 = major << 20 | minor
 * (set once) and the access test when not rwm. Three or four
 * instructions a device where a general rule takes six or seven: the
 * verifier walks each one, and its time grows with their number. The
 * group's size keeps its jump within a 16-bit offset. */
#define EXACT_GROUP 4096
static size_t exact_group(const struct dev_rule *rules, size_t n, char type, size_t *from,
			  struct bpf_insn *o)
{
	size_t k = 1, count = 0;

	for (; *from < n && count < EXACT_GROUP; (*from)++) {
		const struct dev_rule *r = &rules[*from];
		unsigned acc;

		if (!exact(r) || r->type != type)
			continue;
		acc = access_bits(r->perms);
		o[k] = JNE32_IMM(BPF_REG_6, (int)(uint32_t)((r->major << 20) | r->minor),
				 acc == 7 ? 2 : 3), k++;
		if (acc != 7)
			o[k] = JSET_IMM(BPF_REG_2, (int)(~acc & 7), 2), k++;
		o[k++] = MOV_IMM(BPF_REG_0, 1);
		o[k++] = EXIT();
		count++;
	}
	if (!count)
		return 0;
	o[0] = JNE_IMM(BPF_REG_3, type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR,
		       (short)(k - 1));
	return k;
}

size_t ebpf_allow_prefix(const struct dev_rule *rules, size_t n, struct bpf_insn *out,
			 bool *allows_all)
{
	size_t k = 2, from;
	bool any = false;

	*allows_all = false;
	k += load_ctx(out + k);
	for (size_t i = 0; i < n; i++) {
		if (!rules[i].allow || exact(&rules[i])) {
			any |= exact(&rules[i]);
			continue;
		}
		k += rule_block(&rules[i], 1, out + k);
		if (unconditional(&rules[i])) {
			*allows_all = true;     /* nothing may follow: dead code is refused */
			goto out;
		}
	}
	if (any) {
		out[k++] = MOV_REG(BPF_REG_6, BPF_REG_4);
		out[k++] = LSH_IMM(BPF_REG_6, 20);
		out[k++] = OR_REG(BPF_REG_6, BPF_REG_5);
	}
	for (const char *t = "bc"; any && *t; t++)
		for (from = 0; from < n;)
			k += exact_group(rules, n, *t, &from, out + k);
out:
	out[0] = MOV_IMM(BPF_REG_0, PREFIX_MAGIC);
	out[1] = MOV_IMM(BPF_REG_0, (int)k);
	return k;
}

size_t ebpf_prefix_len(const struct bpf_insn *insns, size_t n)
{
	const struct bpf_insn magic = MOV_IMM(BPF_REG_0, PREFIX_MAGIC);

	if (n < 2 || memcmp(&insns[0], &magic, sizeof(magic)) ||
	    insns[1].code != (BPF_ALU64 | BPF_MOV | BPF_K) || insns[1].imm < 2 ||
	    (size_t)insns[1].imm > n)
		return 0;
	return (size_t)insns[1].imm;
}

size_t ebpf_device_program(const struct dev_rule *rules, size_t n, struct bpf_insn *out)
{
	size_t k = load_ctx(out);

	for (size_t i = n; i-- > 0;) {
		k += rule_block(&rules[i], rules[i].allow, out + k);
		if (unconditional(&rules[i]))
			return k;       /* the earlier rules can never decide */
	}
	out[k++] = MOV_IMM(BPF_REG_0, 0);
	out[k++] = EXIT();
	return k;
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* A failed bpf(2) call; EPERM is the host's policy (no CAP_BPF, a seccomp
 * filter, lockdown), not the program, and the message says so. */
static int bpf_fail(struct err *e, int code, const char *what)
{
	return err_sys(e, code, "%s%s", what, code == EPERM ? " (BPF not permitted here)" : "");
}

/* The line of a verifier log that says why the load failed. The kernel
 * writes it just before its "processed N insns" statistics; what comes
 * earlier is mostly the walk through the instructions ("12: (b7) r0 = 0"),
 * so without the statistics the first line that is not part of the walk
 * is the best guess. */
void ebpf_log_reason(const char *log, char *out, size_t size)
{
	const char *line = log, *prev = NULL, *first = NULL, *pick;

	for (const char *end; line && *line; line = *end ? end + 1 : end) {
		end = line + strcspn(line, "\n");
		if (end == line)
			continue;
		if (!strncmp(line, "processed ", 10) && prev)
			break;
		if (!first && !isdigit((unsigned char)line[0]) && strncmp(line, "from ", 5))
			first = line;
		prev = line;
	}
	pick = line && *line ? prev : first ? first : prev;
	if (!size)
		return;
	out[0] = '\0';
	if (pick)
		snprintf(out, size, "%.*s", (int)strcspn(pick, "\n"), pick);
}

int ebpf_prog_load(const struct bpf_insn *insns, size_t n, char *log, uint32_t log_size)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = (uint32_t)n;
	a.license = (uint64_t)(uintptr_t)"GPL";
	if (log) {
		a.log_buf = (uint64_t)(uintptr_t)log;
		a.log_size = log_size;
		a.log_level = 1;
		log[0] = '\0';
	}
	return (int)sys_bpf(BPF_PROG_LOAD, &a);
}

/* The first load has no verifier log: a log that outgrows its buffer fails
 * the load (ENOSPC), and runc's own program makes a long one. Only a load
 * that failed is tried again with a log, grown until the reason fits. */
int ebpf_load(const struct bpf_insn *insns, size_t n, int *fd, struct err *e)
{
	_cleanup_free_ char *log = NULL;
	char reason[256];
	int saved;

	*fd = ebpf_prog_load(insns, n, NULL, 0);
	if (*fd >= 0)
		return 0;
	saved = errno;
	if (saved == EPERM)
		return bpf_fail(e, saved, "load a cgroup device program");
	for (uint32_t size = EBPF_LOG_MIN; size <= EBPF_LOG_MAX; size *= 4) {
		free(log);
		log = xmalloc(size);
		*fd = ebpf_prog_load(insns, n, log, size);
		if (*fd >= 0)
			return 0;       /* a passing failure: the program is good */
		if (errno != ENOSPC)
			break;
	}
	ebpf_log_reason(log, reason, sizeof(reason));
	return err_sys(e, saved, "load a cgroup device program%s%s", reason[0] ? ": " : "", reason);
}

static int attach(int cg, int prog, unsigned flags, int replace, struct err *e)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cg;
	a.attach_bpf_fd = (uint32_t)prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = flags;
	a.replace_bpf_fd = replace >= 0 ? (uint32_t)replace : 0;
	if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
		return bpf_fail(e, errno, "attach the cgroup device program");
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
	if (sys_bpf(BPF_PROG_QUERY, &a) < 0)
		return bpf_fail(e, errno, "query the cgroup's device programs");
	*cnt = a.query.prog_cnt;
	*flags = a.query.attach_flags;
	return 0;
}

/* The instructions of program @fd. */
static int prog_insns(int fd, struct bpf_insn **out, size_t *n, struct err *e)
{
	struct bpf_prog_info info;
	union bpf_attr a;

	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uint64_t)(uintptr_t)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0)
		return bpf_fail(e, errno, "read the runtime's device program");
	*n = info.xlated_prog_len / sizeof(struct bpf_insn);
	if (*n == 0 || *n > EBPF_MAX_INSNS)
		return err_set(e, EINVAL, "the runtime's device program cannot be read (%zu instructions)",
			       *n);
	*out = xcalloc(*n, sizeof(**out));
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = (uint32_t)(*n * sizeof(struct bpf_insn));
	info.xlated_prog_insns = (uint64_t)(uintptr_t)*out;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0) {
		free(*out);
		*out = NULL;
		return bpf_fail(e, errno, "read the runtime's device program");
	}
	return 0;
}

/* Program @id: an fd of it and its instructions. */
static int prog_open(uint32_t id, int *fd, struct bpf_insn **code, size_t *n, struct err *e)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_id = id;
	*fd = (int)sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
	if (*fd < 0)
		return bpf_fail(e, errno, "open the cgroup's device program");
	return prog_insns(*fd, code, n, e);
}

/* Replace program @id of @cg by our prefix + its own code. */
static int widen(int cg, uint32_t id, uint32_t flags, const struct dev_rule *rules, size_t nr,
		 struct err *e)
{
	_cleanup_close_ int old = -1;
	_cleanup_close_ int fresh = -1;
	_cleanup_free_ struct bpf_insn *code = NULL;
	_cleanup_free_ struct bpf_insn *prog = NULL;
	size_t n = 0, skip, k;
	bool all;

	if (prog_open(id, &old, &code, &n, e) < 0)
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
	if (ebpf_load(prog, k, &fresh, e) < 0)
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

int ebpf_set_allowed(const char *dir, const struct dev_rule *rules, size_t n, struct err *e)
{
	__attribute__((cleanup(cg_progs_close))) struct cg_progs p = { .fd = -1 };

	if (cg_progs_open(dir, &p, e) < 0)
		return -1;
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
	size_t n = 0, k;
	bool all;

	if (prog_open(id, &fd, &code, &n, e) < 0)
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
