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

long ebpf_sys(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int ebpf_fail(struct err *e, int code, const char *what)
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

static int prog_load(const struct bpf_insn *insns, size_t n, const char *name, char *log,
		     uint32_t log_size)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	if (name)
		snprintf(a.prog_name, sizeof(a.prog_name), "%s", name);
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
	return (int)ebpf_sys(BPF_PROG_LOAD, &a);
}

int ebpf_prog_load(const struct bpf_insn *insns, size_t n, char *log, uint32_t log_size)
{
	return prog_load(insns, n, NULL, log, log_size);
}

/* The first load has no verifier log: a log that outgrows its buffer fails
 * the load (ENOSPC), and runc's own program makes a long one. Only a load
 * that failed is tried again with a log, grown until the reason fits. */
int ebpf_load(const struct bpf_insn *insns, size_t n, int *fd, struct err *e)
{
	return ebpf_load_named(insns, n, NULL, fd, e);
}

int ebpf_load_named(const struct bpf_insn *insns, size_t n, const char *name, int *fd,
		    struct err *e)
{
	_cleanup_free_ char *log = NULL;
	char reason[256];
	int saved;

	*fd = prog_load(insns, n, name, NULL, 0);
	if (*fd >= 0)
		return 0;
	saved = errno;
	if (saved == EPERM)
		return ebpf_fail(e, saved, "load a cgroup device program");
	for (uint32_t size = EBPF_LOG_MIN; size <= EBPF_LOG_MAX; size *= 4) {
		free(log);
		log = xmalloc(size);
		*fd = prog_load(insns, n, name, log, size);
		if (*fd >= 0)
			return 0;       /* a passing failure: the program is good */
		if (errno != ENOSPC)
			break;
	}
	ebpf_log_reason(log, reason, sizeof(reason));
	return err_sys(e, saved, "load a cgroup device program%s%s", reason[0] ? ": " : "", reason);
}

void ebpf_copy_name(const char *name, char out[EBPF_NAME_LEN])
{
	char copy[EBPF_NAME_LEN];

	snprintf(copy, sizeof(copy), "%s", name);
	if (!strncmp(copy, "sch_", 4))
		snprintf(out, EBPF_NAME_LEN, "%s", copy);
	else
		snprintf(out, EBPF_NAME_LEN, "sch_%.11s", copy);
}

void ebpf_stale_copies(const char (*names)[EBPF_NAME_LEN], size_t n, bool *drop)
{
	bool systemd = false;

	for (size_t i = 0; i < n; i++)
		systemd |= !strcmp(names[i], EBPF_SYSTEMD_PROG);
	for (size_t i = 0; i < n; i++)
		drop[i] = systemd && !strncmp(names[i], "sch_sd_", 7);
}
